// The BLRM posterior by deterministic integration (docs/designs.md, "BLRM").
//
// Every summary is a functional of the posterior marginal of eta_d = logit p(d)
// at one dose, so the integration is organised per dose and per prior
// component (each component's posterior is unimodal; the mixture is their
// weighted sum, weights updated by each component's marginal likelihood):
//  1. Newton's method finds the joint mode of (log alpha, log beta); the
//     inverse Hessian there gives the Laplace covariance C.
//  2. The marginal density of eta_d is represented by a Chebyshev series on a
//     window of +-9 Laplace sds of eta_d, widened until the density at both
//     edges is below 1e-14 of its peak; the number of Lobatto points doubles
//     (17, 33, 65, 129, nested) until the series' last coefficients are
//     negligible. Its antiderivative is the CDF: interval probabilities and
//     quantiles at any cut point, with no indicator function ever integrated.
//  3. The density at each eta is the integral over log beta along the line
//     eta_d = const (log alpha = eta - beta x_d): a trapezoidal rule on the
//     real line, centred on the Laplace conditional mean, spacing half the
//     Laplace conditional sd, extended until the terms fall 37 nats below the
//     largest, and halved while the sums at spacings h and 2h differ by more
//     than 1e-9 (the trapezoidal error on an analytic integrand falls like
//     exp(-c / h), so agreement at 2h bounds the error at h far below that).
#include <algorithm>
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

constexpr double kWindowSds = 9.0;      // first window: eta mode +- this many Laplace sds
constexpr double kEdgeRatio = 1e-12;    // density at a window edge must be below this times the peak
constexpr double kDrop = 32.0;          // trapezoid terms more than e^-32 below the largest are dropped
constexpr double kSpacing = 0.8;        // first trapezoid spacing, in conditional sds
// Relative agreement of the trapezoid at h and 2h. Its error on an integrand
// analytic in a strip falls like exp(-c / h), so the error at h is about the
// square of this (the 4th power for Gaussian-like integrands).
constexpr double kTrapAgree = 1e-5;
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

// The mode in log beta of the log posterior along the line logit p = eta at
// dose x (log alpha = eta - e^b x), by damped Newton from guess b; returns the
// curvature there (the inverse conditional variance).
double line_mode(const Gauss2& g, const Likelihood& L, double x, double eta, double& b, std::size_t& evaluations) {
  double grad[2], h[3];
  double curvature = 1.0;
  double f = log_post(g, L, eta - std::exp(b) * x, b);
  for (int iter = 0; iter < 30; ++iter) {
    const double u = std::exp(b) * x;  // -d(log alpha)/db along the line
    derivatives(g, L, eta - u, b, false, grad, h);
    evaluations += 2;
    const double slope = grad[1] - u * grad[0];
    curvature = u * u * h[0] - 2.0 * u * h[1] + h[2] + u * grad[0];
    if (!(curvature > 0)) {  // away from the mode: the Fisher part, positive
      derivatives(g, L, eta - u, b, true, grad, h);
      curvature = u * u * h[0] - 2.0 * u * h[1] + h[2];
    }
    double step = slope / curvature, fn = f;
    for (int k = 0; k < 40; ++k, step *= 0.5) {
      fn = log_post(g, L, eta - std::exp(b + step) * x, b + step);
      if (fn >= f) break;
    }
    if (!(fn >= f)) break;
    b += step;
    f = fn;
    if (std::abs(step) < 0.05 / std::sqrt(curvature)) break;  // the rule needs the centre only roughly
  }
  return curvature;
}

// int exp(log_post(eta - e^b x, b) - shift) db by the adaptive trapezoidal rule,
// centred on the line's mode (found from guess b, which it updates).
double line_integral(const Gauss2& g, const Likelihood& L, double x, double eta, double& b, double shift,
                     std::size_t& evaluations) {
  const double curvature = line_mode(g, L, x, eta, b, evaluations);
  const double centre = b;
  double h = kSpacing / std::sqrt(curvature);
  auto term = [&](double bb) {
    ++evaluations;
    return log_post(g, L, eta - std::exp(bb) * x, bb) - shift;
  };
  // Walk out from the centre on each side until the terms are negligible.
  double top = term(centre);
  double sum = std::exp(top), even = sum;
  long lo = 0, hi = 0;
  for (int side = -1; side <= 1; side += 2) {
    for (long i = side;; i += side) {
      const double v = term(centre + static_cast<double>(i) * h);
      top = std::max(top, v);
      const double e = std::exp(v);
      sum += e;
      if (i % 2 == 0) even += e;
      if (side < 0) lo = i; else hi = i;
      if (v < top - kDrop && std::abs(i) >= 3) break;
      if (std::abs(i) > 4000) break;  // a flat integrand: cannot happen with a proper prior
    }
  }
  double fine = sum * h, coarse = even * 2.0 * h;
  for (int halvings = 0; halvings < 8; ++halvings) {
    if (std::abs(fine - coarse) <= kTrapAgree * fine || !(fine > 0)) break;
    // Halve: the new nodes lie midway between the old ones.
    double mid = 0.0;
    for (long i = lo; i < hi; ++i) mid += std::exp(term(centre + (static_cast<double>(i) + 0.5) * h));
    h *= 0.5;
    lo *= 2;
    hi *= 2;
    coarse = fine;
    sum += mid;
    fine = sum * h;
  }
  return fine;
}

}  // namespace

