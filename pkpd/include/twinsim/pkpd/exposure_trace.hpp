// The points of a patient's central concentration Cc(t) at which every
// exposure metric is attained (issue 13): Cmax, Cmin and the time above a
// threshold are read from these points, never from the output grid.
//
// Between two consecutive points of a complete trace Cc has no input change,
// no stationary point and no threshold crossing, so it is continuous and
// monotone there: its maximum and minimum over any window whose ends are
// points are at points, and the time above the threshold is a sum of whole
// gaps. The simulator records the start of the run, every input change (dose,
// lag-shifted absorption start, infusion start and end), every sample, every
// stationary point of Cc and every threshold crossing (pk_simulator.hpp).
#pragma once

#include <cstddef>
#include <limits>
#include <vector>

namespace twinsim::pkpd {

struct CcPoint {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  double t = 0.0;       // h
  double before = 0.0;  // mg/L, Cc just before the inputs at t (left limit)
  double after = 0.0;   // mg/L, Cc just after them; equal to `before` where Cc is continuous
  double auc = kNaN;    // mg*h/L, the AUC state at t (NaN at points located by root-finding)
};

class ExposureTrace {
 public:
  void clear() { points_.clear(); }
  bool empty() const { return points_.empty(); }
  const std::vector<CcPoint>& points() const { return points_; }

  // Appends a point at t >= the last point's time; a point at the same time
  // is merged: the earlier left limit stays, the right limit becomes `after`.
  void push(double t, double before, double after, double auc);
  void push(const CcPoint& p) { push(p.t, p.before, p.after, p.auc); }
  // Appends a later piece of the same run (next cycle), merging at the seam.
  void append(const ExposureTrace& later);
  // Merges sorted points (stationary points, crossings) into the trace;
  // scratch is reused storage.
  void merge(const std::vector<CcPoint>& sorted, std::vector<CcPoint>& scratch);
  // Index of the first point with time >= t (points().size() if none).
  std::size_t lower_bound(double t) const;

 private:
  std::vector<CcPoint> points_;
};

}  // namespace twinsim::pkpd
