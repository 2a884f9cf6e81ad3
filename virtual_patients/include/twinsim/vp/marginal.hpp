// Marginal distribution of one continuous covariate: normal, log-normal or
// uniform, optionally truncated to [lower, upper].
//
// Values are drawn by the inverse CDF of the *truncated* marginal, never by
// rejection: a standard normal score z (one element of the Gaussian copula)
// maps to x = F_trunc^-1(Phi(z)). The map is monotone, uses exactly one normal
// per covariate, and keeps the copula's rank correlation under truncation.
#pragma once

#include <limits>

namespace twinsim::vp {

// Standard normal CDF Phi(x) = erfc(-x / sqrt 2) / 2 (Boost.Math: the same
// digits on every platform). Accurate in the lower tail; use normal_cdf(-x) for
// 1 - Phi(x).
double normal_cdf(double x);

class ContinuousMarginal {
 public:
  enum class Family { kNormal, kLognormal, kUniform };

  static constexpr double kInf = std::numeric_limits<double>::infinity();

  // N(mean, sd^2) restricted to [lower, upper]. Requires sd > 0, lower < upper
  // and a non-empty interval; the parser checks this.
  static ContinuousMarginal normal(double mean, double sd, double lower = -kInf, double upper = kInf);
  // exp(N(mu, sigma^2)) restricted to [lower, upper] (lower >= 0): median e^mu.
  static ContinuousMarginal lognormal(double mu, double sigma, double lower = 0.0, double upper = kInf);
  // U(lower, upper); bounds finite.
  static ContinuousMarginal uniform(double lower, double upper);

  ContinuousMarginal() = default;

  Family family() const { return family_; }
  // Normal: mean and sd; log-normal: mu = ln(median) and sigma = sd of ln x;
  // uniform: lower and upper.
  double location() const { return location_; }
  double scale() const { return scale_; }
  double lower() const { return lower_; }
  double upper() const { return upper_; }
  bool truncated() const { return truncated_; }

  // x = F^-1(Phi(z)), always in [lower, upper]; exact (mean + sd z, e^(mu + sigma z))
  // when the marginal is not truncated. Finite for every finite z.
  double from_normal_score(double z) const;
  // F^-1(u) for u in (0, 1).
  double quantile(double u) const;
  // F(x) of the truncated marginal; 0 below lower, 1 above upper.
  double cdf(double x) const;
  // Phi^-1(F(x)): the inverse of from_normal_score (for tests and diagnostics).
  double normal_score(double x) const;

 private:
  // The truncated standard normal quantile on [alpha_, beta_], given u and
  // v = 1 - u separately so that both tails keep their precision.
  double standard_quantile(double u, double v) const;
  double standardize(double x) const;
  double unstandardize(double s) const;
  void set_bounds(double lower, double upper);

  Family family_ = Family::kNormal;
  double location_ = 0.0;
  double scale_ = 1.0;
  double lower_ = -kInf;
  double upper_ = kInf;
  bool truncated_ = false;
  // Truncation points on the standard-normal scale and their tail masses:
  // pa_ = Phi(alpha), qa_ = 1 - Phi(alpha), pb_ = Phi(beta), qb_ = 1 - Phi(beta).
  double alpha_ = -kInf, beta_ = kInf;
  double pa_ = 0.0, qa_ = 1.0, pb_ = 1.0, qb_ = 0.0, mass_ = 1.0;
};

}  // namespace twinsim::vp
