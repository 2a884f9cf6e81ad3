// [validation] Monte-Carlo checks of the population generator on 100,000
// patients with fixed seeds. Each statistic is compared with its requested
// value within K = 5 Monte-Carlo standard errors, the SE derived for that
// statistic:
//   mean            sd / sqrt(n)
//   variance        sigma^2 sqrt(2 / (n - 1))            (normal data)
//                   sqrt((mu4 - sigma^4) / n)             (otherwise, mu4 given)
//   correlation     (1 - rho^2) / sqrt(n)                 (bivariate normal)
//   proportion      sqrt(p (1 - p) / n)                   (binomial)
// With about 60 such checks, a false alarm at 5 SE has probability ~ 4e-5.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "twinsim/core/config.hpp"
#include "twinsim/vp/parse_population.hpp"
#include "twinsim/vp/population.hpp"
#include "twinsim/vp/residual_error.hpp"

using namespace twinsim;

namespace {

constexpr double K = 5.0;
constexpr std::size_t N = 100000;
constexpr std::uint64_t kSeed = 20240917;

vp::Population make_population(const std::string& yaml, int n_cycles) {
  const auto doc = core::ConfigNode::load_string(yaml, "stats.yaml");
  core::Diagnostics diag;
  auto spec = vp::parse_population(doc.get("population"), diag,
                                   std::vector<std::string>{"CL", "V1", "KA", "F"}, n_cycles);
  for (const auto& d : diag.items()) FAIL(d.format());
  REQUIRE(spec.has_value());
  return vp::Population(std::move(*spec));
}

double mean(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

double variance(const std::vector<double>& v) {
  const double m = mean(v);
  double s = 0.0;
  for (double x : v) s += (x - m) * (x - m);
  return s / static_cast<double>(v.size() - 1);
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const double ma = mean(a), mb = mean(b);
  double sab = 0.0, saa = 0.0, sbb = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

const double n = static_cast<double>(N);

void check_mean(const std::vector<double>& v, double want, double sd, const char* what) {
  const double got = mean(v), se = sd / std::sqrt(n);
  INFO(what << ": mean " << got << ", expected " << want << " +- " << K << " x SE " << se);
  CHECK(std::abs(got - want) < K * se);
}

void check_normal_variance(const std::vector<double>& v, double want, const char* what) {
  const double got = variance(v), se = want * std::sqrt(2.0 / (n - 1.0));
  INFO(what << ": variance " << got << ", expected " << want << " +- " << K << " x SE " << se);
  CHECK(std::abs(got - want) < K * se);
}

void check_correlation(const std::vector<double>& a, const std::vector<double>& b, double want, const char* what) {
  const double got = correlation(a, b), se = (1.0 - want * want) / std::sqrt(n);
  INFO(what << ": correlation " << got << ", expected " << want << " +- " << K << " x SE " << se);
  CHECK(std::abs(got - want) < K * se);
}

void check_proportion(double count, double total, double p, const char* what) {
  const double got = count / total, se = std::sqrt(p * (1.0 - p) / total);
  INFO(what << ": proportion " << got << ", expected " << p << " +- " << K << " x SE " << se);
  CHECK(std::abs(got - p) < K * se);
}

double phi(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI); }
double Phi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// Mean and variance of N(mu, s^2) truncated to [a, b] (Johnson, Kotz &
// Balakrishnan, Continuous Univariate Distributions vol. 1, 2nd ed., sec. 10.1).
void truncated_normal_moments(double mu, double s, double a, double b, double& m, double& v) {
  const double al = (a - mu) / s, be = (b - mu) / s, z = Phi(be) - Phi(al);
  const double d = (phi(al) - phi(be)) / z;
  m = mu + s * d;
  v = s * s * (1.0 + (al * phi(al) - be * phi(be)) / z - d * d);
}

const char* kCovariateYaml = R"(population:
  covariates:
    - {name: WT, distribution: lognormal, median: 70, cv: 0.2}
    - {name: HT, distribution: normal, mean: 170, sd: 10}
    - {name: AGE, distribution: uniform, lower: 18, upper: 85}
    - {name: SEX, distribution: categorical, levels: [male, female], probabilities: [0.5, 0.5]}
    - {name: ECOG, distribution: categorical, levels: ['0', '1', '2'], probabilities: [0.3, 0.5, 0.2]}
    - {name: SCR, distribution: lognormal, median: 0.9, cv: 0.25, lower: 0.5, upper: 1.5}
    - {name: ALB, distribution: normal, mean: 40, sd: 5, lower: 30, upper: 48}
  correlation: [[WT, HT, 0.5], [WT, AGE, 0.1], [HT, AGE, -0.2], [SCR, AGE, 0.3], [ALB, WT, 0.4]]
)";

}  // namespace

