// Exposure metrics of one patient from a simulated trajectory.
//
// The sample plan puts exact samples where the metrics need them: just before
// and just after every dose, and at the end of the first and last dosing
// intervals; the output grid fills in between. Cmax/Tmax are therefore exact
// for IV bolus doses and resolved to the output grid (grid_h) otherwise, as in
// non-compartmental analysis of sampled data. AUCs are exact (AUC state).
#pragma once

#include <limits>
#include <vector>

#include "twinsim/pkpd/pk_simulator.hpp"

namespace twinsim::pkpd {

struct ExposureMetrics {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  double cmax = kNaN;        // mg/L, maximum central concentration over the run
  double tmax = kNaN;        // h, time of cmax (first occurrence)
  double ctrough = kNaN;     // mg/L, concentration just before the last dose
  double cmin_last = kNaN;   // mg/L, minimum over the last dosing interval
  double auc_first = kNaN;   // mg*h/L, AUC over the first dosing interval
  double auc_last = kNaN;    // mg*h/L, AUC over the last dosing interval
  double auc_total = kNaN;   // mg*h/L, AUC from 0 to the end of the run
};

// Exposure over one window [start, end] (a cycle) from samples of Cc and AUC.
struct WindowExposure {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  double cmax = kNaN;             // mg/L
  double tmax = kNaN;             // h since the start of the run
  double cmin = kNaN;             // mg/L, after the window's first input
  double auc = kNaN;              // mg*h/L
  double time_above_h = kNaN;     // h with Cc above the threshold (linear interpolation between samples)
};

// t, conc, auc: sampled series (t ascending; pre/post-dose pairs share a time).
// threshold <= 0 leaves time_above_h NaN.
WindowExposure window_exposure(const std::vector<double>& t, const std::vector<double>& conc,
                               const std::vector<double>& auc, double start, double end, double threshold);

// Where to sample, and which samples are the output grid.
class SamplePlan {
 public:
  // grid: output times (h); dose_times: nominal dose times (h, ascending);
  // interval_h: dosing interval; end_h: end of the run.
  SamplePlan(const std::vector<double>& grid, const std::vector<double>& dose_times, double interval_h,
             double end_h, const std::vector<double>& extra_times = {});
  // Sample index of the (pre-input) sample at time t, which must be in the plan.
  int index_of(double t) const;

  const std::vector<Sample>& samples() const { return samples_; }
  const std::vector<int>& grid_index() const { return grid_index_; }  // sample index per grid time

  ExposureMetrics metrics(const PkSystem& system, const Trajectory& traj) const;

 private:
  std::vector<double> pre_times_;  // times of pre-input samples, ascending
  std::vector<int> pre_index_;
  std::vector<Sample> samples_;
  std::vector<int> grid_index_;
  int first_start_ = -1, first_end_ = -1, last_pre_ = -1, last_post_ = -1, last_end_ = -1, end_ = -1;
};

}  // namespace twinsim::pkpd
