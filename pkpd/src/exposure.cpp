#include "twinsim/pkpd/exposure.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <map>

namespace twinsim::pkpd {

namespace {

// Appends p, merging it into a point at the same time (left limit kept).
void push_point(std::vector<CcPoint>& v, const CcPoint& p) {
  assert(v.empty() || p.t >= v.back().t);
  if (!v.empty() && v.back().t == p.t) {
    v.back().after = p.after;
    if (std::isnan(v.back().auc)) v.back().auc = p.auc;
    return;
  }
  v.push_back(p);
}

// Samples are keyed by (time, after) while the plan is built, then flattened.
using Key = std::pair<double, bool>;

}  // namespace

void ExposureTrace::push(double t, double before, double after, double auc) {
  push_point(points_, {t, before, after, auc});
}

void ExposureTrace::append(const ExposureTrace& later) {
  for (const auto& p : later.points_) push_point(points_, p);
}

void ExposureTrace::merge(const std::vector<CcPoint>& sorted, std::vector<CcPoint>& scratch) {
  if (sorted.empty()) return;
  scratch.clear();
  std::size_t i = 0, j = 0;
  while (i < points_.size() || j < sorted.size()) {
    if (j == sorted.size() || (i < points_.size() && points_[i].t <= sorted[j].t)) {
      // A located point that rounds onto a recorded one adds nothing: the
      // recorded one already holds both one-sided limits there.
      const double t = points_[i].t;
      push_point(scratch, points_[i++]);
      while (j < sorted.size() && sorted[j].t == t) ++j;
    } else {
      push_point(scratch, sorted[j++]);
    }
  }
  points_.swap(scratch);
}

std::size_t ExposureTrace::lower_bound(double t) const {
  const auto it = std::lower_bound(points_.begin(), points_.end(), t,
                                   [](const CcPoint& p, double x) { return p.t < x; });
  return static_cast<std::size_t>(it - points_.begin());
}

WindowExposure window_exposure(const ExposureTrace& trace, double start, double end, double threshold) {
  WindowExposure w;
  const auto& p = trace.points();
  const std::size_t first = trace.lower_bound(start);
  if (first == p.size() || p[first].t > end) return w;
  std::size_t last = first;
  while (last + 1 < p.size() && p[last + 1].t <= end) ++last;
  auto consider = [&](double c, double t) {
    if (!(c <= w.cmax)) {  // also replaces the initial NaN; first occurrence kept
      w.cmax = c;
      w.tmax = t;
    }
    if (!(c >= w.cmin)) w.cmin = c;
  };
  for (std::size_t k = first; k <= last; ++k) {
    // At `start` only the value after its inputs belongs to the window, at
    // `end` only the value before them.
    if (!(k == first && p[k].t == start)) consider(p[k].before, p[k].t);
    if (!(k == last && p[k].t == end) || (k == first && p[k].t == start)) consider(p[k].after, p[k].t);
  }
  std::size_t a = first, b = last;
  while (a < last && std::isnan(p[a].auc)) ++a;
  while (b > a && std::isnan(p[b].auc)) --b;
  w.auc = p[b].auc - p[a].auc;
  if (threshold > 0) {
    w.time_above_h = 0.0;
    for (std::size_t k = first; k < last; ++k) {
      const double dt = p[k + 1].t - p[k].t;
      const double va = p[k].after - threshold, vb = p[k + 1].before - threshold;
      if (va >= 0 && vb >= 0) {
        if (va > 0 || vb > 0) w.time_above_h += dt;
      } else if (va > 0 || vb > 0) {
        w.time_above_h += dt * std::max(va, vb) / (std::abs(va) + std::abs(vb));
      }
    }
  }
  return w;
}

SamplePlan::SamplePlan(const std::vector<double>& grid, const std::vector<double>& dose_times,
                       double interval_h, double end_h, const std::vector<double>& extra_times) {
  // Value: whether the sample is a point of the exposure trace (all but the
  // output grid's own samples).
  std::map<Key, bool> keys;
  std::vector<Key> wanted;
  for (double t : extra_times) wanted.push_back({t, false});
  for (double t : dose_times) {
    wanted.push_back({t, false});
    wanted.push_back({t, true});
  }
  if (!dose_times.empty()) {
    wanted.push_back({dose_times.front() + interval_h, false});
    wanted.push_back({dose_times.back() + interval_h, false});
  }
  wanted.push_back({end_h, false});
  for (const auto& k : wanted) keys.emplace(k, true);
  for (double t : grid) keys.emplace(Key{t, false}, false);
  std::map<Key, int> index;
  for (const auto& kv : keys) {
    index.emplace(kv.first, static_cast<int>(samples_.size()));
    samples_.push_back({kv.first.first, kv.first.second, kv.second});
    if (!kv.first.second) {
      pre_times_.push_back(kv.first.first);
      pre_index_.push_back(index.at(kv.first));
    }
  }
  for (double t : grid) grid_index_.push_back(index.at({t, false}));
  has_doses_ = !dose_times.empty();
  if (has_doses_) {
    first_dose_ = dose_times.front();
    last_dose_ = dose_times.back();
  }
  interval_ = interval_h;
  end_ = end_h;
}

int SamplePlan::index_of(double t) const {
  const auto it = std::lower_bound(pre_times_.begin(), pre_times_.end(), t);
  if (it == pre_times_.end() || *it != t) return -1;
  return pre_index_[static_cast<std::size_t>(it - pre_times_.begin())];
}

ExposureMetrics SamplePlan::metrics(const ExposureTrace& trace) const {
  ExposureMetrics m;
  if (trace.empty()) return m;
  const auto& p = trace.points();
  const auto whole = window_exposure(trace, p.front().t, end_, 0.0);
  m.cmax = whole.cmax;
  m.tmax = whole.tmax;
  if (has_doses_) {
    m.auc_first = window_exposure(trace, first_dose_, first_dose_ + interval_, 0.0).auc;
    const auto last = window_exposure(trace, last_dose_, last_dose_ + interval_, 0.0);
    m.auc_last = last.auc;
    m.cmin_last = last.cmin;
    const std::size_t k = trace.lower_bound(last_dose_);
    if (k < p.size() && p[k].t == last_dose_) m.ctrough = p[k].before;
  }
  const std::size_t e = trace.lower_bound(end_);
  if (e < p.size() && p[e].t == end_) m.auc_total = p[e].auc;
  return m;
}

}  // namespace twinsim::pkpd
