// Plain result data, filled into slots by trial and patient number. Knows
// nothing of HDF5 (the result writer does).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "twinsim/core/h5_chunk.hpp"
#include "twinsim/trial/patient_model.hpp"

namespace twinsim::trial {

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

// Operating characteristics accumulated trial by trial (sums, so memory does
// not grow with the number of trials). Standard errors are Monte-Carlo SEs of
// the means: sd / sqrt(R).
class OcAccumulator {
 public:
  // target_dose: index of the true target dose (-1: unknown, no PCS).
  // gap_days, window_days: accrual model for the trial duration (gap_days < 0: none).
  explicit OcAccumulator(std::size_t n_doses, int target_dose = -1, double gap_days = -1.0,
                         double window_days = 0.0);
  void add(const TrialRow& t);

  int target_dose() const { return target_; }
  double pcs() const { return mean(correct_); }
  double pcs_se() const { return se(correct_); }
  // Fraction of all treated patients given a dose above the target dose
  // (ratio of sums, as the BOIN package reports it); delta-method SE.
  double p_treated_above_target() const;
  double p_treated_above_target_se() const;
  bool has_duration() const { return gap_ >= 0; }
  double mean_duration_days() const { return mean(duration_); }
  double mean_duration_days_se() const { return se(duration_); }

  std::int64_t trials() const { return r_; }
  std::vector<double> p_select() const;
  std::vector<double> p_select_se() const;
  double p_no_selection() const;
  double p_no_selection_se() const;
  std::vector<double> mean_patients() const;
  std::vector<double> mean_patients_se() const;
  std::vector<double> mean_dlts() const;
  std::vector<double> mean_dlts_se() const;
  double mean_total_patients() const;
  double mean_total_patients_se() const;
  double mean_total_dlts() const;
  double mean_total_dlts_se() const;

 private:
  struct Moments {
    double sum = 0.0, sumsq = 0.0;
    void add(double x) {
      sum += x;
      sumsq += x * x;
    }
  };
  double mean(const Moments& m) const;
  double se(const Moments& m) const;
  std::size_t d_;
  int target_;
  double gap_, window_;
  std::int64_t r_ = 0;
  std::vector<Moments> select_, patients_, dlts_;
  Moments none_, total_patients_, total_dlts_, correct_, above_, duration_;
  double above_times_total_ = 0.0;  // sum over trials of above_i * n_i
};

}  // namespace twinsim::trial
