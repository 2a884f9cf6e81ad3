#include "twinsim/pkpd/exposure.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace twinsim::pkpd {

namespace {
// Samples are keyed by (time, after) while the plan is built, then flattened.
using Key = std::pair<double, bool>;
}  // namespace

SamplePlan::SamplePlan(const std::vector<double>& grid, const std::vector<double>& dose_times,
                       double interval_h, double end_h, const std::vector<double>& extra_times) {
  std::map<Key, int> keys;
  std::vector<Key> wanted;
  for (double t : extra_times) wanted.push_back({t, false});
  for (double t : grid) wanted.push_back({t, false});
  for (double t : dose_times) {
    wanted.push_back({t, false});
    wanted.push_back({t, true});
  }
  if (!dose_times.empty()) {
    wanted.push_back({dose_times.front() + interval_h, false});
    wanted.push_back({dose_times.back() + interval_h, false});
  }
  wanted.push_back({end_h, false});
  for (const auto& k : wanted) keys.emplace(k, 0);
  for (auto& kv : keys) {
    kv.second = static_cast<int>(samples_.size());
    samples_.push_back({kv.first.first, kv.first.second});
    if (!kv.first.second) {
      pre_times_.push_back(kv.first.first);
      pre_index_.push_back(kv.second);
    }
  }
  for (double t : grid) grid_index_.push_back(keys.at({t, false}));
  if (!dose_times.empty()) {
    first_start_ = keys.at({dose_times.front(), false});
    first_end_ = keys.at({dose_times.front() + interval_h, false});
    last_pre_ = keys.at({dose_times.back(), false});
    last_post_ = keys.at({dose_times.back(), true});
    last_end_ = keys.at({dose_times.back() + interval_h, false});
  }
  end_ = keys.at({end_h, false});
}

int SamplePlan::index_of(double t) const {
  const auto it = std::lower_bound(pre_times_.begin(), pre_times_.end(), t);
  if (it == pre_times_.end() || *it != t) return -1;
  return pre_index_[static_cast<std::size_t>(it - pre_times_.begin())];
}

WindowExposure window_exposure(const std::vector<double>& t, const std::vector<double>& conc,
                               const std::vector<double>& auc, double start, double end, double threshold) {
  WindowExposure w;
  const std::size_t n = t.size();
  std::size_t first = n, last = n;
  for (std::size_t i = 0; i < n; ++i) {
    if (t[i] < start || t[i] > end) continue;
    if (first == n) first = i;
    last = i;
    // At the window's end only the pre-input sample belongs to it: a dose
    // given at `end` starts the next window.
    if (t[i] == end) break;
  }
  if (first == n) return w;
  // AUC from the first sample at `start` (pre-input) to the last at `end`.
  w.auc = auc[last] - auc[first];
  // Cmin after the window's first input: skip the pre-input sample at `start`
  // when a post-input one follows at the same time.
  const std::size_t from = (first + 1 <= last && t[first + 1] == t[first]) ? first + 1 : first;
  for (std::size_t i = first; i <= last; ++i) {
    if (!(conc[i] <= w.cmax)) {
      w.cmax = conc[i];
      w.tmax = t[i];
    }
    if (i >= from && !(conc[i] >= w.cmin)) w.cmin = conc[i];
  }
  if (threshold > 0) {
    w.time_above_h = 0.0;
    for (std::size_t i = first + 1; i <= last; ++i) {
      const double dt = t[i] - t[i - 1];
      if (dt <= 0) continue;
      const double a = conc[i - 1] - threshold, b = conc[i] - threshold;
      if (a >= 0 && b >= 0) w.time_above_h += dt;
      else if (a > 0 || b > 0) w.time_above_h += dt * std::max(a, b) / (std::abs(a) + std::abs(b));
    }
  }
  return w;
}

ExposureMetrics SamplePlan::metrics(const PkSystem& s, const Trajectory& traj) const {
  ExposureMetrics m;
  if (traj.status != core::SolveStatus::kOk) return m;
  auto conc = [&](int j) { return traj.states(s.idx_central, j) / s.v_central; };
  auto auc = [&](int j) { return traj.states(s.idx_auc, j); };
  const int n = static_cast<int>(samples_.size());
  for (int j = 0; j < n; ++j) {
    const double c = conc(j);
    if (!(c <= m.cmax)) {  // also replaces the initial NaN
      m.cmax = c;
      m.tmax = samples_[static_cast<std::size_t>(j)].time;
    }
  }
  if (first_start_ >= 0) {
    m.auc_first = auc(first_end_) - auc(first_start_);
    m.auc_last = auc(last_end_) - auc(last_pre_);
    m.ctrough = conc(last_pre_);
    m.cmin_last = conc(last_post_);
    for (int j = last_post_; j <= last_end_; ++j) m.cmin_last = std::min(m.cmin_last, conc(j));
  }
  m.auc_total = auc(end_);
  return m;
}

}  // namespace twinsim::pkpd
