#include "concentration_curve.hpp"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine_parts.hpp"
#include "twinsim/pkpd/exponential_sum.hpp"

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
    ai = apply_inputs(actions, ai, ta, x, r);
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
  return value(coef_.data() + cursor_ * static_cast<std::size_t>(m_ + 1), t - start_[cursor_]);
}

double ConcentrationCurve::value(const double* k, double tau) const {
  double c = k[0];
  for (int i = 0; i < m_; ++i) c += k[i + 1] * std::exp(lambda_[i] * tau);
  return c;
}

void ConcentrationCurve::critical_points(double t_end, double threshold, std::vector<CcPoint>& out) const {
  ExpTerm terms[kMaxExpTerms];
  const auto stride = static_cast<std::size_t>(m_ + 1);
  for (std::size_t k = 0; k < start_.size() && start_[k] < t_end; ++k) {
    const double t0 = start_[k];
    const double t1 = k + 1 < start_.size() ? std::min(start_[k + 1], t_end) : t_end;
    const double len = t1 - t0;
    if (!(len > 0)) continue;
    const double* co = coef_.data() + k * stride;
    const double tol = 1e-9 + 4 * std::numeric_limits<double>::epsilon() * len;
    roots_.clear();
    // dCc/dt = sum_i a_i lambda_i exp(lambda_i tau): the stationary points.
    for (int i = 0; i < m_; ++i) terms[i] = {co[i + 1] * lambda_[i], lambda_[i]};
    exp_sum_roots(terms, m_, 0.0, len, tol, roots_);
    if (threshold > 0) {
      // Cc - threshold = (b - threshold) + sum_i a_i exp(lambda_i tau): the crossings.
      const std::size_t n_stationary = roots_.size();
      terms[0] = {co[0] - threshold, 0.0};
      for (int i = 0; i < m_; ++i) terms[i + 1] = {co[i + 1], lambda_[i]};
      exp_sum_roots(terms, m_ + 1, 0.0, len, tol, roots_);
      // Two ascending runs of a few roots each: insertion sort.
      for (std::size_t i = n_stationary; i < roots_.size(); ++i)
        for (std::size_t j = i; j > 0 && roots_[j - 1] > roots_[j]; --j) std::swap(roots_[j - 1], roots_[j]);
    }
    for (double tau : roots_) {
      const double c = value(co, tau);
      out.push_back({t0 + tau, c, c, CcPoint::kNaN});
    }
  }
}

}  // namespace twinsim::pkpd::detail
