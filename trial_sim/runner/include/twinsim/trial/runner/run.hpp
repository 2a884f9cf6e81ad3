// Runs every design of a scenario and writes the HDF5 result file.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "twinsim/core/file_safety.hpp"
#include "twinsim/trial/results/results.hpp"
#include "twinsim/trial/runner/runner.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace twinsim::trial {

struct RunOptions {
  std::string output;        // HDF5 path
  bool overwrite = false;    // --force
  int threads = 0;           // 0: OpenMP default
  // Files the output must not be, besides the scenario's own (its source file
  // and population.csv), e.g. a sweep file.
  std::vector<core::InputFile> inputs;
  // Extra string attributes on the root group.
  std::vector<std::pair<std::string, std::string>> attributes;
  // Polled from the simulation threads before each trial and reference
  // patient (thread-safe, cheap); true stops the run with Interrupted and no
  // output (DesignRunner::set_stop).
  std::function<bool()> stop;
  // Called from the main thread with (trials done, trials total) over all designs.
  std::function<void(std::int64_t, std::int64_t)> progress;
  // Memory bound for the results held before they are written (bytes): two
  // blocks of half this size, one filled while the other is written.
  std::size_t block_bytes = 64u << 20;
};

struct DesignSummary {
  std::string name;
  std::string type;
  std::int64_t trials = 0;
  std::vector<double> p_select, mean_patients, mean_dlts;
  double p_no_selection = 0.0;
  double mean_total_patients = 0.0;
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
  double seconds = 0.0;
  std::int64_t truth_failed = 0;  // reference-cohort patients whose solve failed
};

RunSummary run_scenario(const Scenario& scenario, const RunOptions& options);

// The files a scenario was read from: its source file and population.csv.
std::vector<core::InputFile> scenario_inputs(const Scenario& scenario);

}  // namespace twinsim::trial
