#include "twinsim/pkpd/steady_state.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/LU>
#include <unsupported/Eigen/MatrixFunctions>

#include "twinsim/pkpd/model_system.hpp"

namespace twinsim::pkpd {

namespace {

// The inputs of the period before, as seen from this period's start: its
// actions at or after period_h, shifted back by one period, and the rate of
// every infusion still running at period_h, switched on at 0.
std::vector<core::InputAction> carried_inputs(const PkSystem& pk, const std::vector<core::InputAction>& period,
                                              double period_h) {
  std::vector<double> running(static_cast<std::size_t>(pk.n_states), 0.0);
  std::vector<core::InputAction> out;
  for (const auto& a : period)
    if (a.time < period_h) running[static_cast<std::size_t>(a.cmt)] += a.rate_change;
  for (std::size_t i = 0; i < running.size(); ++i)
    if (std::abs(running[i]) > 1e-12) out.push_back({0.0, static_cast<int>(i), 0.0, running[i]});
  for (const auto& a : period)
    if (a.time >= period_h) out.push_back({a.time - period_h, a.cmt, a.bolus, a.rate_change});
  std::stable_sort(out.begin(), out.end(),
                   [](const core::InputAction& x, const core::InputAction& y) { return x.time < y.time; });
  return out;
}

// Restores the simulator's exposure options (the caller's run records a trace; these runs do not).
struct ExposureOff {
  explicit ExposureOff(PkSimulator& s) : sim(s), saved(s.exposure()) { s.exposure() = ExposureOptions{}; }
  ~ExposureOff() { sim.exposure() = saved; }
  PkSimulator& sim;
  ExposureOptions saved;
};

void linear_state(PkSimulator& sim, const PkSystem& pk, const std::vector<core::InputAction>& period,
                  double period_h, SteadyState& out) {
  for (const auto& a : period) {
    if (a.time > 2 * period_h || (a.time == 2 * period_h && a.bolus != 0)) {
      out.status = core::SolveStatus::kOther;
      out.message = "steady state: one period's inputs (lag and infusions included) last more than two periods";
      return;
    }
  }
  Trajectory y;
  sim.simulate(ModelSystem(pk), period, {{period_h, false}, {2 * period_h, false}}, Engine::kAnalytic, y);
  if (y.status != core::SolveStatus::kOk) {
    out.status = y.status;
    out.message = y.message;
    return;
  }
  // Amount compartments only: AUC integrates Cc and has no steady state.
  const Eigen::Index n = pk.idx_auc;
  const Eigen::MatrixXd phi = (Eigen::MatrixXd(pk.A.topLeftCorner(n, n)) * period_h).exp();
  const Eigen::VectorXd tail = (Eigen::MatrixXd::Identity(n, n) - phi).partialPivLu().solve(y.states.col(1).head(n));
  out.state.assign(static_cast<std::size_t>(pk.n_states), 0.0);
  for (Eigen::Index i = 0; i < n; ++i) out.state[static_cast<std::size_t>(i)] = y.states(i, 0) + tail(i);
}

void nonlinear_state(PkSimulator& sim, const PkSystem& pk, const std::vector<core::InputAction>& period,
                     double period_h, const SteadyStateOptions& opt, SteadyState& out) {
  // Every period: its own inputs before its end, and the previous one's carried over.
  std::vector<core::InputAction> inputs = out.carried;
  for (const auto& a : period)
    if (a.time < period_h) inputs.push_back(a);
  std::stable_sort(inputs.begin(), inputs.end(),
                   [](const core::InputAction& x, const core::InputAction& y) { return x.time < y.time; });
  ModelSystem m(pk);
  m.initial.assign(static_cast<std::size_t>(pk.n_states), 0.0);
  Trajectory y;
  const auto n = static_cast<std::size_t>(pk.idx_auc);
  for (out.periods = 1; out.periods <= opt.max_periods; ++out.periods) {
    sim.simulate(m, inputs, {{period_h, false}}, Engine::kOde, y);
    if (y.status != core::SolveStatus::kOk) {
      out.status = y.status;
      out.message = y.message;
      return;
    }
    double change = 0.0, scale = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double v = y.states(static_cast<Eigen::Index>(i), 0);
      change = std::max(change, std::abs(v - m.initial[i]));
      scale = std::max(scale, std::abs(v));
      m.initial[i] = v;
    }
    m.initial[n] = 0.0;  // AUC restarts every period
    if (change <= opt.rel_tol * scale) {
      out.state = m.initial;
      return;
    }
  }
  out.status = core::SolveStatus::kTooMuchWork;
  out.message = "steady state: not periodic within " + std::to_string(opt.max_periods) + " periods";
}

}  // namespace

SteadyState periodic_state(PkSimulator& sim, const PkSystem& pk, const std::vector<core::InputAction>& period,
                           double period_h, const SteadyStateOptions& options) {
  ExposureOff guard(sim);
  SteadyState out;
  out.carried = carried_inputs(pk, period, period_h);
  if (pk.linear()) linear_state(sim, pk, period, period_h, out);
  else nonlinear_state(sim, pk, period, period_h, options, out);
  return out;
}

}  // namespace twinsim::pkpd
