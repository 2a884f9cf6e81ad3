#include "twinsim/vp/marginal.hpp"

#include <algorithm>
#include <cmath>

#include <boost/math/special_functions/erf.hpp>

#include "twinsim/core/rng.hpp"

namespace twinsim::vp {

double normal_cdf(double x) {
  if (std::isinf(x)) return x > 0 ? 1.0 : 0.0;
  return 0.5 * boost::math::erfc(-x / M_SQRT2);
}

ContinuousMarginal ContinuousMarginal::normal(double mean, double sd, double lower, double upper) {
  ContinuousMarginal m;
  m.family_ = Family::kNormal;
  m.location_ = mean;
  m.scale_ = sd;
  m.set_bounds(lower, upper);
  return m;
}

ContinuousMarginal ContinuousMarginal::lognormal(double mu, double sigma, double lower, double upper) {
  ContinuousMarginal m;
  m.family_ = Family::kLognormal;
  m.location_ = mu;
  m.scale_ = sigma;
  m.set_bounds(std::max(lower, 0.0), upper);
  return m;
}

ContinuousMarginal ContinuousMarginal::uniform(double lower, double upper) {
  ContinuousMarginal m;
  m.family_ = Family::kUniform;
  m.location_ = lower;
  m.scale_ = upper;
  m.lower_ = lower;
  m.upper_ = upper;
  m.truncated_ = false;  // the bounds are the support, not a truncation
  return m;
}

double ContinuousMarginal::standardize(double x) const {
  if (family_ == Family::kLognormal) {
    if (x <= 0.0) return -kInf;
    return (std::log(x) - location_) / scale_;
  }
  return (x - location_) / scale_;
}

double ContinuousMarginal::unstandardize(double s) const {
  if (family_ == Family::kLognormal) return std::exp(location_ + scale_ * s);
  return location_ + scale_ * s;
}

void ContinuousMarginal::set_bounds(double lower, double upper) {
  lower_ = lower;
  upper_ = upper;
  alpha_ = standardize(lower);
  beta_ = standardize(upper);
  truncated_ = std::isfinite(alpha_) || std::isfinite(beta_);
  pa_ = normal_cdf(alpha_);
  qa_ = normal_cdf(-alpha_);
  pb_ = normal_cdf(beta_);
  qb_ = normal_cdf(-beta_);
  // Mass of [alpha, beta], from whichever tails are small (no 1 - (1 - eps)).
  if (beta_ <= 0.0) mass_ = pb_ - pa_;
  else if (alpha_ >= 0.0) mass_ = qa_ - qb_;
  else mass_ = 1.0 - pa_ - qb_;
}

double ContinuousMarginal::standard_quantile(double u, double v) const {
  // P(S <= s) = pa + u * mass; P(S > s) = qb + v * mass. Invert the smaller
  // one: Phi^-1 near 1 would lose every digit of the upper tail.
  const double p = pa_ + u * mass_;
  const double q = qb_ + v * mass_;
  double s;
  if (p <= q) s = p > 0.0 ? core::normal_quantile(p) : alpha_;
  else s = q > 0.0 ? -core::normal_quantile(q) : beta_;
  return std::clamp(s, alpha_, beta_);
}

double ContinuousMarginal::from_normal_score(double z) const {
  if (family_ == Family::kUniform) {
    const double w = upper_ - lower_;
    // Below the median from the lower bound, above it from the upper bound.
    return z <= 0.0 ? lower_ + w * normal_cdf(z) : upper_ - w * normal_cdf(-z);
  }
  if (!truncated_) return unstandardize(z);
  // Beyond |z| = 37 (probability < 1e-299) Phi(-|z|) underflows; saturating
  // there keeps the map monotone and finite.
  const double zc = std::clamp(z, -37.0, 37.0);
  const double s = standard_quantile(normal_cdf(zc), normal_cdf(-zc));
  return std::clamp(unstandardize(s), lower_, upper_);
}

double ContinuousMarginal::quantile(double u) const {
  if (family_ == Family::kUniform) return lower_ + (upper_ - lower_) * u;
  if (!truncated_) return unstandardize(core::normal_quantile(u));
  return std::clamp(unstandardize(standard_quantile(u, 1.0 - u)), lower_, upper_);
}

double ContinuousMarginal::cdf(double x) const {
  if (x <= lower_) return 0.0;
  if (x >= upper_) return 1.0;
  if (family_ == Family::kUniform) return (x - lower_) / (upper_ - lower_);
  const double s = standardize(x);
  if (s <= 0.0) return (normal_cdf(s) - pa_) / mass_;
  return 1.0 - (normal_cdf(-s) - qb_) / mass_;
}

double ContinuousMarginal::normal_score(double x) const {
  if (family_ != Family::kUniform && !truncated_) return standardize(x);
  const double f = cdf(x);
  if (f <= 0.0) return -kInf;
  if (f >= 1.0) return kInf;
  // Upper half from the complement, for the same reason as standard_quantile.
  if (f <= 0.5) return core::normal_quantile(f);
  double g;
  if (family_ == Family::kUniform) {
    g = (upper_ - x) / (upper_ - lower_);
  } else {
    const double s = standardize(x);
    g = s > 0.0 ? (normal_cdf(-s) - qb_) / mass_ : 1.0 - f;
  }
  return -core::normal_quantile(g);
}

}  // namespace twinsim::vp
