// The quadrature grid of the CRM posterior (internal to crm.cpp): the
// numerics described at the top of crm.cpp, kept apart so that the design's
// rules read on their own.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <boost/math/quadrature/gauss_kronrod.hpp>

#include "twinsim/trial/designs/designs.hpp"

namespace twinsim::trial::detail {

inline double softplus(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

// log p and log(1 - p) of dose d at beta, computed without cancellation.
inline void log_probs(const CrmModel& m, std::size_t d, double beta, double& lp, double& lq) {
  const double s = m.skeleton[d];
  if (!m.logistic) {
    const double u = std::exp(beta) * std::log(s);  // log p, < 0
    lp = u;
    lq = std::log(-std::expm1(u));
  } else {
    const double x = std::log(s / (1 - s)) - m.intercept;
    const double eta = m.intercept + std::exp(beta) * x;
    lp = -softplus(-eta);
    lq = -softplus(eta);
  }
}

// dfcrm crm()'s recommended dose at beta: the highest if every p_d <= target,
// the lowest if every p_d >= target, else the first (lowest) dose minimising
// |p_d - target|.
inline int recommend_dose(const CrmModel& m, double beta, double target) {
  const std::size_t doses = m.skeleton.size();
  bool all_le = true, all_ge = true;
  int best = 0;
  double best_dist = std::numeric_limits<double>::infinity();
  for (std::size_t d = 0; d < doses; ++d) {
    const double p = m.ptox(d, beta);
    all_le = all_le && p <= target;
    all_ge = all_ge && p >= target;
    const double dist = std::abs(p - target);
    if (dist < best_dist) {
      best_dist = dist;
      best = static_cast<int>(d);
    }
  }
  if (all_le) return static_cast<int>(doses) - 1;
  if (all_ge) return 0;
  return best;
}

// Upper bound of the Fisher information about beta carried by one patient.
inline double max_information(const CrmModel& m) {
  double best = 0.0;
  for (int i = 1; i < 20000; ++i) {
    const double p = i / 20000.0;
    double info;
    if (!m.logistic) {
      const double lp = std::log(p);
      info = p * lp * lp / (1 - p);
    } else {
      if (p >= 1.0 / (1.0 + std::exp(-m.intercept))) break;  // p < expit(a) since every x_d < 0
      const double z = std::log(p / (1 - p)) - m.intercept;
      info = p * (1 - p) * z * z;
    }
    best = std::max(best, info);
  }
  return best;
}

constexpr double kWindow = 40.0;         // nodes more than e^-40 below the maximum are skipped
constexpr double kMargin = 25.0;         // extra allowance for a peak missed by the coarse scan
constexpr std::size_t kCoarseNodes = 48; // the coarse scan looks at about this many nodes
constexpr std::size_t kStartNodes = 24;  // first refinement level: kStartNodes..2 kStartNodes nodes
constexpr double kAgree = 1e-6;          // stride s accepted when it agrees with 2s to this

// The fixed quadrature grid of one design and its precomputed pieces.
class CrmGrid {
 public:
  CrmGrid(const CrmModel& m, int max_patients) : model_(m), doses_(m.skeleton.size()) {
    const double sd = std::sqrt(m.prior_var);
    const double sd_min = 1.0 / std::sqrt(max_patients * max_information(m) + 1.0 / m.prior_var);
    h_ = sd_min / 1.25;
    double c = 1.0;
    for (std::size_t d = 0; d < doses_; ++d) {
      const double s = m.skeleton[d];
      c = std::max(c, m.logistic ? std::abs(std::log(s / (1 - s)) - m.intercept) : std::abs(std::log(s)));
    }
    const double half = 8.0 * sd + std::log1p(max_patients * m.prior_var * c);
    const auto k = static_cast<std::size_t>(std::ceil(half / h_));
    nodes_ = 2 * k + 1;
    lo_ = -static_cast<double>(k) * h_;
    coarse_ = 1;
    while ((nodes_ - 1) / (2 * coarse_) >= kCoarseNodes) coarse_ *= 2;
    beta_.resize(nodes_);
    log_prior_.resize(nodes_);
    logp_.resize(doses_ * nodes_);
    logq_.resize(doses_ * nodes_);
    for (std::size_t i = 0; i < nodes_; ++i) {
      const double b = lo_ + static_cast<double>(i) * h_;
      beta_[i] = b;
      log_prior_[i] = -b * b / (2.0 * m.prior_var);
      for (std::size_t d = 0; d < doses_; ++d) log_probs(m, d, b, logp_[d * nodes_ + i], logq_[d * nodes_ + i]);
    }
  }

  const std::vector<double>& log_prior() const { return log_prior_; }

  // ll += y log p_d + (m - y) log(1 - p_d) at every node.
  void add(std::vector<double>& ll, std::size_t d, int m, int y) const {
    const double a = y, b = m - y;
    const double* lp = &logp_[d * nodes_];
    const double* lq = &logq_[d * nodes_];
    double* out = ll.data();
    const std::size_t k = nodes_;
#pragma omp simd
    for (std::size_t i = 0; i < k; ++i) out[i] += a * lp[i] + b * lq[i];
  }

  // ll += log(1 - w p_d) at every node: a pending patient without a DLT seen
  // yet, weight w in [0, 1) (TITE-CRM, tite_crm.hpp).
  void add_pending(std::vector<double>& ll, std::size_t d, double w) const {
    const double* lp = &logp_[d * nodes_];
    for (std::size_t i = 0; i < nodes_; ++i) ll[i] += std::log1p(-w * std::exp(lp[i]));
  }
  // The log posterior at every node from the counts.
  void reset(std::vector<double>& ll, const std::vector<int>& n, const std::vector<int>& y) const {
    ll = log_prior_;
    for (std::size_t d = 0; d < doses_; ++d)
      if (n[d] > 0) add(ll, d, n[d], y[d]);
  }

  // Posterior mean of beta from the log posterior at the nodes (ll); also the
  // shift used (the maximum) and the trapezoidal normalising sum on its scale.
  // need_z: the normaliser must be as accurate as the mean (for P(overdose)).
  double mean(const std::vector<double>& ll, double& max_out, double& z_out, bool need_z) const {
    const double* lv = ll.data();
    auto log_post_at = [lv](std::size_t i) { return lv[i]; };
    // 1. Coarse scan every coarse_ nodes. The grid spacing is at most 0.8 of
    //    the narrowest possible posterior sd, so between two coarse nodes the
    //    log posterior cannot rise by more than about (coarse_ * 0.4)^2 / 2
    //    nats above the line joining them; kMargin covers that.
    double coarse_vals[2 * kCoarseNodes + 2] = {};
    const std::size_t nc = (nodes_ - 1) / coarse_ + 1;
    std::size_t top = 0;
    for (std::size_t c = 0; c < nc; ++c) {
      coarse_vals[c] = log_post_at(c * coarse_);
      if (coarse_vals[c] > coarse_vals[top]) top = c;
    }
    // The maximum over the nodes between the coarse neighbours of the coarse
    // maximum (the posterior is smooth on the scale of the coarse step).
    double mx = coarse_vals[top];
    {
      const std::size_t lo = top > 0 ? (top - 1) * coarse_ : 0;
      const std::size_t hi = std::min(nodes_ - 1, (top + 1) * coarse_);
      for (std::size_t i = lo; i <= hi; ++i) mx = std::max(mx, log_post_at(i));
    }
    // The window: coarse nodes within e^-(kWindow + kMargin) of the maximum,
    // widened by one coarse step on each side; inside it, nodes more than
    // e^-kWindow below the maximum are skipped without an exp().
    const double cut = mx - kWindow - kMargin;
    std::size_t fc = 0, lc = nc - 1;
    while (fc < nc && coarse_vals[fc] < cut) ++fc;
    while (lc > fc && coarse_vals[lc] < cut) --lc;
    const std::size_t first = (fc > 0 ? fc - 1 : 0) * coarse_;
    const std::size_t last = std::min(nodes_, (lc + 2) * coarse_);  // one past the window
    const double skip = mx - kWindow;
    // 2. A wide posterior does not need every node. Start from a sub-grid
    //    (stride a power of two, kStartNodes to 2 kStartNodes nodes across the
    //    window) and halve the stride until the trapezoidal sums at strides s
    //    and 2s agree to kAgree (relative, for the normaliser and the mean).
    //    The error of the trapezoidal rule on an analytic integrand falls like
    //    exp(-c / h^2), so the error at stride s is about the 4th power of the
    //    observed difference. Every exp() computed is reused after halving.
    std::size_t stride = 1;
    while (stride < coarse_ && stride * 2 * kStartNodes <= last - first) stride *= 2;
    const std::size_t base = first - first % (2 * stride);  // aligned so halving keeps the nodes
    double e0 = 0.0, e1 = 0.0, o0 = 0.0, o1 = 0.0;
    auto add = [&](std::size_t from, std::size_t step, double& a0, double& a1) {  // nodes from, from + step, ...
      if (from < first) from += (first - from + step - 1) / step * step;
      for (std::size_t i = from; i < last; i += step) {
        const double v = log_post_at(i);
        if (v < skip) continue;
        const double w = std::exp(v - mx);
        a0 += w;
        a1 += w * beta_[i];
      }
    };
    add(base, 2 * stride, e0, e1);
    add(base + stride, 2 * stride, o0, o1);
    double s0 = e0 + o0, s1 = e1 + o1;
    for (;;) {
      const double m_coarse = e1 / e0, m_fine = s1 / s0;
      const double z_coarse = 2.0 * e0, z_fine = s0;  // in units of h * stride
      if (stride == 1 || (std::abs(m_fine - m_coarse) <= kAgree * std::max(1.0, std::abs(m_fine)) &&
                          (!need_z || std::abs(z_fine - z_coarse) <= kAgree * z_fine)))
        break;
      // Halve the stride: the new odd nodes lie halfway between the old ones.
      const std::size_t half = stride / 2;
      e0 = s0;
      e1 = s1;
      o0 = o1 = 0.0;
      add(base + half, stride, o0, o1);
      s0 = e0 + o0;
      s1 = e1 + o1;
      stride = half;
    }
    max_out = mx;
    z_out = s0 * h_ * static_cast<double>(stride);
    return s1 / s0;
  }

  // Log posterior (unnormalised) at any beta, straight from the counts.
  double log_post(double b, const std::vector<int>& n, const std::vector<int>& y) const {
    double v = -b * b / (2.0 * model_.prior_var);
    for (std::size_t d = 0; d < doses_; ++d) {
      if (n[d] == 0) continue;
      double lp, lq;
      log_probs(model_, d, b, lp, lq);
      v += y[d] * lp + (n[d] - y[d]) * lq;
    }
    return v;
  }

  // P(p_lowest > target | data) = P(beta < beta*), p_lowest decreasing in beta.
  double p_overdose(double target, const std::vector<int>& n, const std::vector<int>& y, double mx,
                    double z) const {
    const double s = model_.skeleton[0];
    double b_star;
    if (!model_.logistic) {
      b_star = std::log(std::log(target) / std::log(s));
    } else {
      const double x = std::log(s / (1 - s)) - model_.intercept;
      const double e = (std::log(target / (1 - target)) - model_.intercept) / x;
      if (!(e > 0)) return 0.0;  // p_lowest < expit(intercept) <= target for every beta
      b_star = std::log(e);
    }
    const double hi = lo_ + static_cast<double>(nodes_ - 1) * h_;
    if (b_star <= lo_) return 0.0;
    if (b_star >= hi) return 1.0;
    auto f = [&](double b) { return std::exp(log_post(b, n, y) - mx); };
    const double num = boost::math::quadrature::gauss_kronrod<double, 31>::integrate(f, lo_, b_star, 15, 1e-12);
    return std::min(1.0, std::max(0.0, num / z));
  }

  int recommend(double beta, double target) const { return recommend_dose(model_, beta, target); }

 private:
  CrmModel model_;
  std::size_t doses_;
  std::size_t nodes_ = 0;
  double h_ = 0.0;
  double lo_ = 0.0;
  std::size_t coarse_ = 1;  // stride of the coarse scan (a power of two)
  std::vector<double> beta_, log_prior_;
  std::vector<double> logp_, logq_;  // per dose, per node: log p, log(1 - p)
};

}  // namespace twinsim::trial::detail
