// The BLRM posterior by deterministic integration on one grid shared by all
// doses (docs/designs.md, "blrm").
//
// Per prior component (each component's posterior is unimodal; the mixture is
// their weighted sum, weights updated by each component's marginal likelihood):
//  1. Newton's method finds the joint mode of (log alpha, log beta); the
//     inverse Hessian there gives the Laplace covariance C.
//  2. Outer variable log beta: a trapezoidal rule on the real line in Laplace
//     sds of log beta, spacing 0.5, walked out from the mode until a column's
//     mass falls e^-32 below the largest, halved while any summary at
//     spacing h and 2h differs by more than 1e-7 (the trapezoidal error on an
//     analytic integrand falls like exp(-c / h) or faster, so agreement at 2h
//     bounds the error at h by about its square).
//  3. Each column (log beta = b fixed) holds the conditional density of
//     log alpha as a Chebyshev series in v, log alpha = a0 + s sinh(v), with
//     a0 the conditional mode and s its curvature sd; the window in v starts
//     at +-asinh(9) and doubles on a side while the edge density is above
//     1e-12 of the peak; the Lobatto points double (17, 33, 65, 129, nested)
//     until the last coefficients are negligible. Its antiderivative is the
//     column's CDF, so for every dose d the interval probabilities are sums
//     over columns of that CDF at log alpha = logit(cut) - beta x_d: all
//     doses share one set of posterior evaluations, and no indicator
//     function is ever integrated. E[p(d)] is a Clenshaw-Curtis sum
//     over the same points.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include <boost/math/tools/roots.hpp>

#include "blrm_chebyshev.hpp"
#include "twinsim/trial/designs/blrm.hpp"

namespace twinsim::trial {

namespace {

constexpr double kWindowSds = 7.5;      // first window: column mode +- this many curvature sds
constexpr double kEdgeRatio = 1e-11;    // density at a window edge must be below this times the peak
constexpr double kDrop = 20.0;          // columns more than e^-32 below the largest end the walk
constexpr double kSpacing = 0.5;        // first column spacing, in Laplace sds of log beta
// Absolute agreement of every summary at spacing h and 2h. The error at h is
// about the square of this (the 4th power for Gaussian-like integrands).
constexpr double kTrapAgree = 1e-5;
constexpr int kMaxHalvings = 6;
constexpr std::array<double, 6> kProbes = {-3, -2, -1, 1, 2, 3};  // in Laplace sds of logit p
constexpr double kCoefTail = 1e-10;     // last Chebyshev coefficients, relative to the mass
constexpr std::size_t kMinPoints = 17;  // Lobatto points: 17, 33, 65, 129
constexpr std::size_t kMaxPoints = 129;

double softplus(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }
double expit(double z) { return z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z)); }

// One prior component as precision matrix and log normaliser (log weight included).
struct Gauss2 {
  double ma, mb, paa, pab, pbb, log_norm;
};

Gauss2 make_gauss(const BlrmPriorComponent& c, double total_weight) {
  const double r = c.correlation, sa = c.sd_log_alpha, sb = c.sd_log_beta;
  const double det = 1.0 - r * r;
  Gauss2 g{};
  g.ma = c.mean_log_alpha;
  g.mb = c.mean_log_beta;
  g.paa = 1.0 / (sa * sa * det);
  g.pbb = 1.0 / (sb * sb * det);
  g.pab = -r / (sa * sb * det);
  g.log_norm = std::log(c.weight / total_weight) - std::log(2.0 * M_PI * sa * sb * std::sqrt(det));
  return g;
}

struct Likelihood {
  const double* x;
  const int* n;
  const int* y;
  std::size_t m;
};

double log_post(const Gauss2& g, const Likelihood& L, double a, double b) {
  const double da = a - g.ma, db = b - g.mb;
  double v = g.log_norm - 0.5 * (g.paa * da * da + 2.0 * g.pab * da * db + g.pbb * db * db);
  const double eb = std::exp(b);
  for (std::size_t i = 0; i < L.m; ++i) {
    const double eta = a + eb * L.x[i];
    v += L.y[i] * eta - L.n[i] * softplus(eta);
  }
  return v;
}

