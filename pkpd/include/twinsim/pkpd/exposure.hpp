// Exposure metrics of one patient, exact and independent of the output grid:
// read from the trace of Cc(t) (exposure_trace.hpp), whose points include
// every input change, every stationary point and every threshold crossing.
//
// A window [start, end] holds Cc from just after the inputs at `start` to just
// before the inputs at `end`: a bolus given at `end` belongs to the next
// window, one given at `start` to this one. The windows the patient model
// uses start and end at trace points (dose times, interval ends, cycle
// boundaries, the start and end of the run). docs/models.md, "Exposure
// metrics", gives every definition.
#pragma once

#include <limits>
#include <vector>

#include "twinsim/pkpd/exposure_trace.hpp"
#include "twinsim/pkpd/pk_simulator.hpp"

namespace twinsim::pkpd {

struct ExposureMetrics {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  double cmax = kNaN;        // mg/L, maximum central concentration over the run
  double tmax = kNaN;        // h, time of cmax (first occurrence)
  double ctrough = kNaN;     // mg/L, concentration just before the last dose (nominal time)
  double cmin_last = kNaN;   // mg/L, minimum over the last dosing interval
  double auc_first = kNaN;   // mg*h/L, AUC over the first dosing interval
  double auc_last = kNaN;    // mg*h/L, AUC over the last dosing interval
  double auc_total = kNaN;   // mg*h/L, AUC from 0 to the end of the run
};

// Exposure over one window [start, end] (a cycle, a dosing interval).
struct WindowExposure {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  double cmax = kNaN;             // mg/L
  double tmax = kNaN;             // h since the start of the run, first occurrence
  double cmin = kNaN;             // mg/L, minimum over the window
  double auc = kNaN;              // mg*h/L, AUC state at the last point minus at the first
  double time_above_h = kNaN;     // h with Cc strictly above the threshold
};

// threshold <= 0 leaves time_above_h NaN; a window with no trace point is all NaN.
// Between points Cc is monotone, so a crossing is a point and each gap is
// wholly above or below; a gap whose ends straddle the threshold without a
// crossing point (a trace built from samples only) is split by linear
// interpolation.
WindowExposure window_exposure(const ExposureTrace& trace, double start, double end, double threshold);

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

  // All NaN for an empty trace (failed or not recorded).
  ExposureMetrics metrics(const ExposureTrace& trace) const;

 private:
  std::vector<double> pre_times_;  // times of pre-input samples, ascending
  std::vector<int> pre_index_;
  std::vector<Sample> samples_;
  std::vector<int> grid_index_;
  bool has_doses_ = false;
  double first_dose_ = 0.0, last_dose_ = 0.0, interval_ = 0.0, end_ = 0.0;  // h
};

}  // namespace twinsim::pkpd
