#include "twinsim/pkpd/exposure.hpp"

#include <algorithm>
#include <map>

namespace twinsim::pkpd {

namespace {
// Samples are keyed by (time, after) while the plan is built, then flattened.
using Key = std::pair<double, bool>;
}  // namespace

SamplePlan::SamplePlan(const std::vector<double>& grid, const std::vector<double>& dose_times,
                       double interval_h, double end_h) {
  std::map<Key, int> keys;
  std::vector<Key> wanted;
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
