// Plain result data, filled into slots by trial and patient number. Knows
// nothing of HDF5 (io/ does) nor of the models that produce it (patient/).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "twinsim/core/h5_chunk.hpp"
#include "twinsim/core/ode.hpp"
#include "twinsim/pkpd/exposure.hpp"
#include "twinsim/trial/results/column_spec.hpp"
#include "twinsim/trial/results/oc_report.hpp"

namespace twinsim::trial {

// One patient's outcome, as the patient model (patient/) simulates it.
struct PatientOutcome {
  bool dlt = false;
  double dlt_time_h = std::numeric_limits<double>::quiet_NaN();
  core::SolveStatus status = core::SolveStatus::kOk;
  // Efficacy outcome: 1 response, 0 none, -1 the scenario has no efficacy endpoint.
  int response = -1;
  pkpd::ExposureMetrics exposure;
  std::vector<double> parameters;  // individual parameter values (PK/PD mode)
  std::vector<double> extra;       // values of PatientModel::extra_columns()
  std::vector<double> cycles;      // n_cycles() rows of cycle_columns() values
};

struct PatientRow {
  std::int64_t trial = 0;
  std::int64_t patient = 0;  // index within the trial, in enrolment order
  std::int64_t cohort = 0;
  std::int64_t dose_index = 0;
  PatientOutcome outcome;
};

struct TrialRow {
  std::int64_t trial = 0;
  std::int64_t selected_dose = -1;  // -1 = no dose selected
  std::int64_t n_patients = 0;
  std::int64_t n_dlts = 0;
  std::int64_t n_cohorts = 0;
  // Trial day the last patient completed follow-up (the runner's clock; 0
  // without accrual). Time-driven designs also score their mean duration
  // from it (duration_measured); the others keep the accrual formula.
  double duration_days = 0.0;
  bool duration_measured = false;
  std::vector<int> n_per_dose;
  std::vector<int> dlt_per_dose;
  // Over the trial's patients, so a run can summarise without keeping them:
  std::int64_t n_failed = 0;                // patients whose solve failed (replaced ones included)
  std::int64_t n_replaced = 0;              // of those, replaced (SolveFailurePolicy::kReplace)
  std::array<std::int32_t, core::kSolveStatusCount> failed_by_status{};  // indexed by SolveStatus value
  double sum_cmax = 0.0, sum_auc_first = 0.0, sum_ctrough = 0.0;  // over successful solves
};

// The results of a contiguous range of trials of one design, in trial order.
struct ResultBlock {
  std::vector<TrialRow> trials;
  std::vector<PatientRow> patients;
  std::vector<double> timecourses;  // per patient: PatientModel::n_timecourse_values() doubles
  // Or, once a TimecoursePacker has moved them: per variable, whole chunks of
  // its time-course table, compressed (then `timecourses` is empty).
  std::vector<std::vector<core::CompressedChunk>> tc_chunks;
  void clear() {
    trials.clear();
    patients.clear();
    timecourses.clear();
    tc_chunks.clear();
  }
};

// The sums every operating characteristic is computed from (oc_report.hpp),
// accumulated trial by trial while the run goes, so memory does not grow
// with the number of trials. The run's oc/ summaries then come from
// design_oc_from_sums(), the code `report` recomputes them with.
class OcAccumulator {
 public:
  // planned_patients: the design's max_patients (-1: none, e.g. 3+3).
  OcAccumulator(std::size_t n_doses, std::int64_t planned_patients);
  void add(const TrialRow& t);
  const TrialSums& sums() const { return sums_; }
  std::int64_t trials() const { return sums_.trials; }
  // The values of the trial last added (valid until the next add).
  const TrialValues& last() const { return values_; }

 private:
  TrialSums sums_;
  TrialValues values_;  // scratch, reused for every trial
};

// The reference design of a run (its first) trial by trial, so that later
// designs get their PairSums with it as `compare` computes them from a file
// read in lock-step: the run simulates one design after another, so the
// reference's per-trial values are kept, 4 + doses integers a trial.
class ReferenceTrials {
 public:
  ReferenceTrials(std::size_t n_doses, std::int64_t planned_patients);
  void keep(const TrialValues& v);  // the reference's trials, in trial order
  std::int64_t trials() const { return static_cast<std::int64_t>(totals_.size()); }
  // Adds design a's trial `trial` (values a) paired with the reference's.
  void pair(PairSums& p, std::int64_t trial, const TrialValues& a, std::int64_t planned_a);

 private:
  std::size_t doses_;
  std::int64_t planned_;
  std::vector<std::array<std::int64_t, 4>> totals_;  // selected, n_patients, n_dlts, n_cohorts
  std::vector<std::int32_t> per_dose_;               // [trials x doses] patients per dose
  TrialValues scratch_;
};

// The population's true dose-toxicity curve in PK/PD mode, estimated from a
// reference cohort (runner/truth.hpp).
struct TruthCurve {
  std::vector<double> p;   // DLT probability per dose
  std::vector<double> se;  // binomial standard error sqrt(p(1-p)/n)
  std::int64_t cohort_size = 0;
  std::int64_t failed = 0;  // reference patients whose solve failed (excluded)
  // [D x D] covariance of the estimates p (row-major), filled only when asked
  // (estimate_truth's `covariance`): reference patient j is the same patient at
  // every dose, so the estimates at two doses are positively correlated.
  std::vector<double> covariance;
  // Efficacy (PK/PD mode with an OBD design and a response endpoint; empty
  // otherwise): per dose, P(response) and P(DLT and response) over the
  // reference patients solved and evaluable for response (n_evaluable), with
  // binomial SEs. The same reference patients as p, so the joint is the
  // twin's own correlation of toxicity and efficacy through exposure.
  std::vector<double> response, response_se;
  std::vector<double> both, both_se;
  std::vector<std::int64_t> n_evaluable;
};

}  // namespace twinsim::trial
