// The fit file of `twinsim fit -o FIT.h5` (docs/hdf5-schema.md, "Fit file"):
// the fits of every individual and what `twinsim forecast` needs to simulate
// them again: the scenario text and the data set's text.
#pragma once

#include <string>
#include <vector>

#include "twinsim/core/file_safety.hpp"
#include "twinsim/trial/fit/map_fit.hpp"

namespace twinsim::trial {

struct FitFile {
  std::string scenario_name, scenario_file, scenario_yaml;
  std::string data_file, data_csv;
  std::vector<std::int64_t> observations;  // per individual: observation records fitted
  FitResult result;
};

// Written to a temporary file and renamed on success (core::H5Writer): never
// half-written; UsageError for an existing path without `overwrite`, or one of `inputs`.
void write_fit_file(const std::string& path, bool overwrite, const FitFile& fit,
                    const std::vector<core::InputFile>& inputs);

// UsageError naming the file when it does not exist, is not HDF5, or is not a
// fit file (no /fit group, e.g. a `twinsim run` result).
FitFile read_fit_file(const std::string& path);

}  // namespace twinsim::trial
