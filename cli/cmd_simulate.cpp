// twinsim simulate SCENARIO --data DATA.csv: the data set's individuals and
// records under the scenario's model, one row per observation record, printed
// and/or written to an HDF5 file (-o, trial/io/simulate_file.hpp).
#include <cmath>
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "text_output.hpp"
#include "twinsim/core/config.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/core/file_safety.hpp"
#include "twinsim/core/input_file.hpp"
#include "twinsim/trial/io/simulate_file.hpp"
#include "twinsim/trial/patient/data_simulation.hpp"
#include "twinsim/trial/runner/run.hpp"
#include "twinsim/trial/scenario/data_compartments.hpp"

namespace twinsim::cli {

namespace {

void write_file(const SimulateArgs& args, const trial::Scenario& s, const trial::DataSimulation& r) {
  trial::SimulateFile file;
  file.scenario_name = s.name;
  file.scenario_file = args.scenario;
  file.scenario_yaml = s.source_text;
  file.data_file = args.data;
  file.seed = s.seed;
  file.iiv = args.iiv;
  constexpr std::size_t kMaxDataBytes = std::size_t{1} << 30;
  const std::string why = core::read_input_file(args.data, kMaxDataBytes, file.data_csv);
  if (!why.empty()) throw core::UsageError(args.data + ": " + why);
  file.result = r;
  std::vector<core::InputFile> inputs = trial::scenario_inputs(s);
  inputs.push_back({"data set", args.data});
  trial::write_simulate_file(args.output, args.force, file, inputs);
}

}  // namespace

int simulate_command(const SimulateArgs& args) {
  // Refuse to clobber before simulating; the writer checks again with every input.
  if (!args.output.empty())
    (void)core::checked_output_path(args.output, args.force, {{"scenario file", args.scenario}, {"data set", args.data}});
  const trial::Scenario s = trial::load_scenario_file(args.scenario);
  if (!s.pk) throw core::UsageError("simulate needs a PK/PD scenario (with 'model'); " + args.scenario + " is design-only");
  core::DataSetOptions options = trial::data_set_options(*s.pk);
  options.require_id = true;
  const core::DataSet data = core::read_data_set_file(args.data, options);
  const trial::DataSimulation r = trial::simulate_data_set(s, data, {args.iiv});
  if (!args.output.empty()) {
    write_file(args, s, r);
    if (args.format.empty()) {
      std::printf("simulated %zu individuals, %zu observation records; wrote %s\n", r.individuals.size(),
                  r.rows.size(), args.output.c_str());
      return 0;
    }
  }
  const bool json = args.format == "json", csv = args.format == "csv";
  if (json) {
    std::printf("[");
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
      const auto& row = r.rows[i];
      std::printf("%s{\"ID\": %s, \"TIME\": %s", i ? ",\n " : "", output_number(row.id, true).c_str(),
                  output_number(row.time, true).c_str());
      for (std::size_t k = 0; k < r.outputs.size(); ++k)
        std::printf(", %s: %s", json_string(r.outputs[k]).c_str(), output_number(row.values[k], true).c_str());
      std::printf("}");
    }
    std::printf("]\n");
    return 0;
  }
  const char* sep = csv ? "," : "\t";
  std::printf("ID%sTIME", sep);
  for (const auto& o : r.outputs) std::printf("%s%s", sep, o.c_str());
  std::printf("\n");
  for (const auto& row : r.rows) {
    if (csv) {
      std::printf("%s,%s", output_number(row.id, false).c_str(), output_number(row.time, false).c_str());
      for (double v : row.values) std::printf(",%s", output_number(v, false).c_str());
    } else {
      std::printf("%g\t%g", row.id, row.time);
      for (double v : row.values) std::printf("\t%.6g", v);
    }
    std::printf("\n");
  }
  return 0;
}

}  // namespace twinsim::cli
