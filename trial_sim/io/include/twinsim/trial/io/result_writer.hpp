// Writes a run to the HDF5 layout of docs/hdf5-schema.md. The only trial_sim
// code that knows the file layout. Calls come from one thread at a time (the
// run's writer thread, core::SerialExecutor), never concurrently.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "twinsim/core/h5.hpp"
#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/results/results.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace twinsim::trial {

class ResultWriter {
 public:
  // Opens a temporary file beside `path`; nothing appears under `path` until
  // commit(). `path` must not be one of `inputs` nor a non-regular file
  // (core::H5Writer).
  ResultWriter(const std::string& path, bool overwrite, const Scenario& scenario, const PatientModel& model,
               std::vector<core::InputFile> inputs = {});

  // A string attribute on the root group (provenance, e.g. a sweep variant's hash).
  void root_attribute(const std::string& name, const std::string& value);
  // PK/PD mode: /truth/dlt_probability, /truth/dlt_probability_se.
  void write_truth(const TruthCurve& truth);
  void begin_design(const DesignSpec& design, bool with_timecourses);
  void append(const ResultBlock& block);
  // The last rows of each time-course table, [rows, T] per variable, after
  // the blocks' whole chunks (TimecoursePacker::finish()).
  void append_timecourse_rows(const std::vector<std::vector<double>>& rows);
  // oc/: the design's OCs (design_oc_from_sums over the run's sums).
  void end_design(const DesignOc& oc);
  // Attributes on the current design group: failed_patients (all failures)
  // and failed_<status> per SolveStatus name, e.g. failed_too_much_work.
  // replaced: how many of them were replaced (on_solve_failure: replace).
  void failures(std::int64_t total, std::int64_t replaced, const std::map<std::string, std::int64_t>& by_status);
  // Sets the root attribute complete = 1, last, then renames the file into place.
  void commit();

  // Patients per chunk of a time-course table with T grid times (~512 KiB).
  static std::uint64_t timecourse_chunk_rows(std::size_t T);

 private:
  void create_patient_tables();            // patients/ and cycles/ (output.patients)
  void append_patients(const ResultBlock& block);

  core::H5Writer h5_;
  const Scenario& scenario_;
  const PatientModel& model_;
  std::string group_;
  bool timecourses_ = false;
  std::vector<std::string> param_names_;
};

// Current UTC time as ISO 8601 ("2026-11-24T15:33:42Z").
std::string utc_now_iso8601();

}  // namespace twinsim::trial
