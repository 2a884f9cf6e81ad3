// twinsim fit SCENARIO --data DATA.csv: MAP estimates of the random effects of
// each individual of a data set, with Laplace SEs (trial/fit/map_fit.hpp).
#include <cmath>
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "text_output.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/core/value_text.hpp"
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
  const trial::Scenario s = trial::load_scenario_file(args.scenario);
  if (!s.pk) throw core::UsageError("fit needs a PK/PD scenario with model.pk; " + args.scenario + " has none");
  if (!args.output.empty())
    throw core::UsageError("fit -o (an HDF5 file of the fits) is not implemented yet; use --format");
  const core::DataSet data = core::read_data_set_file(args.data, trial::fit_data_set_options(s));
  const trial::FitResult r = trial::fit_data_set(s, data);
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
