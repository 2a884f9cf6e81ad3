// Where a run's results go: the runner (runner/run.hpp) emits everything a
// run produces through a ResultSink, in the order it produces it, and knows
// no file format. io/ has the HDF5 sink (Hdf5Sink, the result file of
// docs/hdf5-schema.md), results/ the in-memory one (MemorySink, typed named
// tables); a test or a future binding can add its own.
//
// Threading: the runner calls a sink from one thread at a time (its writer
// thread, core::SerialExecutor, while the simulation threads fill the next
// block), never concurrently, and each call happens-after the previous one.
// A sink needs no lock of its own; it must not keep references into a
// ResultBlock past append() (the runner refills the block).
//
// Order of the calls, for one run:
//   begin_run  [truth]  { begin_design  append*  [append_timecourse_rows]  end_design }*  commit
// An exception anywhere stops the calls; a sink destroyed without commit()
// has not finished (the HDF5 sink then removes its temporary file).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "twinsim/trial/results/oc_metrics.hpp"
#include "twinsim/trial/results/oc_report.hpp"
#include "twinsim/trial/results/results.hpp"

namespace twinsim::trial {

// The per-patient columns a run's patient model produces (PatientModel).
struct PatientLayout {
  bool patients = true;  // output.patients: patients/ (and cycles/) are kept
  bool exposure = false;  // PK/PD mode: the exposure columns (cmax ... auc_total)
  std::vector<std::string> parameters;  // individual parameters, PatientOutcome::parameters
  std::vector<ColumnSpec> extra;        // PatientOutcome::extra
  std::vector<ColumnSpec> cycle_columns;  // PatientOutcome::cycles, n_cycles rows per patient
  int n_cycles = 0;
  std::vector<std::string> timecourse_variables;  // output.timecourses
  std::vector<double> time_grid;                  // h
};

struct AccrualInfo {
  double patients_per_month = 0.0;
  double dlt_window_days = 0.0;
  bool poisson = false;
};

// What a run is: scenario and provenance metadata, given before any result.
struct RunInfo {
  std::string scenario_name;
  std::string scenario_file;  // path the scenario was read from ("" for text)
  std::string scenario_yaml;  // its text, as read
  std::uint64_t seed = 0;
  std::int64_t replicates = 0;
  bool pkpd = false;  // PK/PD mode (else design-only)
  std::vector<double> dose_levels;
  std::optional<std::vector<double>> true_dlt_probabilities;  // given by the scenario (design-only)
  // Design-only `efficacy`: P(response) given, and P(DLT and response) of the copula.
  std::optional<std::vector<double>> true_response_probabilities, true_dlt_and_response_probabilities;
  ScoringOptions scoring;
  std::optional<AccrualInfo> accrual;
  int compression = 0;  // output.compression, deflate level 0-9
  // Whether a design's failures record how many were replaced, and what the
  // design counted a failed patient as (on_solve_failure; "" = not recorded).
  bool records_replaced = false;
  std::string on_solve_failure;
  // The scenario text's population key (OcReport::population_key): runs
  // with equal keys, seeds and replicates share their virtual patients.
  std::string population_key;
  // Extra provenance as string attributes (e.g. a sweep variant's id and hash).
  std::vector<std::pair<std::string, std::string>> attributes;
  PatientLayout layout;
};

// One design, before its results.
struct DesignInfo {
  std::string name;
  std::string type;
  double target = -1.0;                // target DLT rate; < 0: none (e.g. fixed arm)
  std::int64_t planned_patients = -1;  // max_patients; < 1: none (e.g. 3+3)
  bool dose_finding = true;            // Design::is_dose_finding() (false: a fixed arm)
  bool time_driven = false;            // its durations are measured (Design::time_driven(), or measures_duration() with accrual)
  bool selects_obd = false;            // Design::obd_objective() is set: scored against the true OBD
};

// One design's failed patients, after its results.
struct DesignFailures {
  std::int64_t total = 0;     // replaced ones included
  std::int64_t replaced = 0;  // SolveFailurePolicy::kReplace
  std::map<std::string, std::int64_t> by_status;  // core::to_string(SolveStatus) -> count, zeros left out
};

class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void begin_run(const RunInfo& run) = 0;
  // PK/PD mode with a dose-finding design: the reference cohort's curve.
  virtual void truth(const TruthCurve& truth) = 0;
  virtual void begin_design(const DesignInfo& design) = 0;
  // The next trials of the current design, in trial order.
  virtual void append(const ResultBlock& block) = 0;
  // Only when timecourse_compression() > 0: the time-course rows that did
  // not fill a whole compressed chunk, [rows, T] per variable (TimecoursePacker::finish()).
  virtual void append_timecourse_rows(const std::vector<std::vector<double>>& rows) { (void)rows; }
  // The design's OCs (design_oc_from_sums over the run's sums) and failures.
  virtual void end_design(const DesignOc& oc, const DesignFailures& failures) = 0;
  // The run finished: everything has been emitted.
  virtual void commit() = 0;
  // > 0: the sink stores time courses as deflate-compressed chunks of
  // timecourse_chunk_rows(T) rows at this level, and the runner compresses
  // them on the simulation threads into ResultBlock::tc_chunks. 0: plain
  // rows in ResultBlock::timecourses.
  virtual int timecourse_compression() const { return 0; }
  // After commit(): each design's exposure per dose (exposure_oc.hpp), as
  // `report` computes it, from the patients/ the sink holds (the run keeps no
  // patient values); reference_key: pair_key of the first design. Empty for
  // a sink that keeps no patients.
  virtual std::vector<DesignExposure> exposure(const std::string& reference_key) const {
    (void)reference_key;
    return {};
  }
};

// Patients per chunk of a time-course table with T grid times (~512 KiB).
std::uint64_t timecourse_chunk_rows(std::size_t T);

}  // namespace twinsim::trial