// Gradient and negated Hessian of the log posterior; fisher drops the term of
// the log-beta curvature that can make it indefinite away from the mode.
void derivatives(const Gauss2& g, const Likelihood& L, double a, double b, bool fisher, double grad[2],
                 double neg_h[3]) {
  const double da = a - g.ma, db = b - g.mb;
  grad[0] = -(g.paa * da + g.pab * db);
  grad[1] = -(g.pab * da + g.pbb * db);
  neg_h[0] = g.paa;
  neg_h[1] = g.pab;
  neg_h[2] = g.pbb;
  const double eb = std::exp(b);
  for (std::size_t i = 0; i < L.m; ++i) {
    const double u = eb * L.x[i];
    const double p = expit(a + u);
    const double r = L.y[i] - L.n[i] * p;
    const double w = L.n[i] * p * (1.0 - p);
    grad[0] += r;
    grad[1] += r * u;
    neg_h[0] += w;
    neg_h[1] += w * u;
    neg_h[2] += w * u * u - (fisher ? 0.0 : r * u);
  }
}

bool positive_definite(const double h[3]) { return h[0] > 0 && h[2] > 0 && h[0] * h[2] - h[1] * h[1] > 0; }

// Joint mode of the component's posterior and the Laplace covariance there.
void find_mode(const Gauss2& g, const Likelihood& L, double& a, double& b, double cov[3]) {
  a = g.ma;
  b = g.mb;
  double f = log_post(g, L, a, b);
  double grad[2], h[3];
  for (int iter = 0; iter < 200; ++iter) {
    derivatives(g, L, a, b, false, grad, h);
    if (!positive_definite(h)) derivatives(g, L, a, b, true, grad, h);
    const double det = h[0] * h[2] - h[1] * h[1];
    const double sa = (h[2] * grad[0] - h[1] * grad[1]) / det;
    const double sb = (h[0] * grad[1] - h[1] * grad[0]) / det;
    double lam = 1.0, fn = f;
    for (int k = 0; k < 60; ++k, lam *= 0.5) {
      fn = log_post(g, L, a + lam * sa, b + lam * sb);
      if (fn >= f) break;
    }
    if (!(fn >= f)) break;  // no ascent left: at the mode to rounding
    a += lam * sa;
    b += lam * sb;
    const bool done = std::abs(lam * sa) + std::abs(lam * sb) < 1e-13 * (1.0 + std::abs(a) + std::abs(b));
    f = fn;
    if (done) break;
  }
  derivatives(g, L, a, b, false, grad, h);
  if (!positive_definite(h)) derivatives(g, L, a, b, true, grad, h);
  const double det = h[0] * h[2] - h[1] * h[1];
  cov[0] = h[2] / det;
  cov[1] = -h[1] / det;
  cov[2] = h[0] / det;
}

// The conditional mode in log alpha given log beta = b (damped Newton: the
// conditional log density is strictly concave, its curvature at least the
// prior's); returns the curvature there.
double column_mode(const Gauss2& g, const Likelihood& L, const double* u, double b, double& a, std::size_t& evaluations) {
  const double db = b - g.mb;
  auto value = [&](double aa) {
    const double da = aa - g.ma;
    double v = -0.5 * (g.paa * da * da + 2.0 * g.pab * da * db);
    for (std::size_t i = 0; i < L.m; ++i) {
      const double eta = aa + u[i];
      v += L.y[i] * eta - L.n[i] * softplus(eta);
    }
    return v;
  };
  double f = value(a), curvature = g.paa;
  for (int iter = 0; iter < 100; ++iter) {
    double d1 = -(g.paa * (a - g.ma) + g.pab * db);
    curvature = g.paa;
    for (std::size_t i = 0; i < L.m; ++i) {
      const double p = expit(a + u[i]);
      d1 += L.y[i] - L.n[i] * p;
      curvature += L.n[i] * p * (1.0 - p);
    }
    evaluations += 2;
    double step = d1 / curvature, fn = f;
    for (int k = 0; k < 60; ++k, step *= 0.5) {
      fn = value(a + step);
      if (fn >= f) break;
    }
    if (!(fn >= f)) break;  // no ascent left: at the mode to rounding
    a += step;
    f = fn;
    if (std::abs(step) * std::sqrt(curvature) < 1e-6) break;  // the window needs the centre only roughly
  }
  return curvature;
}

}  // namespace