BlrmPosterior::BlrmPosterior(BlrmOptions options) : opt_(std::move(options)) {
  opt_.validate();
  const double dstar = opt_.dstar();
  for (double d : opt_.doses) x_.push_back(std::log(d / dstar));
  const std::size_t nd = opt_.doses.size(), nk = opt_.prior.size();
  summary_.resize(nd);
  post_weight_.resize(nk);
  series_.resize(nk * nd);
  log_mass_.resize(nk);
  mean_.resize(nk * nd);
  coef_.reserve(nk * nd * (kMaxPoints + 1));
  values_.resize(kMaxPoints);
  products_.resize(kMaxPoints);
  modes_.resize(kMaxPoints);
  scratch_.resize(kMaxPoints + 1);
  tx_.reserve(nd);
  tn_.reserve(nd);
  ty_.reserve(nd);
  cos_tables_.resize(4);
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
  coef_.clear();
  nodes_ = 0;
  for (std::size_t k = 0; k < opt_.prior.size(); ++k) integrate_component(k);
  const double top = *std::max_element(log_mass_.begin(), log_mass_.end());
  double total = 0.0;
  for (std::size_t k = 0; k < post_weight_.size(); ++k) total += post_weight_[k] = std::exp(log_mass_[k] - top);
  for (double& w : post_weight_) w /= total;
  const double lo_cut = std::log(opt_.target_low / (1 - opt_.target_low));
  const double hi_cut = std::log(opt_.target_high / (1 - opt_.target_high));
  for (std::size_t d = 0; d < nd; ++d) {
    BlrmDoseSummary s;
    double below_hi = 0.0;
    for (std::size_t k = 0; k < post_weight_.size(); ++k) {
      const BlrmSeries& ser = series_[k * nd + d];
      s.p_under += post_weight_[k] * series_cdf(ser, lo_cut);
      below_hi += post_weight_[k] * series_cdf(ser, hi_cut);
      s.mean += post_weight_[k] * mean_[k * nd + d];
    }
    s.p_over = std::max(0.0, 1.0 - below_hi);
    s.p_target = std::max(0.0, below_hi - s.p_under);
    summary_[d] = s;
  }
}

