// A design's results as typed, named tables: trials/, patients/, cycles/ and
// timecourses/, each a list of equally long columns (docs/hdf5-schema.md).
// The one definition of which columns a run produces and how a ResultBlock
// fills them: the HDF5 sink stores these columns as datasets, the in-memory
// sink keeps them (result_sink.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "twinsim/trial/results/result_sink.hpp"
#include "twinsim/trial/results/results.hpp"

namespace twinsim::trial {

struct ResultColumn {
  std::string name;
  std::optional<std::string> unit;  // stored as the column's unit attribute when set
  bool integer = false;             // values in `ints`, else in `doubles`
  std::size_t width = 0;            // 0: one value per row; T: a [rows, T] table (a time-course variable)
  std::vector<std::int64_t> ints;
  std::vector<double> doubles;
  std::size_t rows() const { return (integer ? ints.size() : doubles.size()) / (width > 0 ? width : 1); }
  void clear() {
    ints.clear();
    doubles.clear();
  }
};

struct ResultTable {
  std::string name;  // schema::kTrials, kPatients, kCycles, kTimecourses
  std::vector<ResultColumn> columns;
  const ResultColumn* find(const std::string& column) const;
  void clear();
};

// A design's tables, without rows, in the order their columns are created
// and filled: trials/ always; patients/ (and cycles/ if the model has
// cycles) with layout.patients; timecourses/ with time-course variables.
std::vector<ResultTable> design_tables(const RunInfo& run);

// Appends the rows of `block` to `tables` (from design_tables): trials/
// from the trial rows, patients/ and cycles/ from the patient rows (with
// layout.patients), timecourses/ from block.timecourses (not from
// compressed chunks: those are the HDF5 sink's own). A missing integer
// extra column value (NaN) is -1.
void append_block(const RunInfo& run, const ResultBlock& block, std::vector<ResultTable>& tables);

}  // namespace twinsim::trial
