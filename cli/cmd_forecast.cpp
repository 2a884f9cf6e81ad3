// twinsim forecast FIT.h5 --regimen FILE.yaml: every fitted patient's next
// cycle under each candidate, from their posterior (trial/fit/forecast.hpp).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include "commands.hpp"
#include "text_output.hpp"
#include "twinsim/core/config.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/trial/fit/fit_file.hpp"
#include "twinsim/trial/fit/forecast.hpp"

namespace twinsim::cli {

namespace {

std::string quantiles_json(const trial::ForecastQuantiles& q) {
  return "{\"median\": " + output_number(q.median, true) + ", \"lo\": " + output_number(q.lo, true) +
         ", \"hi\": " + output_number(q.hi, true) + "}";
}

// The scenario as the fit ran it: its stored text, relative file names
// resolved against the scenario file's folder.
trial::Scenario fitted_scenario(const trial::FitFile& f) {
  const std::string dir = std::filesystem::path(f.scenario_file).parent_path().string();
  const core::ConfigNode root = core::ConfigNode::load_string(f.scenario_yaml, f.scenario_file);
  return trial::load_scenario_tree(root, f.scenario_yaml, f.scenario_file, dir.empty() ? "." : dir);
}

}  // namespace

int forecast_command(const ForecastArgs& args) {
  const trial::FitFile file = trial::read_fit_file(args.fit);
  const trial::Scenario s = fitted_scenario(file);
  if (!s.pk) throw core::UsageError(args.fit + ": the stored scenario has no model.pk");
  trial::ForecastSpec spec = trial::load_forecast_spec(args.regimen, s);
  if (args.draws) spec.draws = *args.draws;
  if (static_cast<double>(spec.draws) * static_cast<double>(spec.candidates.size()) >
      trial::kMaxForecastDrawsTimesCandidates)
    throw core::UsageError("--draws " + std::to_string(spec.draws) + " for " + std::to_string(spec.candidates.size()) +
                           " candidates: at most " + core::format_number(trial::kMaxForecastDrawsTimesCandidates) +
                           " draws x candidates");
  if (args.seed) spec.seed = *args.seed;
  const core::DataSet data = core::read_data_set_text(file.data_csv, file.data_file, trial::fit_data_set_options(s));
  const auto& fits = file.result.individuals;
  if (data.individuals().size() != fits.size())
    throw core::UsageError(args.fit + ": " + std::to_string(fits.size()) + " fits for " +
                           std::to_string(data.individuals().size()) + " individuals in the stored data set");
  std::vector<trial::PatientForecast> out;
  for (std::size_t k = 0; k < fits.size(); ++k) {
    trial::IndividualObjective history(s, data, k);
    out.push_back(trial::forecast_individual(s, history, fits[k], k, spec));
  }
  if (args.format == "json") {
    std::printf("[");
    for (std::size_t i = 0; i < out.size(); ++i) {
      const auto& p = out[i];
      std::printf("%s{\"id\": %s, \"start_h\": %s, \"end_h\": %s, \"candidates\": [", i ? ",\n " : "",
                  output_number(p.id, true).c_str(), output_number(p.start_h, true).c_str(),
                  output_number(p.end_h, true).c_str());
      for (std::size_t c = 0; c < p.candidates.size(); ++c) {
        const auto& f = p.candidates[c];
        std::printf("%s{\"name\": %s, \"dose\": %s, \"p_grade3\": %s, \"p_grade4\": %s, \"nadir\": %s, "
                    "\"cmax\": %s, \"auc\": %s, \"ctrough\": %s, \"tumour\": %s, \"draws\": %lld, \"failed\": %lld}",
                    c ? ",\n   " : "", json_string(f.name).c_str(), output_number(f.dose_mg, true).c_str(),
                    output_number(f.p_grade3, true).c_str(), output_number(f.p_grade4, true).c_str(),
                    quantiles_json(f.nadir).c_str(), output_number(f.cmax.median, true).c_str(),
                    output_number(f.auc.median, true).c_str(), output_number(f.ctrough.median, true).c_str(),
                    output_number(f.tumour.median, true).c_str(), static_cast<long long>(f.draws),
                    static_cast<long long>(f.failed));
      }
      std::printf("]}");
    }
    std::printf("]\n");
    return 0;
  }
  const bool csv = args.format == "csv";
  const char* sep = csv ? "," : "\t";
  const char* header[] = {"ID", "candidate", "dose", "P_grade3", "P_grade4", "nadir", "nadir_lo", "nadir_hi",
                          "Cmax", "AUC", "Ctrough", "TUMOR", "failed"};
  for (std::size_t h = 0; h < std::size(header); ++h) std::printf("%s%s", h ? sep : "", header[h]);
  std::printf("\n");
  auto v = [&](double x) {
    if (csv) return output_number(x, false);
    if (!std::isfinite(x)) return std::string("NaN");
    char b[32];
    std::snprintf(b, sizeof b, "%.4g", x);
    return std::string(b);
  };
  for (const auto& p : out)
    for (const auto& f : p.candidates) {
      const std::string name = csv ? json_string(f.name) : f.name;
      std::printf("%s%s%s%s%s", output_number(p.id, false).c_str(), sep, name.c_str(), sep, v(f.dose_mg).c_str());
      for (double x : {f.p_grade3, f.p_grade4, f.nadir.median, f.nadir.lo, f.nadir.hi, f.cmax.median, f.auc.median,
                       f.ctrough.median, f.tumour.median})
        std::printf("%s%s", sep, v(x).c_str());
      std::printf("%s%lld\n", sep, static_cast<long long>(f.failed));
    }
  return 0;
}

}  // namespace twinsim::cli
