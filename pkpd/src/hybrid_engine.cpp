#include "hybrid_engine.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>

#include "engine_parts.hpp"

namespace twinsim::pkpd::detail {

bool ConcentrationCurve::prepare(const PkSystem& s) {
  m_ = s.n_states - 1;  // AUC is the last state and feeds nothing back
  const Eigen::MatrixXd A = s.A.topLeftCorner(m_, m_);
  Eigen::EigenSolver<Eigen::MatrixXd> es(A);
  if (es.info() != Eigen::Success) return false;
  const auto ev = es.eigenvalues();
  lambda_.resize(m_);
  for (int i = 0; i < m_; ++i) {
    if (std::abs(ev[i].imag()) > 1e-12 * std::abs(ev[i].real())) return false;
    lambda_[i] = ev[i].real();
  }
  // Nearly equal eigenvalues make the eigenvector matrix ill-conditioned.
  for (int i = 0; i < m_; ++i)
    for (int j = i + 1; j < m_; ++j)
      if (std::abs(lambda_[i] - lambda_[j]) <= 1e-6 * std::max(std::abs(lambda_[i]), std::abs(lambda_[j])))
        return false;
  vecs_ = es.eigenvectors().real();
  Eigen::PartialPivLU<Eigen::MatrixXd> lu(vecs_);
  vecs_inv_ = lu.inverse();
  const double cond = vecs_.cwiseAbs().rowwise().sum().maxCoeff() * vecs_inv_.cwiseAbs().rowwise().sum().maxCoeff();
  if (!std::isfinite(cond) || cond > 1e8) return false;
  a_lu_.compute(A);
  return true;
}

void ConcentrationCurve::build(const ModelSystem& m, const std::vector<core::InputAction>& actions,
                               AnalyticPropagator& prop) {
  const PkSystem& s = m.pk;
  start_.clear();
  coef_.clear();
  cursor_ = 0;
  const int n = s.n_states, c = s.idx_central;
  StateVector x = StateVector::Zero(n), r = StateVector::Zero(n);
  if (!m.initial.empty()) x = Eigen::Map<const Eigen::VectorXd>(m.initial.data(), n);
  double t = actions.empty() ? m.t0 : std::min(m.t0, actions.front().time);
  prop.reset(t, x);
  auto push_interval = [&](double t0) {
    // x(t0 + tau) = xp + V diag(exp(lambda tau)) V^-1 (x(t0) - xp), xp = -A^-1 r.
    Eigen::VectorXd xp = Eigen::VectorXd::Zero(m_);
    if (r.head(m_).any()) xp = -a_lu_.solve(Eigen::VectorXd(r.head(m_)));
    const Eigen::VectorXd z = vecs_inv_ * (x.head(m_) - xp);
    start_.push_back(t0);
    coef_.push_back(xp[c] / s.v_central);
    for (int i = 0; i < m_; ++i) coef_.push_back(vecs_(c, i) * z[i] / s.v_central);
  };
  push_interval(t);
  for (std::size_t ai = 0; ai < actions.size();) {
    const double ta = actions[ai].time;
    prop.advance(ta, ta, x, r);
    for (; ai < actions.size() && actions[ai].time == ta; ++ai) {
      x[actions[ai].cmt] += actions[ai].bolus;
      r[actions[ai].cmt] += actions[ai].rate_change;
    }
    for (int i = 0; i < n; ++i)
      if (std::abs(r[i]) < 1e-12) r[i] = 0.0;
    prop.reset(ta, x);
    if (ta == start_.back()) {
      start_.pop_back();
      coef_.resize(coef_.size() - static_cast<std::size_t>(m_ + 1));
    }
    push_interval(ta);
  }
}

double ConcentrationCurve::operator()(double t) const {
  // The solver asks for nearby times, mostly forward: walk from the last interval.
  while (cursor_ + 1 < start_.size() && t >= start_[cursor_ + 1]) ++cursor_;
  while (cursor_ > 0 && t < start_[cursor_]) --cursor_;
  const double tau = t - start_[cursor_];
  const double* k = coef_.data() + cursor_ * static_cast<std::size_t>(m_ + 1);
  double c = k[0];
  for (int i = 0; i < m_; ++i) c += k[i + 1] * std::exp(lambda_[i] * tau);
  return c;
}

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
