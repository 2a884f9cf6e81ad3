// twinsim fit SCENARIO --data DATA.csv: MAP estimates of the random effects of
// each individual of a data set, with Laplace SEs (trial/fit/map_fit.hpp).
#include <cmath>
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "text_output.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/core/file_safety.hpp"
#include "twinsim/core/input_file.hpp"
#include "twinsim/core/value_text.hpp"
#include "twinsim/trial/fit/fit_file.hpp"
#include "twinsim/trial/fit/map_fit.hpp"

namespace twinsim::cli {

namespace {

std::string object(const std::vector<std::string>& names, const std::vector<double>& v) {
  std::string o = "{";
  for (std::size_t i = 0; i < names.size() && i < v.size(); ++i)
    o += (i ? ", " : "") + json_string(names[i]) + ": " + output_number(v[i], true);
  return o + "}";
}

}  // namespace

int fit_command(const FitArgs& args) {
  const std::vector<core::InputFile> inputs{{"scenario file", args.scenario}, {"data set", args.data}};
  // Refuse to clobber before fitting; the writer checks again.
  if (!args.output.empty()) (void)core::checked_output_path(args.output, args.force, inputs);
  const trial::Scenario s = trial::load_scenario_file(args.scenario);
  if (!s.pk) throw core::UsageError("fit needs a PK/PD scenario with model.pk; " + args.scenario + " has none");
  const core::DataSet data = core::read_data_set_file(args.data, trial::fit_data_set_options(s));
  const trial::FitResult r = trial::fit_data_set(s, data);
  if (!args.output.empty()) {
    trial::FitFile file;
    file.scenario_name = s.name;
    file.scenario_file = args.scenario;
    file.scenario_yaml = s.source_text;
    file.data_file = args.data;
    constexpr std::size_t kMaxDataBytes = std::size_t{1} << 30;
    const std::string why = core::read_input_file(args.data, kMaxDataBytes, file.data_csv);
    if (!why.empty()) throw core::UsageError(args.data + ": " + why);
    for (std::size_t k = 0; k < r.individuals.size(); ++k) {
      trial::IndividualObjective f(s, data, k);
      file.observations.push_back(static_cast<std::int64_t>(f.n_observations()));
    }
    file.result = r;
    trial::write_fit_file(args.output, args.force, file, inputs);
    if (args.format.empty()) {
      std::printf("fitted %zu individuals; wrote %s\n", r.individuals.size(), args.output.c_str());
      return 0;
    }
  }
  if (args.format == "json") {
    std::printf("[");
    for (std::size_t i = 0; i < r.individuals.size(); ++i) {
      const auto& f = r.individuals[i];
      std::printf("%s{\"id\": %s, \"parameters\": %s, \"eta\": %s, \"objective\": %s, \"se\": %s, \"converged\": %s}",
                  i ? ",\n " : "", output_number(f.id, true).c_str(), object(r.parameter_names, f.parameters).c_str(),
                  object(r.eta_names, f.eta).c_str(), output_number(f.objective, true).c_str(),
                  object(r.eta_names, f.se).c_str(), f.converged ? "true" : "false");
    }
    std::printf("]\n");
    return 0;
  }
  const bool csv = args.format == "csv";
  const char* sep = csv ? "," : "\t";
  std::printf("ID%sOBJ%sconverged", sep, sep);
  for (const auto& e : r.eta_names) std::printf("%s%s%sSE_%s", sep, e.c_str(), sep, e.c_str());
  for (const auto& p : r.parameter_names) std::printf("%s%s", sep, p.c_str());
  std::printf("\n");
  for (const auto& f : r.individuals) {
    auto v = [&](double x) { return csv ? output_number(x, false) : (std::isfinite(x) ? std::to_string(x) : "NaN"); };
    std::printf("%s%s%s%s%d", output_number(f.id, false).c_str(), sep, v(f.objective).c_str(), sep, f.converged ? 1 : 0);
    for (std::size_t k = 0; k < f.eta.size(); ++k) std::printf("%s%s%s%s", sep, v(f.eta[k]).c_str(), sep, v(f.se[k]).c_str());
    for (double p : f.parameters) std::printf("%s%s", sep, v(p).c_str());
    std::printf("\n");
  }
  return 0;
}

}  // namespace twinsim::cli
