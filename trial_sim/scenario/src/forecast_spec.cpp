// Reader of the forecast file (forecast_spec.hpp). Candidate-level interval_h
// and doses_per_cycle override the file's, which default to the scenario's
// shorthand regimen, so a dose-only list forecasts "the same schedule, another dose".
#include "twinsim/trial/scenario/forecast_spec.hpp"

#include <cmath>
#include <set>

#include "twinsim/core/config.hpp"
#include "twinsim/trial/scenario/value_rules.hpp"

namespace twinsim::trial {

namespace {

constexpr std::size_t kMaxCandidates = 100;
constexpr double kMaxDraws = 1e6;

}  // namespace

std::vector<DoseRecordSpec> ForecastSpec::doses(std::size_t c, double start) const {
  std::vector<DoseRecordSpec> out;
  const ForecastCandidate& k = candidates[c];
  for (int i = 0; i < k.doses; ++i) {
    DoseRecordSpec r = route;
    r.time_h = start + i * k.interval_h;
    r.amount_mg = k.dose_mg;
    r.ii_h = 0.0;
    r.addl = 0;
    out.push_back(r);
  }
  return out;
}

ForecastSpec load_forecast_spec(const std::string& path, const Scenario& s) {
  const core::ConfigNode root = core::ConfigNode::load_file(path);
  core::Diagnostics diag;
  core::MapReader r(root, diag);
  if (!r.valid()) diag.throw_if_any();  // MapReader has said "expected a map"
  ForecastSpec f;
  f.source_path = path;
  const RegimenSpec& reg = s.regimen;
  if (!reg.records.empty()) f.route = reg.records.front();
  const int default_doses = reg.records.empty() ? 1 : reg.records.front().addl + 1;
  if (r.has("start_h")) {
    f.start_mark = r.get("start_h").mark();
    f.start_h = r.required_double("start_h", core::Range::closed(0, ScenarioLimits::kMaxSimulatedHours));
  }
  f.cycle_length_h =
      r.optional_double("cycle_length_h", reg.cycle_length_h, core::Range{0, ScenarioLimits::kMaxSimulatedHours, true, false});
  const double interval = r.optional_double("interval_h", reg.interval_h, core::Range::positive());
  const auto doses = r.optional_int("doses_per_cycle", default_doses,
                                    core::Range::closed(1, static_cast<double>(ScenarioLimits::kMaxDosesPerCycle)));
  const core::ConfigNode grid = r.get("grid_h");
  f.grid_h = r.optional_double("grid_h", f.grid_h, core::Range::positive());
  if (f.cycle_length_h > 0 && f.grid_h > f.cycle_length_h)
    diag.error(grid.mark(), "grid_h",
               "the grid step " + core::format_number(f.grid_h) + " h is longer than the forecast cycle (" +
                   core::format_number(f.cycle_length_h) + " h)");
  else if (f.cycle_length_h / f.grid_h > static_cast<double>(ScenarioLimits::kMaxGridPoints))
    diag.error(grid.mark(), "grid_h", "more than " + std::to_string(ScenarioLimits::kMaxGridPoints) +
                                          " grid points in the forecast cycle");
  const core::ConfigNode draws_node = r.get("draws");
  f.draws = r.optional_int("draws", f.draws, core::Range::closed(1, kMaxDraws));
  if (r.has("seed")) f.seed = static_cast<std::uint64_t>(r.optional_int("seed", 0, ValueRules::seed()));

  const core::ConfigNode list = r.require("candidates");
  if (!list.is_missing() && (!list.is_sequence() || list.size() == 0 || list.size() > kMaxCandidates))
    diag.error(list.mark(), "candidates",
               "expected a list of 1 to " + std::to_string(kMaxCandidates) + " candidates, got " +
                   (list.is_sequence() ? std::to_string(list.size()) : list.describe()));
  else if (list.is_sequence()) {
    std::set<std::string> names;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const core::ConfigNode item = list.at(i);
      const std::string key = "candidates[" + std::to_string(i) + "]";
      core::MapReader c(item, diag);
      if (!c.valid()) continue;  // reported by the reader
      ForecastCandidate k;
      k.dose_mg = c.required_double("dose", core::Range{0, 1e6, true, false}).value_or(0.0);
      const core::ConfigNode name = c.get("name");
      k.name = c.optional_string("name", core::format_number(k.dose_mg) + " mg");
      if (!names.insert(k.name).second)
        diag.error(name.is_missing() ? item.mark() : name.mark(), key + ".name",
                   "two candidates are named '" + k.name + "'");
      k.interval_h = c.optional_double("interval_h", interval, core::Range::positive());
      k.doses = static_cast<int>(c.optional_int(
          "doses_per_cycle", doses, core::Range::closed(1, static_cast<double>(ScenarioLimits::kMaxDosesPerCycle))));
      if ((k.doses - 1) * k.interval_h >= f.cycle_length_h && f.cycle_length_h > 0)
        diag.error(item.mark(), key,
                   std::to_string(k.doses) + " doses every " + core::format_number(k.interval_h) +
                       " h do not fit in the forecast cycle of " + core::format_number(f.cycle_length_h) + " h");
      c.finish();
      f.candidates.push_back(std::move(k));
    }
  }
  if (static_cast<double>(f.draws) * static_cast<double>(f.candidates.size()) > kMaxForecastDrawsTimesCandidates)
    diag.error(draws_node.mark(), "draws",
               std::to_string(f.draws) + " draws for " + std::to_string(f.candidates.size()) +
                   " candidates: at most " + core::format_number(kMaxForecastDrawsTimesCandidates) +
                   " draws x candidates");
  r.finish();
  diag.throw_if_any();
  return f;
}

}  // namespace twinsim::trial
