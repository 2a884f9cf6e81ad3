// Pieces shared by the engines in pk_simulator.cpp and hybrid_engine.cpp.
#pragma once

#include <unsupported/Eigen/MatrixFunctions>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <vector>

#include "twinsim/pkpd/pk_simulator.hpp"

namespace twinsim::pkpd::detail {

// Exact propagator for linear systems, with e^{Ah} and its integral cached per
// distinct step length h (a regular output grid needs one or two).
class AnalyticPropagator {
 public:
  void bind(const PkSystem& s) {
    s_ = &s;
    cache_.clear();
  }
  void reset(double t, const StateVector&) { t_ = t; }
  core::SolveStatus advance(double t_to, double /*t_stop*/, StateVector& x, const StateVector& r) {
    const double h = t_to - t_;
    if (h > 0) {
      const auto& ep = step(h);
      StateVector next = ep.first * x;
      if (r.any()) next.noalias() += ep.second * r;  // rates are exactly zero between infusions
      x = next;
      t_ = t_to;
    }
    return core::SolveStatus::kOk;
  }

  // e^{Ah} and integral_0^h e^{As} ds.
  using Pair = std::pair<StateMatrix, StateMatrix>;
  const Pair& step(double h) {
    auto it = cache_.find(h);
    if (it != cache_.end()) return it->second;
    if (cache_.size() > 64) cache_.clear();  // bound memory on irregular grids
    const int n = s_->n_states;
    // exp([[A, I], [0, 0]] h) = [[e^{Ah}, integral_0^h e^{As} ds], [0, I]].
    Eigen::MatrixXd M = Eigen::MatrixXd::Zero(2 * n, 2 * n);
    M.topLeftCorner(n, n) = s_->A * h;
    M.topRightCorner(n, n) = Eigen::MatrixXd::Identity(n, n) * h;
    const Eigen::MatrixXd E = M.exp();
    Pair p{E.topLeftCorner(n, n), E.topRightCorner(n, n)};
    return cache_.emplace(h, std::move(p)).first->second;
  }

 private:
  const PkSystem* s_ = nullptr;
  double t_ = 0.0;
  std::map<double, Pair> cache_;
};

// Applies every action at time t from index ai on to state x and rates;
// returns the index of the first later action.
inline std::size_t apply_inputs(const std::vector<core::InputAction>& actions, std::size_t ai, double t,
                                StateVector& x, StateVector& rate) {
  for (; ai < actions.size() && actions[ai].time == t; ++ai) {
    x[actions[ai].cmt] += actions[ai].bolus;
    rate[actions[ai].cmt] += actions[ai].rate_change;
  }
  // Rates that should cancel exactly may leave rounding residue.
  for (Eigen::Index i = 0; i < rate.size(); ++i)
    if (std::abs(rate[i]) < 1e-12) rate[i] = 0.0;
  return ai;
}

// The event loop shared by both engines: integrate continuously between input
// changes, apply boluses and rate changes at their exact times, restart there.
// With a trace, records Cc (and AUC) at the start, at every input change
// before and after it, and at every sample marked in_trace.
template <class Propagator>
inline void run(Propagator& prop, const ModelSystem& m, const std::vector<core::InputAction>& actions,
                const std::vector<Sample>& samples, StateVector& rate, Trajectory& out,
                ExposureTrace* trace = nullptr) {
  const int n = m.n_states;
  StateVector x(n);
  m.initial_state(x.data());
  rate.setZero(n);
  double t = m.t0;
  if (!samples.empty()) t = std::min(t, samples.front().time);
  if (!actions.empty()) t = std::min(t, actions.front().time);
  prop.reset(t, x);
  auto record = [&](double at, double before) {
    if (trace) trace->push(at, before, m.concentration(x.data()), m.auc(x.data()));
  };
  record(t, m.concentration(x.data()));
  std::size_t ai = 0;
  const double inf = std::numeric_limits<double>::infinity();
  for (std::size_t j = 0; j < samples.size(); ++j) {
    const Sample& smp = samples[j];
    while (ai < actions.size() &&
           (actions[ai].time < smp.time || (actions[ai].time == smp.time && smp.after_inputs))) {
      const double ta = actions[ai].time;
      if (ta > t) {
        const auto st = prop.advance(ta, ta, x, rate);
        if (st != core::SolveStatus::kOk) {
          out.status = st;
          return;
        }
        t = ta;
      }
      const double before = m.concentration(x.data());
      ai = apply_inputs(actions, ai, ta, x, rate);
      prop.reset(t, x);
      record(ta, before);
    }
    if (smp.time > t) {
      const double t_stop = ai < actions.size() ? actions[ai].time : inf;
      const auto st = prop.advance(smp.time, std::min(t_stop, samples.back().time), x, rate);
      if (st != core::SolveStatus::kOk) {
        out.status = st;
        return;
      }
      t = smp.time;
    }
    out.states.col(static_cast<Eigen::Index>(j)) = x;
    if (smp.in_trace) record(smp.time, m.concentration(x.data()));
  }
}


}  // namespace twinsim::pkpd::detail
