#include "twinsim/pkpd/pk_simulator.hpp"

#include "engine_parts.hpp"
#include "hybrid_engine.hpp"
#include "node_scan.hpp"
#include "pk_equations.hpp"
#include "twinsim/core/dopri5.hpp"

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
    case Engine::kHybrid: return "hybrid";
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

// dy/dt for the ODE engine: PK linear part, optional Michaelis-Menten
// elimination, the current piecewise-constant infusion rates, and PD blocks.
class ModelOde final : public core::OdeSystem {
 public:
  // roots: where to record the stationary points of Cc and its crossings of
  // threshold (> 0); null records nothing.
  ModelOde(const ModelSystem& m, const StateVector& rate, std::vector<CcPoint>* roots = nullptr,
           double threshold = 0.0)
      : m_(m), s_(m.pk), rate_(rate), roots_(roots), threshold_(threshold) {}
  int size() const override { return m_.n_states; }
  int n_roots() const override { return roots_ ? (threshold_ > 0 ? 2 : 1) : 0; }
  void root_functions(double t, const double* y, double* g) const override {
    // dCc/dt from the right-hand side itself, not from the slope of the interpolant.
    const double cc = m_.concentration(y);
    g[0] = m_.cc_block < 0 ? pk_cc_slope(y) : user_cc_slope(t, y);
    if (threshold_ > 0) g[1] = cc - threshold_;
  }
  void on_root(double t, const double* y) const override {
    const double cc = m_.concentration(y);
    roots_->push_back({t, cc, cc, m_.auc(y)});
  }
  void rhs(double t, const double* y, double* ydot) const override {
    detail::pk_rhs(s_, y, rate_.data(), ydot);
    m_.pd_rhs(t, m_.driving_concentration(y), y, ydot);
    // Zero-order inputs into model states outside the PK system (a whole user model's).
    for (int i = s_.n_states; i < m_.n_states; ++i) ydot[i] += rate_[i];
  }
  bool has_jacobian() const override { return true; }
  bool jacobian(double t, const double* y, double* jac) const override {
    const int N = m_.n_states, n = s_.n_states;
    Eigen::Map<Eigen::MatrixXd> J(jac, N, N);
    J.setZero();
    detail::pk_jacobian(s_, y, jac, N);
    double dfdcc[kMaxStates] = {0};
    m_.pd_jacobian(t, m_.driving_concentration(y), y, jac, N, dfdcc);
    // Chain rule through Cc = A_central / V.
    if (m_.cc_block < 0)
      for (int i = n; i < N; ++i) J(i, s_.idx_central) += dfdcc[i] / s_.v_central;
    return true;
  }

 private:
  double pk_cc_slope(const double* y) const {
    const int c = s_.idx_central;
    double d = rate_[c];
    for (int j = 0; j < s_.n_states; ++j) d += s_.A(c, j) * y[j];
    const double cc = s_.concentration(y);
    if (s_.michaelis_menten) d -= s_.vmax * cc / (s_.km + cc);
    return d / s_.v_central;
  }
  // Cc as a user model's output: dCc/dt = (d Cc / d y) . dy/dt.
  double user_cc_slope(double t, const double* y) const {
    if (m_.cc_output < 0) return 0.0;
    const PdBlock& b = m_.pd[static_cast<std::size_t>(m_.cc_block)];
    double ydot[kMaxStates], grad[kMaxStates], dvdc = 0.0;
    rhs(t, y, ydot);
    b.model->gradient_of(m_.cc_output, b.params.data(), 0.0, y + b.first_state, grad, &dvdc);
    double d = 0.0;
    for (int j = 0; j < b.n_states; ++j) d += grad[j] * ydot[b.first_state + j];
    return d;
  }

 public:

 private:
  const ModelSystem& m_;
  const PkSystem& s_;
  const StateVector& rate_;
  std::vector<CcPoint>* roots_;
  double threshold_;
};

class OdePropagator {
 public:
  OdePropagator(core::CvodeSolver& solver, const ModelOde& ode, const core::OdeOptions& opt)
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
  const ModelOde& ode_;
  const core::OdeOptions& opt_;
  bool started_ = false;
};

// A solver can report success on a trajectory that is not finite (the matrix
// exponential of an extreme system overflows without any step failing): such a
// patient is a failure, never a result that looks valid.
void reject_non_finite(Trajectory& out, const char* what) {
  if (out.status == core::SolveStatus::kOk && !out.states.allFinite()) {
    out.status = core::SolveStatus::kNonFinite;
    out.message = what;
  }
}

// A failed solve has no exposure: no partial trace may look like one.
void finish_trace(Trajectory& out) {
  if (out.status != core::SolveStatus::kOk) out.trace.clear();
}

}  // namespace

struct PkSimulator::Impl {
  detail::AnalyticPropagator analytic;
  detail::HybridEngine hybrid;
  detail::ConcentrationCurve curve;  // analytic engine's Cc, for the exposure trace
  std::map<int, std::unique_ptr<core::Dopri5Solver>> explicit_solvers;  // one per PD system size
  std::map<int, std::unique_ptr<core::CvodeSolver>> solvers;  // one per system size
  StateVector rate;
  // Exposure trace scratch: located points, merge buffer.
  std::vector<CcPoint> roots, merged;

  core::CvodeSolver& cvode(int n) {
    auto& slot = solvers[n];
    if (!slot) slot = std::make_unique<core::CvodeSolver>(n);
    return *slot;
  }
  // Stationary points and threshold crossings of linear PK up to t_end into
  // `roots`: on the closed form, or by the exact node scan where the PK
  // matrix has no safe eigendecomposition.
  void locate_linear(const ModelSystem& pk_only, const std::vector<core::InputAction>& actions, double t_end,
                     double threshold) {
    analytic.bind(pk_only.pk);
    if (curve.prepare(pk_only.pk)) {
      curve.build(pk_only, actions, analytic);
      curve.critical_points(t_end, threshold, roots);
    } else {
      detail::node_scan(pk_only, actions, t_end, threshold, analytic, roots);
    }
  }
};

