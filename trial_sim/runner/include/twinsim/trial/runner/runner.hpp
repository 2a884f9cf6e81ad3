// Runs the replicate trials of one design, a block at a time, in parallel
// (OpenMP). Each trial writes into its own slot and blocks are returned in
// trial order, so results do not depend on the number of threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "twinsim/core/error.hpp"
#include "twinsim/trial/designs/design.hpp"
#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/results/oc_metrics.hpp"
#include "twinsim/trial/results/results.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace twinsim::trial {

// A run stopped on request (Ctrl-C, SIGTERM, SIGHUP: a stop predicate said
// so). Thrown before anything of the unfinished work is written, so the
// result writer's destructor removes its temporary file as it unwinds.
class Interrupted : public core::TwinsimError {
 public:
  using core::TwinsimError::TwinsimError;
};

class DesignRunner {
 public:
  // threads <= 0: OpenMP's default. keep_patients: fill ResultBlock::patients
  // (trial rows carry the patient summary either way). on_failure: what a
  // patient whose solve failed counts as (Scenario::endpoints.failure_policy();
  // the default leaves the model's outcome, dlt = false, as it is); name: the
  // design's, for the PatientSolveError of SolveFailurePolicy::kError.
  DesignRunner(const Design& design, const PatientModel& model, std::size_t n_doses, int threads,
               bool keep_timecourses, bool keep_patients = true,
               SolveFailurePolicy on_failure = SolveFailurePolicy::kNoDlt, std::string name = {});
  ~DesignRunner();

  // Simulates trials [first, first + count) into out (cleared first). If
  // trials throw, the one with the lowest number is rethrown, so the error
  // does not depend on the thread count.
  void run_block(std::int64_t first, std::int64_t count, ResultBlock& out);

  // Polled before each trial, from the OpenMP threads (so it must be
  // thread-safe, e.g. an atomic load): once it returns true, the remaining
  // trials of the block are skipped and run_block throws Interrupted. A block
  // can hold minutes of PK/PD work; SLURM allows 30 s after SIGTERM.
  void set_stop(std::function<bool()> stop) { stop_ = std::move(stop); }

  // With false, run_block leaves ResultBlock::timecourses empty and the time
  // courses stay in per-trial slots (trial_timecourses()) until the next
  // run_block: a TimecoursePacker compresses them from there, which saves a
  // copy of the block's largest part and the memory it takes.
  void set_gather_timecourses(bool gather) { gather_timecourses_ = gather; }
  // Time courses of the last block's trials, by trial (first `count` slots).
  const std::vector<std::vector<double>>& trial_timecourses() const { return block_timecourses_; }

  // The trial clock the designs see (TrialHistory), the accrual's duration
  // model: days between arrivals within a cohort, and the DLT window every
  // cohort completes before the next decision. Both 0 by default (every
  // decision on day 0); run_scenario sets it with trial_clock().
  void set_trial_clock(const DurationModel& t) { times_ = t; }
  // The arrival process: poisson draws each gap from the stream keyed by
  // (seed, trial, patient) (kAccrual), else fixed gaps; the seed also keys
  // design-only DLT onsets of time-driven designs (kDltOnset).
  struct AccrualProcess {
    std::uint64_t seed = 0;
    bool poisson = false;
  };
  void set_accrual_process(const AccrualProcess& a) { process_ = a; }

  // Simulates one trial; exposed for tests. ws must come from model.workspace(),
  // dws from the design's workspace() (nullptr: the run keeps its own);
  // scratch: a history whose capacity is reused (nullptr: a fresh one).
  void run_trial(std::int64_t trial, PatientWorkspace& ws, TrialRow& row, std::vector<PatientRow>& patients,
                 std::vector<double>& timecourses, DesignWorkspace* dws = nullptr,
                 TrialHistory* scratch = nullptr) const;

 private:
  const Design& design_;
  const PatientModel& model_;
  std::size_t n_doses_;
  int threads_;
  bool keep_timecourses_;
  bool keep_patients_;
  bool gather_timecourses_ = true;
  SolveFailurePolicy on_failure_;
  std::string name_;
  std::function<bool()> stop_;
  DurationModel times_;
  AccrualProcess process_;
  bool enrol_one(std::int64_t trial, std::int64_t index, int dose, int cohort, double day, bool may_replace,
                 PatientWorkspace& ws, TrialRow& row, PatientRow& p, std::vector<PatientRow>& patients,
                 std::vector<double>& timecourses, TrialHistory& history) const;
  double arrival_gap(std::int64_t trial, std::int64_t index) const;
  std::vector<std::unique_ptr<PatientWorkspace>> workspaces_;  // one per thread
  std::vector<std::unique_ptr<DesignWorkspace>> design_workspaces_;  // one per thread (nullptr: none needed)
  std::vector<TrialHistory> histories_;  // one per thread, reused by its trials (design-only trials take microseconds)
  // Per-trial slots of the current block, kept between blocks so their
  // capacity is reused (design-only trials cost microseconds; allocation showed).
  std::vector<std::vector<PatientRow>> block_patients_;
  std::vector<std::vector<double>> block_timecourses_;
};

int effective_threads(int requested);

// The scenario's trial clock: its accrual, else no arrival gap and the DLT
// rule's window (PK/PD mode), else none.
DurationModel trial_clock(const Scenario& s);

}  // namespace twinsim::trial