BlrmPosterior::BlrmPosterior(BlrmOptions options) : opt_(std::move(options)) {
  opt_.validate();
  const double dstar = opt_.dstar();
  for (double d : opt_.doses) x_.push_back(std::log(d / dstar));
  const std::size_t nd = opt_.doses.size(), nk = opt_.prior.size();
  summary_.resize(nd);
  post_weight_.resize(nk);
  first_column_.resize(nk + 1);
  log_mass_.resize(nk);
  under_.resize(nk * nd);
  below_.resize(nk * nd);
  mean_.resize(nk * nd);
  values_.resize(kMaxPoints);
  exp_neg_a_.resize(kMaxPoints);
  for (std::size_t p = 0; p < kMaxPoints; ++p) lobatto_.push_back(detail::lobatto_point(p, kMaxPoints));
  scratch_.resize(kMaxPoints + 1);
  u_.resize(nd);
  tx_.reserve(nd);
  tn_.reserve(nd);
  ty_.reserve(nd);
  // Per refinement level (17, 33, 65, 129 points): the DCT's cosines and the
  // Clenshaw-Curtis weights (the integral of the interpolant of each point's
  // unit vector), so that a column's mass and E[p] are dot products.
  for (std::size_t n = kMinPoints, level = 0; n <= kMaxPoints; n = 2 * n - 1, ++level) {
    cos_tables_.emplace_back();
    std::vector<double> unit(n, 0.0), w(n);
    for (std::size_t j = 0; j < n; ++j) {
      unit[j] = 1.0;
      detail::chebyshev_coefficients(unit.data(), n, cos_tables_[level], scratch_.data());
      w[j] = detail::chebyshev_total(scratch_.data(), n);
      unit[j] = 0.0;
    }
    cc_weights_.push_back(std::move(w));
  }
  update(std::vector<int>(nd, 0), std::vector<int>(nd, 0));
}

void BlrmPosterior::update(const std::vector<int>& n, const std::vector<int>& y) {
  const std::size_t nd = opt_.doses.size();
  if (n.size() != nd || y.size() != nd)
    throw std::invalid_argument("blrm: expected " + std::to_string(nd) + " patient and DLT counts");
  tx_.clear();
  tn_.clear();
  ty_.clear();
  for (std::size_t d = 0; d < nd; ++d) {
    if (n[d] < 0 || y[d] < 0 || y[d] > n[d])
      throw std::invalid_argument("blrm: level " + std::to_string(d) + ": need 0 <= DLTs <= patients (got " +
                                  std::to_string(y[d]) + " of " + std::to_string(n[d]) + ")");
    if (n[d] == 0) continue;
    tx_.push_back(x_[d]);
    tn_.push_back(n[d]);
    ty_.push_back(y[d]);
  }
  integrate(false);
  for (std::size_t d = 0; d < nd; ++d) {
    BlrmDoseSummary s;
    double below_hi = 0.0;
    for (std::size_t k = 0; k < post_weight_.size(); ++k) {
      s.p_under += post_weight_[k] * under_[k * nd + d];
      below_hi += post_weight_[k] * below_[k * nd + d];
      s.mean += post_weight_[k] * mean_[k * nd + d];
    }
    s.p_over = std::max(0.0, 1.0 - below_hi);
    s.p_target = std::max(0.0, below_hi - s.p_under);
    summary_[d] = s;
  }
}

