// The result file: a ResultSink (results/result_sink.hpp) that writes a run
// to the HDF5 layout of docs/hdf5-schema.md, every name from schema.hpp.
// The only trial_sim code that writes a result file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "twinsim/core/file_safety.hpp"
#include "twinsim/core/h5.hpp"
#include "twinsim/trial/results/result_sink.hpp"
#include "twinsim/trial/results/result_tables.hpp"

namespace twinsim::trial {

class Hdf5Sink final : public ResultSink {
 public:
  // Opens a temporary file beside `path`; nothing appears under `path` until
  // commit() (destroyed before, the sink removes it). `path` must not be one
  // of `inputs` (e.g. scenario_inputs()) nor a non-regular file (core::H5Writer).
  Hdf5Sink(const std::string& path, bool overwrite, std::vector<core::InputFile> inputs = {});

  // Root attributes, /dose_levels and a given /truth/dlt_probability.
  void begin_run(const RunInfo& run) override;
  // /truth/dlt_probability and its _se, with cohort_size and failed_patients.
  void truth(const TruthCurve& truth) override;
  void begin_design(const DesignInfo& design) override;
  void append(const ResultBlock& block) override;
  void append_timecourse_rows(const std::vector<std::vector<double>>& rows) override;
  // oc/, then the failure attributes of the design group: failed_patients,
  // replaced_patients, on_solve_failure, failed_<status>.
  void end_design(const DesignOc& oc, const DesignFailures& failures) override;
  // Sets the root attribute complete = 1, last, then renames the file into place.
  void commit() override;
  int timecourse_compression() const override { return run_.compression; }
  // Read back from the committed file (read_exposure).
  std::vector<DesignExposure> exposure(const std::string& reference_key) const override;

 private:
  std::string path_;
  core::H5Writer h5_;
  RunInfo run_;
  std::string group_;
  std::int64_t designs_begun_ = 0;  // the next design's design_index
  std::vector<ResultTable> tables_;  // the current design's, holding one block's rows
};

// Current UTC time as ISO 8601 ("2026-11-24T15:33:42Z").
std::string utc_now_iso8601();

}  // namespace twinsim::trial