PkSimulator::PkSimulator() : impl_(std::make_unique<Impl>()) {}
PkSimulator::~PkSimulator() = default;

void PkSimulator::simulate(const PkSystem& system, const std::vector<core::InputAction>& actions,
                           const std::vector<Sample>& samples, Engine engine, Trajectory& out) {
  simulate(ModelSystem(system), actions, samples, engine, out);
}

void PkSimulator::simulate(const ModelSystem& model, const std::vector<core::InputAction>& actions,
                           const std::vector<Sample>& samples, Engine engine, Trajectory& out) {
  const PkSystem& system = model.pk;
  if (!samples_sorted(samples)) throw std::invalid_argument("PkSimulator: samples not sorted");
  for (const auto& a : actions)
    if (a.cmt < 0 || a.cmt >= std::max(system.n_states, model.n_states)) throw std::invalid_argument("PkSimulator: dose compartment out of range");
  out.states.resize(model.n_states, static_cast<Eigen::Index>(samples.size()));
  out.states.setConstant(std::numeric_limits<double>::quiet_NaN());
  out.status = core::SolveStatus::kOk;
  out.message.clear();
  out.steps = 0;
  out.trace.clear();
  impl_->roots.clear();
  ExposureTrace* trace = exposure_.trace && !samples.empty() ? &out.trace : nullptr;
  const bool analytic_ok = system.linear() && !model.has_pd_states();
  if (engine == Engine::kAuto) {
    engine = analytic_ok ? Engine::kAnalytic : impl_->hybrid.applicable(model) ? Engine::kHybrid : Engine::kOde;
  }
  if (engine == Engine::kHybrid) {
    if (!impl_->hybrid.applicable(model)) throw std::invalid_argument("hybrid engine needs linear, diagonalisable PK and PD states");
    // PK rows exactly, then the PD rows by CVODE.
    ModelSystem pk_only(system);
    pk_only.t0 = model.t0;
    if (!model.initial.empty())
      pk_only.initial.assign(model.initial.begin(), model.initial.begin() + system.n_states);
    impl_->analytic.bind(system);
    Trajectory pk;
    pk.states.resize(system.n_states, static_cast<Eigen::Index>(samples.size()));
    detail::run(impl_->analytic, pk_only, actions, samples, impl_->rate, pk, trace);
    reject_non_finite(pk, "analytic PK solution is not finite");
    if (pk.status != core::SolveStatus::kOk) {
      out.status = pk.status;
      out.message = "analytic PK solution is not finite";
      finish_trace(out);
      return;
    }
    out.states.topRows(system.n_states) = pk.states;
    // Explicit Dormand-Prince first: PD systems are small and usually not
    // stiff. If it detects stiffness, the same integration is redone by CVODE.
    const int n_pd = model.n_states - system.n_states;
    auto& dp = impl_->explicit_solvers[n_pd];
    if (!dp) dp = std::make_unique<core::Dopri5Solver>(n_pd);
    const long dp_before = dp->total_steps();
    impl_->analytic.bind(system);
    impl_->hybrid.run_pd(model, actions, samples, *dp, hybrid_options_, impl_->analytic, out);
    out.steps = dp->total_steps() - dp_before;
    if (out.status == core::SolveStatus::kStiff || out.status == core::SolveStatus::kTooMuchWork) {
      out.status = core::SolveStatus::kOk;
      out.message.clear();
      auto& solver = impl_->cvode(n_pd);
      const long before = solver.total_steps();
      impl_->analytic.bind(system);
      impl_->hybrid.run_pd(model, actions, samples, solver, hybrid_options_, impl_->analytic, out);
      out.steps += solver.total_steps() - before;
    }
    reject_non_finite(out, "PD solution is not finite");
    if (trace && out.status == core::SolveStatus::kOk) {
      impl_->hybrid.curve().critical_points(samples.back().time, exposure_.threshold, impl_->roots);
      out.trace.merge(impl_->roots, impl_->merged);
    }
    finish_trace(out);
    return;
  }
  if (engine == Engine::kAnalytic) {
    if (!analytic_ok) throw std::invalid_argument("analytic engine needs linear PK and no PD states");
    impl_->analytic.bind(system);
    detail::run(impl_->analytic, model, actions, samples, impl_->rate, out, trace);
    if (!out.states.allFinite() && out.status == core::SolveStatus::kOk) {
      out.status = core::SolveStatus::kNonFinite;
    }
    if (out.status != core::SolveStatus::kOk) out.message = "analytic solution is not finite";
    if (trace && out.status == core::SolveStatus::kOk) {
      impl_->locate_linear(model, actions, samples.back().time, exposure_.threshold);
      out.trace.merge(impl_->roots, impl_->merged);
    }
    finish_trace(out);
    return;
  }
  auto& solver = impl_->cvode(model.n_states);
  const long steps_before = solver.total_steps();
  ModelOde ode(model, impl_->rate, trace ? &impl_->roots : nullptr, exposure_.threshold);
  OdePropagator prop(solver, ode, ode_options_);
  detail::run(prop, model, actions, samples, impl_->rate, out, trace);
  out.steps = solver.total_steps() - steps_before;
  if (out.status != core::SolveStatus::kOk) out.message = solver.last_message();
  reject_non_finite(out, "ODE solution is not finite");
  if (trace && out.status == core::SolveStatus::kOk) out.trace.merge(impl_->roots, impl_->merged);
  finish_trace(out);
}

}  // namespace twinsim::pkpd