void BlrmPosterior::integrate(bool probes) {
  coef_.clear();
  columns_.clear();
  nodes_ = 0;
  for (std::size_t k = 0; k < opt_.prior.size(); ++k) {
    first_column_[k] = columns_.size();
    integrate_component(k, probes);
  }
  first_column_.back() = columns_.size();
  probed_ = probes;
  const double top = *std::max_element(log_mass_.begin(), log_mass_.end());
  double total = 0.0;
  for (std::size_t k = 0; k < post_weight_.size(); ++k) total += post_weight_[k] = std::exp(log_mass_[k] - top);
  for (double& w : post_weight_) w /= total;
}

void BlrmPosterior::integrate_component(std::size_t k, bool probes) {
  double total_weight = 0.0;
  for (const auto& c : opt_.prior) total_weight += c.weight;
  const Gauss2 g = make_gauss(opt_.prior[k], total_weight);
  const Likelihood L{tx_.data(), tn_.data(), ty_.data(), tx_.size()};
  double am, bm, cov[3];
  find_mode(g, L, am, bm, cov);
  const double shift = log_post(g, L, am, bm);
  const std::size_t nd = opt_.doses.size();
  const double sb = std::sqrt(cov[2]), slope = cov[1] / cov[2];
  const double cut_lo = std::log(opt_.target_low / (1 - opt_.target_low));
  const double cut_hi = std::log(opt_.target_high / (1 - opt_.target_high));
  const std::size_t first = columns_.size();
  // Per column and dose: the parts of P(under), P(below target_high), E[p],
  // and with probes of the CDF over the bulk of logit p (Laplace mean +- 1, 2,
  // 3 sds), so that the spacing is refined until cdf() and quantile() are
  // accurate there too, not only at the interval bounds. Away from the data
  // the CDF at a probe can need a spacing 8 times finer than the bounds do.
  const std::size_t n_probes = probes ? kProbes.size() : 0;
  const std::size_t stride = (3 + n_probes) * nd;
  probe_.resize(kProbes.size() * nd);
  for (std::size_t d = 0; d < nd; ++d) {
    const double u = std::exp(bm) * x_[d];
    const double sd = std::sqrt(cov[0] + 2.0 * u * cov[1] + u * u * cov[2]);
    for (std::size_t q = 0; q < kProbes.size(); ++q) probe_[q * nd + d] = am + u + kProbes[q] * sd;
  }
  position_.clear();
  contrib_.resize(0);

  // The Lobatto point p of n (n = 17, 33, 65, 129: nested in the 129 points).
  auto lobatto = [&](std::size_t p, std::size_t n) { return lobatto_[p * ((kMaxPoints - 1) / (n - 1))]; };
  // One column at log beta = b: its CDF series and its parts of every dose's summaries.
  auto build = [&](long j, double h) {
    BlrmColumn col;
    col.b = bm + sb * h * static_cast<double>(j);
    col.eb = std::exp(col.b);
    for (std::size_t i = 0; i < L.m; ++i) u_[i] = col.eb * L.x[i];
    col.a0 = am + slope * (col.b - bm);
    col.sd = 1.0 / std::sqrt(column_mode(g, L, u_.data(), col.b, col.a0, nodes_));
    const double db = col.b - g.mb;
    const double prior_b = -0.5 * g.pbb * db * db + g.log_norm - shift;
    auto density = [&](double v) {
      const double a = col.a0 + col.sd * v, da = a - g.ma;
      double lp = prior_b - 0.5 * (g.paa * da * da + 2.0 * g.pab * da * db);
      for (std::size_t i = 0; i < L.m; ++i) {
        const double eta = a + u_[i];
        lp += L.y[i] * eta - L.n[i] * softplus(eta);
      }
      ++nodes_;
      return std::exp(lp) * col.sd;
    };
    double lo = -kWindowSds, hi = kWindowSds;
    std::size_t n = kMinPoints, level = 0;
    for (int widen = 0;; ++widen) {  // widen a side whose edge still carries density
      const double half = 0.5 * (hi - lo), centre = 0.5 * (hi + lo);
      for (std::size_t p = 0; p < n; ++p) values_[p] = density(centre + half * lobatto(p, n));
      const double peak = *std::max_element(values_.begin(), values_.begin() + static_cast<long>(n));
      const bool wide_hi = values_[0] > kEdgeRatio * peak, wide_lo = values_[n - 1] > kEdgeRatio * peak;
      if ((!wide_hi && !wide_lo) || widen >= 8) break;
      if (wide_hi) hi = centre + 1.5 * half;
      if (wide_lo) lo = centre - 1.5 * half;
    }
    const double half = 0.5 * (hi - lo), centre = 0.5 * (hi + lo);
    double* c = scratch_.data();
    for (;;) {
      detail::chebyshev_coefficients(values_.data(), n, cos_tables_[level], c);
      const double mass = std::abs(detail::chebyshev_total(c, n));
      const double tail = std::abs(c[n - 1]) + std::abs(c[n - 2]) + std::abs(c[n - 3]);
      if (tail <= kCoefTail * mass || n >= kMaxPoints) break;
      const std::size_t m = 2 * n - 1;  // the old points are the even points of 2n - 1
      for (std::size_t p = n; p-- > 0;) values_[2 * p] = values_[p];
      for (std::size_t p = 1; p < m; p += 2) values_[p] = density(centre + half * lobatto(p, m));
      n = m;
      ++level;
    }
    col.lo = lo;
    col.hi = hi;
    col.offset = coef_.size();
    col.count = n + 1;
    coef_.resize(coef_.size() + n + 1);
    double* f = coef_.data() + col.offset;
    detail::chebyshev_integral(c, n, f);
    const double mass = detail::chebyshev_value(f, n + 1, 1.0);
    col.weight = mass * half;  // times the trapezoid spacing when summed
    position_.push_back(j);
    contrib_.resize(contrib_.size() + stride);
    double* part = contrib_.data() + contrib_.size() - stride;
    const std::vector<double>& w = cc_weights_[level];
    // expit(a + u) = 1 / (1 + e^-a e^-u): one exp per point and one per dose.
    for (std::size_t p = 0; p < n; ++p) exp_neg_a_[p] = std::exp(-(col.a0 + col.sd * (centre + half * lobatto(p, n))));
    for (std::size_t d = 0; d < nd; ++d) {
      const double ud = col.eb * x_[d];
      auto cdf_at = [&](double cut) {
        const double t = (cut - ud - col.a0) / col.sd;
        if (t <= lo) return 0.0;
        if (t >= hi) return 1.0;
        const double v = detail::chebyshev_value(f, n + 1, (2.0 * t - lo - hi) / (hi - lo)) / mass;
        return std::min(1.0, std::max(0.0, v));
      };
      part[d] = cdf_at(cut_lo);
      part[nd + d] = cdf_at(cut_hi);
      const double exp_neg_u = std::exp(-ud);
      double e = 0.0;
      for (std::size_t p = 0; p < n; ++p) e += w[p] * values_[p] / (1.0 + exp_neg_a_[p] * exp_neg_u);
      part[2 * nd + d] = e * half / col.weight;
      for (std::size_t q = 0; q < n_probes; ++q) part[(3 + q) * nd + d] = cdf_at(probe_[q * nd + d]);
    }
    columns_.push_back(col);
    return col.weight;
  };
  // Walk out from the mode on each side until the columns are negligible.
  auto extend = [&](double h, long from, int side) {
    double top = 0.0;
    for (std::size_t i = first; i < columns_.size(); ++i) top = std::max(top, columns_[i].weight);
    for (long j = from;; j += side) {
      const double m = build(j, h);
      top = std::max(top, m);
      if ((m < std::exp(-kDrop) * top && std::abs(j) >= 3) || std::abs(j) > 4000) return;
    }
  };
  double h = kSpacing;
  build(0, h);
  extend(h, 1, 1);
  extend(h, -1, -1);
  // The trapezoid sums at spacing h (every column) and 2h (even positions).
  auto sums = [&](bool even_only, double* out) {
    double total = 0.0;
    std::fill(out, out + stride, 0.0);
    for (std::size_t i = first; i < columns_.size(); ++i) {
      if (even_only && position_[i - first] % 2 != 0) continue;
      const double wt = columns_[i].weight;
      total += wt;
      const double* part = contrib_.data() + (i - first) * stride;
      for (std::size_t q = 0; q < stride; ++q) out[q] += wt * part[q];
    }
    for (std::size_t q = 0; q < stride; ++q) out[q] /= total;
    return total;
  };
  fine_.resize(stride);
  coarse_.resize(stride);
  double total = 0.0;
  for (int halving = 0;; ++halving) {
    total = sums(false, fine_.data());
    sums(true, coarse_.data());
    double diff = 0.0;
    for (std::size_t q = 0; q < stride; ++q) diff = std::max(diff, std::abs(fine_[q] - coarse_[q]));
    if (diff <= kTrapAgree || halving >= kMaxHalvings) break;
    // Halve: the old columns take the even positions, new ones the odd.
    for (long& j : position_) j *= 2;
    const long lo = *std::min_element(position_.begin(), position_.end());
    const long hi = *std::max_element(position_.begin(), position_.end());
    h *= 0.5;
    for (long j = lo + 1; j < hi; j += 2) build(j, h);
  }
  for (std::size_t i = first; i < columns_.size(); ++i) columns_[i].weight *= sb * h;
  for (std::size_t d = 0; d < nd; ++d) {
    under_[k * nd + d] = fine_[d];
    below_[k * nd + d] = fine_[nd + d];
    mean_[k * nd + d] = fine_[2 * nd + d];
  }
  log_mass_[k] = shift + std::log(total * sb * h);
}