TEST_CASE("covariates: marginals, truncation, copula correlations, categories", "[validation]") {
  const auto pop = make_population(kCovariateYaml, 1);
  const auto& spec = pop.spec();
  enum { WT, HT, AGE, SEX, ECOG, SCR, ALB, NCOL };
  std::vector<std::vector<double>> x(NCOL, std::vector<double>(N));
  std::vector<std::vector<double>> z(5, std::vector<double>(N));  // normal scores of WT HT AGE SCR ALB
  const int cont[5] = {WT, HT, AGE, SCR, ALB};
  double sex1 = 0, ecog[3] = {0, 0, 0};
  std::vector<double> log_wt(N), log_scr(N);
  vp::VirtualPatient p;
  double worst_roundtrip = 0.0;
  for (std::size_t i = 0; i < N; ++i) {
    pop.generate(kSeed, 1, i, p);
    for (int c = 0; c < NCOL; ++c) x[c][i] = p.covariates[c];
    for (int k = 0; k < 5; ++k) {
      // The normal score recovered from the value through the marginal's CDF
      // (what a statistician would compute), not the generator's internal one.
      z[k][i] = spec.covariates[cont[k]].marginal.normal_score(p.covariates[cont[k]]);
      worst_roundtrip = std::max(worst_roundtrip, std::abs(z[k][i] - p.copula_scores[k]));
    }
    sex1 += p.covariates[SEX];
    ecog[static_cast<int>(p.covariates[ECOG])] += 1;
    log_wt[i] = std::log(p.covariates[WT]);
    log_scr[i] = std::log(p.covariates[SCR]);
  }
  CHECK(worst_roundtrip < 1e-6);

  // WT log-normal, median 70, CV 0.2: ln WT ~ N(ln 70, ln(1 + 0.2^2)); E[WT] = 70 exp(s^2/2), sd = 0.2 E[WT].
  const double s2 = std::log1p(0.04);
  check_mean(log_wt, std::log(70.0), std::sqrt(s2), "ln WT");
  check_normal_variance(log_wt, s2, "ln WT");
  const double ewt = 70.0 * std::exp(0.5 * s2);
  check_mean(x[WT], ewt, 0.2 * ewt, "WT (CV -> sigma^2 = ln(1 + CV^2))");
  // HT normal(170, 10).
  check_mean(x[HT], 170.0, 10.0, "HT");
  check_normal_variance(x[HT], 100.0, "HT");
  // AGE uniform(18, 85): mean 51.5, variance w^2/12, mu4 = w^4/80.
  const double w = 67.0;
  check_mean(x[AGE], 51.5, w / std::sqrt(12.0), "AGE");
  {
    const double got = variance(x[AGE]), want = w * w / 12.0;
    const double se = std::sqrt((std::pow(w, 4) / 80.0 - want * want) / n);
    INFO("AGE variance " << got << " expected " << want << " SE " << se);
    CHECK(std::abs(got - want) < K * se);
  }
  // Truncation: bounds hold, and the truncated moments match the closed form.
  for (std::size_t i = 0; i < N; ++i) {
    REQUIRE(x[SCR][i] >= 0.5);
    REQUIRE(x[SCR][i] <= 1.5);
    REQUIRE(x[ALB][i] >= 30.0);
    REQUIRE(x[ALB][i] <= 48.0);
    REQUIRE(x[AGE][i] > 18.0);
    REQUIRE(x[AGE][i] < 85.0);
  }
  double m = 0, v = 0;
  truncated_normal_moments(40.0, 5.0, 30.0, 48.0, m, v);
  check_mean(x[ALB], m, std::sqrt(v), "ALB truncated to [30, 48]");
  // ln SCR is N(ln 0.9, ln 1.0625) truncated to [ln 0.5, ln 1.5].
  const double ss = std::sqrt(std::log1p(0.0625));
  truncated_normal_moments(std::log(0.9), ss, std::log(0.5), std::log(1.5), m, v);
  check_mean(log_scr, m, std::sqrt(v), "ln SCR truncated to [ln 0.5, ln 1.5]");

  // Gaussian copula: the normal scores have the requested correlations, also
  // through truncation (SCR, ALB) and a non-normal marginal (AGE).
  check_correlation(z[0], z[1], 0.5, "WT-HT");
  check_correlation(z[0], z[2], 0.1, "WT-AGE");
  check_correlation(z[1], z[2], -0.2, "HT-AGE");
  check_correlation(z[3], z[2], 0.3, "SCR-AGE");
  check_correlation(z[4], z[0], 0.4, "ALB-WT");
  check_correlation(z[3], z[1], 0.0, "SCR-HT (not given: 0)");
  // For untruncated normal / log-normal marginals it is the Pearson correlation of HT and ln WT.
  check_correlation(log_wt, x[HT], 0.5, "ln WT - HT (Pearson)");
  // Normal scores are standard normal.
  for (int k = 0; k < 5; ++k) {
    check_mean(z[k], 0.0, 1.0, "normal score");
    check_normal_variance(z[k], 1.0, "normal score");
  }

  // Categorical frequencies.
  check_proportion(sex1, n, 0.5, "SEX = female");
  check_proportion(ecog[0], n, 0.3, "ECOG 0");
  check_proportion(ecog[1], n, 0.5, "ECOG 1");
  check_proportion(ecog[2], n, 0.2, "ECOG 2");
}

