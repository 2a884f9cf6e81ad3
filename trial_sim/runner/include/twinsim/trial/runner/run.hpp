// Runs every design of a scenario into a ResultSink (an HDF5 file: io/hdf5_sink.hpp;
// memory: results/memory_sink.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "twinsim/core/file_safety.hpp"
#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/results/oc_report.hpp"
#include "twinsim/trial/results/result_sink.hpp"
#include "twinsim/trial/results/results.hpp"
#include "twinsim/trial/runner/runner.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace twinsim::trial {

struct RunOptions {
  int threads = 0;           // 0: OpenMP default
  // What the run's OcReport is called (RunSummary::oc.path, the label
  // `compare` pairs by), e.g. the result file the sink writes.
  std::string label;
  // Extra provenance, string attributes of the run (RunInfo::attributes).
  std::vector<std::pair<std::string, std::string>> attributes;
  // Polled from the simulation threads before each trial and reference
  // patient (thread-safe, cheap); true stops the run with Interrupted and
  // the sink uncommitted (DesignRunner::set_stop).
  std::function<bool()> stop;
  // Called from the main thread with (trials done, trials total) over all designs.
  std::function<void(std::int64_t, std::int64_t)> progress;
  // Memory bound for the results held before the sink takes them (bytes):
  // two blocks of half this size, one filled while the other is emitted.
  std::size_t block_bytes = 64u << 20;
};

struct DesignSummary {
  std::string name;
  std::string type;
  std::int64_t trials = 0;
  // PK/PD mode: mean exposure over patients with a successful solve.
  double mean_cmax = 0.0, mean_auc_first = 0.0, mean_ctrough = 0.0;
  std::int64_t patients = 0;         // patients the design saw (replaced ones not included)
  std::int64_t failed_patients = 0;  // replaced ones included
  std::int64_t replaced_patients = 0;
  // Failed patients by reason (core::to_string of their SolveStatus).
  std::map<std::string, std::int64_t> failed_by_status;
};

struct RunSummary {
  std::vector<DesignSummary> designs;
  // The run's operating characteristics, as `report` computes them from the
  // result file (path: RunOptions::label), every design
  // paired with the first one as `compare` pairs them (DesignOc::with_reference).
  OcReport oc;
  double seconds = 0.0;
  std::int64_t truth_failed = 0;  // reference-cohort patients whose solve failed
};

// Runs every design of the scenario and emits the results into `sink`
// (results/result_sink.hpp), committing it at the end. Throws Interrupted
// (stop), PatientSolveError, core::RuntimeError; the sink is then left
// uncommitted.
RunSummary run(const Scenario& scenario, ResultSink& sink, const RunOptions& options = {});

// The OCs of every design by exact enumeration instead of simulation
// (`twinsim run --exact`, docs/designs.md): design-only mode, designs whose
// decisions depend only on DLT counts (Design::decision_basis), each with at
// most kMaxExactStates count states. The sink gets no trials (the file's
// trials/ and patients/ are empty, root attribute oc_method = "exact", io/schema.hpp) and
// OCs with SE 0. Throws core::UsageError for a scenario it cannot enumerate.
RunSummary run_exact(const Scenario& scenario, ResultSink& sink, const RunOptions& options = {});

// What the sink is told about the run before its results.
RunInfo run_info(const Scenario& scenario, const PatientModel& model, const RunOptions& options);

// The files a scenario was read from: its source file and population.csv.
std::vector<core::InputFile> scenario_inputs(const Scenario& scenario);

}  // namespace twinsim::trial
