// regimen.events: a NONMEM-format table of dosing records (read by the core
// reader, docs/data-sets.md) as every patient's regimen, one cycle of it
// repeated `cycles` times. IDs are ignored: every dose record of the table
// is a record of the regimen.
#include <algorithm>
#include <cctype>
#include <filesystem>

#include "scenario_parts.hpp"
#include "twinsim/trial/scenario/data_compartments.hpp"

namespace twinsim::trial {

using core::ConfigNode;
using core::Diagnostics;
using core::MapReader;
using core::Range;

core::DataSetOptions data_set_options(const PkSpec& pk) {
  const pkpd::PkSystem s = pk.model->compile(pk.values);
  const auto names = pk.model->state_names(s.n_transit);
  core::DataSetOptions o;
  o.require_id = false;
  for (int i = 0; i < s.idx_auc; ++i) {
    std::string name = names[static_cast<std::size_t>(i)];
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (i == s.idx_central) name = "central";
    const bool absorption = i == s.idx_depot || (s.n_transit > 0 && i < s.n_transit);
    o.compartments.push_back({i + 1, name, !absorption});
  }
  return o;
}

DoseRecordSpec data_dose_record(const PkSpec& pk, const pkpd::PkSystem& typical, double time_h, double amt,
                                double rate, int cmt) {
  DoseRecordSpec d;
  d.time_h = time_h;
  d.amount_mg = amt;
  d.cmt = cmt;
  if (rate > 0) {
    d.route = pkpd::Route::kIvInfusion;
    d.rate_mg_per_h = rate;
  } else {
    const bool oral = pk.model->accepts(pkpd::Route::kOral) && state_of_cmt(typical, cmt) == typical.oral_target;
    d.route = oral ? pkpd::Route::kOral : pkpd::Route::kIvBolus;
  }
  return d;
}

std::optional<RegimenSpec> read_event_regimen(MapReader& r, const ConfigNode& events, Diagnostics& diag,
                                              const RegimenContext& ctx) {
  for (const char* key : {"doses", "route", "doses_per_cycle", "infusion_duration_h"}) {
    const ConfigNode n = r.get(key);
    if (!n.is_missing())
      diag.error(n.key_mark(), n.path(), "only valid without 'events' (the table's records are the regimen)");
  }
  const double cycle_len = r.optional_double("cycle_length_h", 0.0, Range::positive());
  RegimenSpec g;
  g.cycles = static_cast<int>(r.optional_int("cycles", 1, Range::closed(1, ScenarioLimits::kMaxCycles)));
  const double interval = r.optional_double("interval_h", 0.0, Range::positive());
  g.steady_state = r.optional_bool("steady_state", false);
  r.finish();
  const auto file = core::read_string(events, diag);
  if (!file || !ctx.pk) return std::nullopt;
  std::filesystem::path path(*file);
  if (path.is_relative()) path = std::filesystem::path(ctx.base_dir) / path;
  g.events_file = path.string();
  core::DataSet data;
  try {
    data = core::read_data_set_file(g.events_file, data_set_options(*ctx.pk));
  } catch (const core::ScenarioError& e) {
    for (const auto& d : e.diagnostics()) diag.add(d);
    return std::nullopt;
  }
  const pkpd::PkSystem typical = ctx.pk->model->compile(ctx.pk->values);
  bool ok = true;
  double last = 0.0;
  const auto& recs = data.records();
  for (std::size_t i = 0; i < recs.size(); ++i) {
    const core::DataRecord& x = recs[i];
    if (x.is_reset()) {
      diag.error(data.mark(i, data.column("EVID")), "EVID",
                 "resets (EVID 3, 4) are not supported in regimen.events: the table is one regimen");
      ok = false;
      continue;
    }
    if (!x.is_dose()) continue;  // observations and other events schedule nothing
    if (x.ss != 0) {
      diag.error(data.mark(i, data.column("SS")), "SS",
                 "steady-state records are not supported in regimen.events; use regimen.steady_state");
      ok = false;
      continue;
    }
    DoseRecordSpec d = data_dose_record(*ctx.pk, typical, x.time, x.amt, x.rate, x.cmt);
    d.ii_h = x.ii;
    d.addl = x.addl;
    const double end = d.time_h + d.addl * d.ii_h;
    if (cycle_len > 0 && !(end < cycle_len)) {
      diag.error(data.mark(i, data.column("TIME")), "TIME",
                 "the record's last dose, at " + core::format_number(end) + " h, is not within regimen.cycle_length_h (" +
                     core::format_number(cycle_len) + " h)");
      ok = false;
    }
    last = std::max(last, end);
    g.records.push_back(d);
  }
  if (ok && g.records.empty()) {
    diag.error(events.mark(), events.path(), "the table " + g.events_file + " has no dose records (EVID 1)");
    ok = false;
  }
  if (!ok) return std::nullopt;
  const double gap = regimen_first_gap(g, 24.0);
  g.cycle_length_h = cycle_len > 0 ? cycle_len : last + gap;
  g.interval_h = interval > 0 ? interval : regimen_first_gap(g, g.cycle_length_h);
  return g;
}

}  // namespace twinsim::trial
