#include "twinsim/pkpd/pk_simulator.hpp"

#include <unsupported/Eigen/MatrixFunctions>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

namespace twinsim::pkpd {

const char* to_string(Engine e) {
  switch (e) {
    case Engine::kAuto: return "auto";
    case Engine::kAnalytic: return "analytic";
    case Engine::kOde: return "ode";
  }
  return "?";
}

bool samples_sorted(const std::vector<Sample>& s) {
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (s[i].time < s[i - 1].time) return false;
    if (s[i].time == s[i - 1].time && s[i - 1].after_inputs && !s[i].after_inputs) return false;
  }
  return true;
}

core::DoseEvent make_dose(const PkSystem& s, Route route, double time_h, double amount_mg,
                          double infusion_h) {
  core::DoseEvent d;
  d.time = time_h;
  d.amount = amount_mg;
  d.f = s.f;
  d.lag = s.tlag;
  switch (route) {
    case Route::kOral:
      d.cmt = s.oral_target;
      if (s.d1 > 0) d.duration = s.d1;  // zero-order absorption into the central compartment
      break;
    case Route::kIvBolus: d.cmt = s.idx_central; break;
    case Route::kIvInfusion:
      d.cmt = s.idx_central;
      d.duration = infusion_h;
      break;
  }
  return d;
}

namespace {

// dA/dt for the ODE engine: linear part, optional Michaelis-Menten elimination,
// and the current piecewise-constant infusion rates.
class PkOde final : public core::OdeSystem {
 public:
  PkOde(const PkSystem& s, const StateVector& rate) : s_(s), rate_(rate) {}
  int size() const override { return s_.n_states; }
  void rhs(double, const double* y, double* ydot) const override {
    const int n = s_.n_states;
    Eigen::Map<const Eigen::VectorXd> x(y, n);
    Eigen::Map<Eigen::VectorXd> dx(ydot, n);
    dx.noalias() = s_.A * x;
    dx += rate_;
    if (s_.michaelis_menten) {
      const double c = y[s_.idx_central] / s_.v_central;
      dx[s_.idx_central] -= s_.vmax * c / (s_.km + c);
    }
  }
  bool has_jacobian() const override { return true; }
  bool jacobian(double, const double* y, double* jac) const override {
    const int n = s_.n_states;
    Eigen::Map<Eigen::MatrixXd> J(jac, n, n);
    J = s_.A;
    if (s_.michaelis_menten) {
      const double c = y[s_.idx_central] / s_.v_central;
      const double denom = s_.km + c;
      J(s_.idx_central, s_.idx_central) -= s_.vmax * s_.km / (s_.v_central * denom * denom);
    }
    return true;
  }

 private:
  const PkSystem& s_;
  const StateVector& rate_;
};

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

 private:
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
  const PkSystem* s_ = nullptr;
  double t_ = 0.0;
  std::map<double, Pair> cache_;
};

class OdePropagator {
 public:
  OdePropagator(core::CvodeSolver& solver, const PkOde& ode, const core::OdeOptions& opt)
      : solver_(solver), ode_(ode), opt_(opt) {}
  void reset(double t, const StateVector& x) {
    if (!started_) {
      solver_.start(ode_, t, x.data(), opt_);
      started_ = true;
    } else {
      solver_.restart(t, x.data());
    }
  }
  core::SolveStatus advance(double t_to, double t_stop, StateVector& x, const StateVector&) {
    return solver_.advance(t_to, std::max(t_to, t_stop), x.data());
  }

 private:
  core::CvodeSolver& solver_;
  const PkOde& ode_;
  const core::OdeOptions& opt_;
  bool started_ = false;
};

// The event loop shared by both engines: integrate continuously between input
// changes, apply boluses and rate changes at their exact times, restart there.
template <class Propagator>
void run(Propagator& prop, const PkSystem& s, const std::vector<core::InputAction>& actions,
         const std::vector<Sample>& samples, StateVector& rate, Trajectory& out) {
  const int n = s.n_states;
  StateVector x = StateVector::Zero(n);
  rate.setZero(n);
  double t = 0.0;
  if (!samples.empty()) t = std::min(t, samples.front().time);
  if (!actions.empty()) t = std::min(t, actions.front().time);
  prop.reset(t, x);
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
      for (; ai < actions.size() && actions[ai].time == ta; ++ai) {
        x[actions[ai].cmt] += actions[ai].bolus;
        rate[actions[ai].cmt] += actions[ai].rate_change;
      }
      // Rates that should cancel exactly may leave rounding residue.
      for (int i = 0; i < n; ++i)
        if (std::abs(rate[i]) < 1e-12) rate[i] = 0.0;
      prop.reset(t, x);
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
  }
}

}  // namespace

struct PkSimulator::Impl {
  AnalyticPropagator analytic;
  std::map<int, std::unique_ptr<core::CvodeSolver>> solvers;  // one per system size
  StateVector rate;
};

PkSimulator::PkSimulator() : impl_(std::make_unique<Impl>()) {}
PkSimulator::~PkSimulator() = default;

void PkSimulator::simulate(const PkSystem& system, const std::vector<core::InputAction>& actions,
                           const std::vector<Sample>& samples, Engine engine, Trajectory& out) {
  if (!samples_sorted(samples)) throw std::invalid_argument("PkSimulator: samples not sorted");
  for (const auto& a : actions)
    if (a.cmt < 0 || a.cmt >= system.n_states) throw std::invalid_argument("PkSimulator: dose compartment out of range");
  out.states.resize(system.n_states, static_cast<Eigen::Index>(samples.size()));
  out.states.setConstant(std::numeric_limits<double>::quiet_NaN());
  out.status = core::SolveStatus::kOk;
  out.message.clear();
  out.steps = 0;
  if (engine == Engine::kAuto) engine = system.linear() ? Engine::kAnalytic : Engine::kOde;
  if (engine == Engine::kAnalytic) {
    if (!system.linear()) throw std::invalid_argument("analytic engine needs linear elimination");
    impl_->analytic.bind(system);
    run(impl_->analytic, system, actions, samples, impl_->rate, out);
    if (!out.states.allFinite() && out.status == core::SolveStatus::kOk) {
      out.status = core::SolveStatus::kNonFinite;
    }
    if (out.status != core::SolveStatus::kOk) out.message = "analytic solution is not finite";
    return;
  }
  auto& slot = impl_->solvers[system.n_states];
  if (!slot) slot = std::make_unique<core::CvodeSolver>(system.n_states);
  const long steps_before = slot->total_steps();
  PkOde ode(system, impl_->rate);
  OdePropagator prop(*slot, ode, ode_options_);
  run(prop, system, actions, samples, impl_->rate, out);
  out.steps = slot->total_steps() - steps_before;
  if (out.status != core::SolveStatus::kOk) out.message = slot->last_message();
}

}  // namespace twinsim::pkpd