double BlrmPosterior::component_cdf(std::size_t k, std::size_t dose, double eta) const {
  double v = 0.0, total = 0.0;
  for (std::size_t i = first_column_[k]; i < first_column_[k + 1]; ++i) {
    const BlrmColumn& col = columns_[i];
    total += col.weight;
    const double t = (eta - col.eb * x_[dose] - col.a0) / col.sd;
    if (t <= col.lo) continue;
    if (t >= col.hi) {
      v += col.weight;
      continue;
    }
    const double* f = coef_.data() + col.offset;
    const double mass = detail::chebyshev_value(f, col.count, 1.0);
    const double c = detail::chebyshev_value(f, col.count, (2.0 * t - col.lo - col.hi) / (col.hi - col.lo)) / mass;
    v += col.weight * std::min(1.0, std::max(0.0, c));
  }
  return v / total;
}

double BlrmPosterior::cdf(std::size_t dose, double p) {
  if (dose >= opt_.doses.size()) throw std::invalid_argument("blrm: no dose level " + std::to_string(dose));
  if (!probed_) integrate(true);
  if (!(p > 0 && p < 1)) return p <= 0 ? 0.0 : 1.0;
  const double t = std::log(p / (1 - p));
  double v = 0.0;
  for (std::size_t k = 0; k < post_weight_.size(); ++k) v += post_weight_[k] * component_cdf(k, dose, t);
  return v;
}

double BlrmPosterior::quantile(std::size_t dose, double q) {
  if (dose >= opt_.doses.size()) throw std::invalid_argument("blrm: no dose level " + std::to_string(dose));
  if (!(q > 0 && q < 1)) throw std::invalid_argument("blrm: quantile must be in (0, 1)");
  if (!probed_) integrate(true);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const BlrmColumn& col : columns_) {
    const double u = col.eb * x_[dose] + col.a0;
    lo = std::min(lo, u + col.sd * col.lo);
    hi = std::max(hi, u + col.sd * col.hi);
  }
  auto f = [&](double t) {
    double v = 0.0;
    for (std::size_t k = 0; k < post_weight_.size(); ++k) v += post_weight_[k] * component_cdf(k, dose, t);
    return v - q;
  };
  std::uintmax_t iters = 200;
  const auto r = boost::math::tools::toms748_solve(f, lo, hi, -q, 1.0 - q,
                                                   boost::math::tools::eps_tolerance<double>(44), iters);
  return expit(0.5 * (r.first + r.second));
}

}  // namespace twinsim::trial