TEST_CASE("etas: Omega from CV and correlation, IOV by cycle, individual parameters", "[validation]") {
  const auto pop = make_population(R"(population:
  iiv:
    parameters: [CL, V1, KA]
    cv: [0.3, 0.5, 0.2]
    correlation: [[1, 0.4, 0], [0.4, 1, -0.3], [0, -0.3, 1]]
  iov: {parameters: [CL], cv: [0.1]}
)", 3);
  const double w[3] = {std::log1p(0.09), std::log1p(0.25), std::log1p(0.04)};
  std::vector<std::vector<double>> eta(3, std::vector<double>(N)), kappa(3, std::vector<double>(N));
  std::vector<double> log_cl(N), v1(N);
  const std::vector<double> typical = {10.0, 50.0, 1.0, 0.8};
  std::vector<double> ind;
  vp::VirtualPatient p;
  for (std::size_t i = 0; i < N; ++i) {
    pop.generate(kSeed, 2, i, p);
    for (int k = 0; k < 3; ++k) eta[k][i] = p.etas[k];
    for (int c = 0; c < 3; ++c) kappa[c][i] = p.occasion_etas[static_cast<std::size_t>(c)];
    pop.individual_parameters(p, typical, 1, ind);
    log_cl[i] = std::log(ind[0] / typical[0]);
    v1[i] = ind[1] / typical[1];
    REQUIRE(ind[3] == typical[3]);  // no variability on F
  }
  for (int k = 0; k < 3; ++k) {
    check_mean(eta[k], 0.0, std::sqrt(w[k]), "eta");
    check_normal_variance(eta[k], w[k], "eta variance = ln(1 + CV^2)");
  }
  check_correlation(eta[0], eta[1], 0.4, "eta CL-V1");
  check_correlation(eta[1], eta[2], -0.3, "eta V1-KA");
  check_correlation(eta[0], eta[2], 0.0, "eta CL-KA");
  // IOV: each cycle N(0, ln 1.01), independent between cycles and of the IIV.
  for (int c = 0; c < 3; ++c) check_normal_variance(kappa[c], std::log1p(0.01), "IOV kappa");
  check_correlation(kappa[0], kappa[1], 0.0, "kappa cycle 0 - cycle 1");
  check_correlation(kappa[2], eta[0], 0.0, "kappa - eta");
  // Individual CL in cycle 1: ln(CL/TV) = eta + kappa_1, variance ln 1.09 + ln 1.01.
  check_normal_variance(log_cl, w[0] + std::log1p(0.01), "ln(CL_i / TV)");
  // Individual V1: log-normal with CV 0.5, so E[V1_i / TV] = exp(omega^2 / 2) = sqrt(1 + 0.5^2).
  const double ev = std::sqrt(1.25);
  check_mean(v1, ev, 0.5 * ev, "V1_i / TV");
}