void BlrmPosterior::integrate_component(std::size_t k) {
  double total_weight = 0.0;
  for (const auto& c : opt_.prior) total_weight += c.weight;
  const Gauss2 g = make_gauss(opt_.prior[k], total_weight);
  const Likelihood L{tx_.data(), tn_.data(), ty_.data(), tx_.size()};
  double am, bm, cov[3];
  find_mode(g, L, am, bm, cov);
  const double shift = log_post(g, L, am, bm);
  const std::size_t nd = opt_.doses.size();
  const double ebm = std::exp(bm);
  double log_mass_sum = 0.0;
  for (std::size_t d = 0; d < nd; ++d) {
    // Laplace moments of eta_d and of log beta given eta_d.
    const double u = ebm * x_[d];
    const double mu = am + u;
    const double var = cov[0] + 2.0 * u * cov[1] + u * u * cov[2];
    const double sd = std::sqrt(var);
    const double cov_b = cov[1] + u * cov[2];
    const double slope = cov_b / var;
    // The series variable v: eta = mu + sd sinh(v). The marginal of eta has
    // tails like those of e^(log beta) |x_d| (log-normal), which are Gaussian in v.
    double lo = -std::asinh(kWindowSds), hi = std::asinh(kWindowSds);
    auto eta_at = [&](double v) { return mu + sd * std::sinh(v); };
    // Point j's line mode starts from its neighbour's (index from, or the
    // Laplace conditional mean when from < 0) and is kept for its neighbours.
    auto point_density = [&](double v, std::size_t j, long from) {
      const double eta = eta_at(v);
      const double reach = 10.0 * std::sqrt(cov[2]);
      double b = from >= 0 ? modes_[static_cast<std::size_t>(from)]
                           : std::min(bm + reach, std::max(bm - reach, bm + slope * (eta - mu)));
      const double value = line_integral(g, L, x_[d], eta, b, shift, nodes_) * sd * std::cosh(v);
      modes_[j] = b;
      return value;
    };
    std::size_t n = kMinPoints, level = 0;
    for (int widen = 0;; ++widen) {
      // The window: widen a side whose edge still carries density.
      const double half = 0.5 * (hi - lo), centre = 0.5 * (hi + lo);
      n = kMinPoints;
      level = 0;
      // From the middle point outwards, each warm-started from the one before.
      const std::size_t mid = n / 2;
      values_[mid] = point_density(centre, mid, -1);
      for (std::size_t j = mid + 1; j < n; ++j)
        values_[j] = point_density(centre + half * detail::lobatto_point(j, n), j, static_cast<long>(j - 1));
      for (std::size_t j = mid; j-- > 0;)
        values_[j] = point_density(centre + half * detail::lobatto_point(j, n), j, static_cast<long>(j + 1));
      const double peak = *std::max_element(values_.begin(), values_.begin() + static_cast<long>(n));
      const bool wide_hi = values_[0] > kEdgeRatio * peak, wide_lo = values_[n - 1] > kEdgeRatio * peak;
      if ((!wide_hi && !wide_lo) || widen >= 8) break;
      if (wide_hi) hi = centre + 2.0 * half;
      if (wide_lo) lo = centre - 2.0 * half;
    }
    const double half = 0.5 * (hi - lo), centre = 0.5 * (hi + lo);
    double* c = scratch_.data();
    for (;;) {
      detail::chebyshev_coefficients(values_.data(), n, cos_tables_[level], c);
      const double mass = std::abs(detail::chebyshev_total(c, n));
      const double tail = std::abs(c[n - 1]) + std::abs(c[n - 2]) + std::abs(c[n - 3]);
      if (tail <= kCoefTail * mass || n >= kMaxPoints) break;
      // Refine: the old points are the even points of 2n - 1.
      const std::size_t m = 2 * n - 1;
      for (std::size_t j = n; j-- > 0;) {
        values_[2 * j] = values_[j];
        modes_[2 * j] = modes_[j];
      }
      for (std::size_t j = 1; j < m; j += 2)
        values_[j] = point_density(centre + half * detail::lobatto_point(j, m), j, static_cast<long>(j - 1));
      n = m;
      ++level;
    }
    // The CDF series, normalised to 1 at the upper edge, and the mean of p.
    BlrmSeries& s = series_[k * nd + d];
    s.lo = lo;
    s.hi = hi;
    s.mu = mu;
    s.sd = sd;
    s.offset = coef_.size();
    s.count = n + 1;
    coef_.resize(coef_.size() + n + 1);
    double* f = coef_.data() + s.offset;
    detail::chebyshev_integral(c, n, f);
    const double mass = detail::chebyshev_value(f, n + 1, 1.0);
    for (std::size_t i = 0; i <= n; ++i) f[i] /= mass;
    for (std::size_t j = 0; j < n; ++j) products_[j] = values_[j] * expit(eta_at(centre + half * detail::lobatto_point(j, n)));
    detail::chebyshev_coefficients(products_.data(), n, cos_tables_[level], c);
    mean_[k * nd + d] = detail::chebyshev_total(c, n) / mass;
    log_mass_sum += shift + std::log(mass * half);
  }
  // Every dose integrates the same posterior mass; their mean is the estimate.
  log_mass_[k] = log_mass_sum / static_cast<double>(nd);
}

double BlrmPosterior::series_cdf(const BlrmSeries& s, double eta) const {
  const double t = std::asinh((eta - s.mu) / s.sd);
  if (t <= s.lo) return 0.0;
  if (t >= s.hi) return 1.0;
  const double x = (2.0 * t - s.lo - s.hi) / (s.hi - s.lo);
  return std::min(1.0, std::max(0.0, detail::chebyshev_value(coef_.data() + s.offset, s.count, x)));
}

double BlrmPosterior::cdf(std::size_t dose, double p) const {
  if (dose >= opt_.doses.size()) throw std::invalid_argument("blrm: no dose level " + std::to_string(dose));
  if (!(p > 0 && p < 1)) return p <= 0 ? 0.0 : 1.0;
  const double t = std::log(p / (1 - p));
  double v = 0.0;
  for (std::size_t k = 0; k < post_weight_.size(); ++k)
    v += post_weight_[k] * series_cdf(series_[k * opt_.doses.size() + dose], t);
  return v;
}

double BlrmPosterior::quantile(std::size_t dose, double q) const {
  if (dose >= opt_.doses.size()) throw std::invalid_argument("blrm: no dose level " + std::to_string(dose));
  if (!(q > 0 && q < 1)) throw std::invalid_argument("blrm: quantile must be in (0, 1)");
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (std::size_t k = 0; k < post_weight_.size(); ++k) {
    const BlrmSeries& s = series_[k * opt_.doses.size() + dose];
    lo = std::min(lo, s.mu + s.sd * std::sinh(s.lo));
    hi = std::max(hi, s.mu + s.sd * std::sinh(s.hi));
  }
  auto f = [&](double t) {
    double v = 0.0;
    for (std::size_t k = 0; k < post_weight_.size(); ++k)
      v += post_weight_[k] * series_cdf(series_[k * opt_.doses.size() + dose], t);
    return v - q;
  };
  std::uintmax_t iters = 200;
  const auto r = boost::math::tools::toms748_solve(f, lo, hi, -q, 1.0 - q,
                                                   boost::math::tools::eps_tolerance<double>(44), iters);
  return expit(0.5 * (r.first + r.second));
}

}  // namespace twinsim::trial
