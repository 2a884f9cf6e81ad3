// Reading result files back into operating characteristics, for `twinsim
// report` and `twinsim compare` (the OCs themselves: results/oc_report.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "twinsim/core/h5.hpp"
#include "twinsim/trial/results/oc_report.hpp"

namespace twinsim::trial {

// Reads and checks result files, streaming the tables of all their designs
// together; the first design of the first file is the reference whose
// PairSums every other design with as many trials gets. Throws
// core::RuntimeError with a one-line message on a missing, non-HDF5,
// truncated or foreign file, a missing or unknown schema_version, missing
// datasets, or tables that are inconsistent (lengths differ, indices out of
// range, rows not in trial order).
std::vector<OcReport> read_oc_reports(const std::vector<std::string>& paths);
OcReport read_oc_report(const std::string& path);  // one file: read_oc_reports({path})[0]
// Only the exposure summaries of a file's designs, in order (what
// read_oc_reports puts in DesignOc::exposure; the sink's read-back).
std::vector<DesignExposure> read_exposure(const std::string& path, const std::string& reference_key);

// A stored oc/ summary: empty if absent; RuntimeError if it has more values
// than dose levels may be (only per-trial tables are long, and those are
// streamed). read_scalar: its one value, or nullopt.
std::vector<double> read_optional(const core::H5Reader& h5, const std::string& path);
std::optional<double> read_scalar(const core::H5Reader& h5, const std::string& path);
// For a design of a type that selects an OBD: objective OBD and the true OBD
// and utilities the run stored (oc/true_obd_dose, oc/true_utility under the
// design group `group`) when they are there and fit D dose levels; else no-op.
void read_obd_scoring(const core::H5Reader& h5, const std::string& group, const std::string& type, std::size_t D,
                      ScoringTarget& t);

// The design groups under `designs` in scenario order, from their
// design_index attributes. A file written before those (a group without one)
// is ordered by the design names of the scenario_yaml attribute of `holder`,
// names it does not list last: the only reading of stored scenario text.
std::vector<std::string> stored_design_order(const core::H5Reader& h5, const std::string& designs,
                                             const std::string& holder);
// OcReport::population_key from the population_key attribute of `holder`
// (older files: derived from its scenario_yaml attribute).
std::string stored_population_key(const core::H5Reader& h5, const std::string& holder);

}  // namespace twinsim::trial