TEST_CASE("dropout, adherence and residual error frequencies", "[validation]") {
  const auto pop = make_population(R"(population:
  adherence: {p_miss_dose: 0.1}
  dropout: {hazard_per_cycle: 0.2}
  residual_error:
    - {variable: Cc, model: proportional, proportional: 0.2}
    - {variable: ANC, model: combined, additive: 0.3, proportional: 0.1}
    - {variable: TUMOR, model: exponential, exponential: 0.15}
    - {variable: AUC, model: additive, additive: 0.5}
)", 3);
  double drop[4] = {0, 0, 0, 0};
  double missed = 0, both = 0, first = 0;
  std::vector<std::uint8_t> doses;
  std::vector<std::vector<double>> y(4, std::vector<double>(N));
  const char* vars[4] = {"Cc", "ANC", "TUMOR", "AUC"};
  vp::VirtualPatient p;
  for (std::size_t i = 0; i < N; ++i) {
    pop.generate(kSeed, 5, i, p);
    drop[p.dropout_cycle ? *p.dropout_cycle : 3] += 1;
    pop.missed_doses(kSeed, 5, i, 21, doses);
    for (auto d : doses) missed += d;
    first += doses[0];
    both += doses[0] && doses[1];
    core::RngStream rng(kSeed, 0, core::StreamKind::kResidualError, 5, i);
    for (int k = 0; k < 4; ++k) y[k][i] = vp::observe(*pop.residual_error(vars[k]), 10.0, rng);
  }
  // Dropout: P(cycle c) = 0.8^c 0.2 for c = 0, 1, 2; P(completes 3 cycles) = 0.8^3.
  check_proportion(drop[0], n, 0.2, "dropout in cycle 0");
  check_proportion(drop[1], n, 0.16, "dropout in cycle 1");
  check_proportion(drop[2], n, 0.128, "dropout in cycle 2");
  check_proportion(drop[3], n, 0.512, "no dropout");
  // Adherence: each dose missed with p = 0.1, independently of the others.
  check_proportion(missed, 21.0 * n, 0.1, "missed doses");
  check_proportion(both, first, 0.1, "dose 1 missed given dose 0 missed");
  // Residual error at f = 10.
  check_mean(y[0], 10.0, 2.0, "proportional");
  check_normal_variance(y[0], 4.0, "proportional: (0.2 f)^2");
  const double sd_comb = std::sqrt(0.09 + 0.01 * 100.0);
  check_mean(y[1], 10.0, sd_comb, "combined");
  check_normal_variance(y[1], sd_comb * sd_comb, "combined: a^2 + b^2 f^2");
  std::vector<double> log_ratio(N);
  for (std::size_t i = 0; i < N; ++i) log_ratio[i] = std::log(y[2][i] / 10.0);
  check_mean(log_ratio, 0.0, 0.15, "exponential: ln(y / f)");
  check_normal_variance(log_ratio, 0.0225, "exponential: ln(y / f)");
  check_normal_variance(y[3], 0.25, "additive");
}
