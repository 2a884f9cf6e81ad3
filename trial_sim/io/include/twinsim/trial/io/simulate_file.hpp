// The file of `twinsim simulate SCENARIO --data DATA.csv -o OUT.h5`
// (docs/hdf5-schema.md, "Simulate file"): the rows `--format csv` prints as
// column datasets, each individual's parameters and the doses given, with
// the scenario's and the data set's text for provenance.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "twinsim/core/file_safety.hpp"
#include "twinsim/trial/patient/data_simulation.hpp"

namespace twinsim::trial {

struct SimulateFile {
  std::string scenario_name, scenario_file, scenario_yaml;
  std::string data_file, data_csv;
  std::uint64_t seed = 0;  // the scenario's: the random effects' stream with `iiv`
  bool iiv = false;
  DataSimulation result;
};

// Written to a temporary file and renamed on success (core::H5Writer): never
// half-written. UsageError for an existing path without `overwrite`, a path
// that is not a regular file or is one of `inputs`, and an output or
// parameter whose name is taken by a fixed column (ID, TIME, record, ...).
void write_simulate_file(const std::string& path, bool overwrite, const SimulateFile& file,
                         const std::vector<core::InputFile>& inputs);

}  // namespace twinsim::trial
