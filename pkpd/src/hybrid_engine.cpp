#include "hybrid_engine.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>

#include "engine_parts.hpp"

namespace twinsim::pkpd::detail {

namespace {

// The PD states alone, with Cc from the curve.
class PdOde final : public core::OdeSystem {
 public:
  PdOde(const ModelSystem& m, const ConcentrationCurve& cc) : m_(m), cc_(cc), off_(m.pk.n_states) {}
  int size() const override { return m_.n_states - off_; }
  void rhs(double t, const double* y, double* dy) const override { m_.pd_rhs_pd_only(t, cc_(t), y, dy); }
  bool has_jacobian() const override { return true; }
  bool jacobian(double t, const double* y, double* jac) const override {
    const int N = m_.n_states, n = size();
    double full[kMaxStates], dfdcc[kMaxStates];
    double J[kMaxStates * kMaxStates];
    std::fill(J, J + N * N, 0.0);
    std::copy(y, y + n, full + off_);
    m_.pd_jacobian(t, cc_(t), full, J, N, dfdcc);
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) jac[i + j * n] = J[(i + off_) + (j + off_) * N];
    return true;
  }

 private:
  const ModelSystem& m_;
  const ConcentrationCurve& cc_;
  int off_;
};

}  // namespace

void HybridEngine::run_pd(const ModelSystem& m, const std::vector<core::InputAction>& actions,
                          const std::vector<Sample>& samples, core::OdeIntegrator& solver,
                          const core::OdeOptions& opt, AnalyticPropagator& prop, Trajectory& out) {
  curve_.build(m, actions, prop);
  const int off = m.pk.n_states, n = m.n_states - off;
  PdOde ode(m, curve_);
  double full[kMaxStates];
  m.initial_state(full);
  double* y = full + off;
  // Every input change is a kink in Cc: stop there (a step across a kink would
  // be rejected and retried). Cc jumps only where a bolus enters the central
  // compartment: restart the integrator there; elsewhere just continue.
  breaks_.clear();
  for (const auto& a : actions) {
    const bool jump = a.bolus > 0 && a.cmt == m.pk.idx_central;
    if (!breaks_.empty() && breaks_.back().first == a.time) breaks_.back().second |= jump;
    else breaks_.push_back({a.time, jump});
  }
  double t = m.t0;
  if (!samples.empty()) t = std::min(t, samples.front().time);
  if (!actions.empty()) t = std::min(t, actions.front().time);
  solver.start(ode, t, y, opt);
  const double t_end = samples.empty() ? t : samples.back().time;
  auto fail = [&](core::SolveStatus st) {
    out.status = st;
    out.message = solver.last_message();
  };
  std::size_t bi = 0;
  for (std::size_t j = 0; j < samples.size(); ++j) {
    const Sample& smp = samples[j];
    while (bi < breaks_.size() &&
           (breaks_[bi].first < smp.time || (breaks_[bi].first == smp.time && smp.after_inputs))) {
      const double tb = breaks_[bi].first;
      if (tb > t) {
        const auto st = solver.advance(tb, tb, y);
        if (st != core::SolveStatus::kOk) return fail(st);
        t = tb;
      }
      if (breaks_[bi].second) solver.restart(t, y);
      ++bi;
    }
    if (smp.time > t) {
      const double t_stop = bi < breaks_.size() ? std::min(breaks_[bi].first, t_end) : t_end;
      const auto st = solver.advance(smp.time, std::max(t_stop, smp.time), y);
      if (st != core::SolveStatus::kOk) return fail(st);
      t = smp.time;
    }
    for (int i = 0; i < n; ++i) out.states(off + i, static_cast<Eigen::Index>(j)) = y[i];
  }
}

}  // namespace twinsim::pkpd::detail
