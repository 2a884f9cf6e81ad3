// [validation] CRM posterior computations against independent quadratures, and
// the simulated CRM against an exact enumeration of its trial paths.
//
// The references here share no numerics with trial_sim/designs/src/crm.cpp:
//  * composite Simpson's rule on [-30, 30] with 60,000 intervals (h = 0.001,
//    error O(h^4) times the 4th derivative: far below 1e-10 for these
//    posteriors), with p(beta) written out directly;
//  * Boost's sinh-sinh rule on the whole real line (tolerance 1e-13).
// The design integrates on a fixed trapezoidal grid; its error, measured over
// thousands of random data sets, is below 1e-10 in the posterior mean, so the
// tolerance 1e-8 (relative to max(|value|, 1)) has two orders of margin.
#include <catch2/catch.hpp>

#include <boost/math/quadrature/sinh_sinh.hpp>
#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "design_sim.hpp"
#include "twinsim/trial/designs/designs.hpp"

using twinsim::trial::CrmModel;
using twinsim::trial::crm_fit;

namespace {

const std::vector<double> kSkeleton = {0.05, 0.12, 0.25, 0.40, 0.55};

// p_d(beta), written independently of CrmModel::ptox.
double p_of(bool logistic, double s, double beta, double a = 3.0) {
  if (!logistic) return std::exp(std::exp(beta) * std::log(s));
  const double x = std::log(s) - std::log(1 - s) - a;
  return 1.0 / (1.0 + std::exp(-(a + std::exp(beta) * x)));
}

double log_post(bool logistic, double b, const std::vector<int>& n, const std::vector<int>& y, double var = 1.34) {
  double v = -0.5 * b * b / var;
  for (std::size_t d = 0; d < n.size(); ++d) {
    if (n[d] == 0) continue;
    const double p = p_of(logistic, kSkeleton[d], b);
    if (y[d] > 0) v += y[d] * std::log(p);  // -inf when p underflows: density 0
    if (n[d] > y[d]) v += (n[d] - y[d]) * std::log1p(-p);
  }
  return v;
}

double simpson(const std::function<double(double)>& f, double a, double b, int intervals) {
  const double h = (b - a) / intervals;
  double s = f(a) + f(b);
  for (int i = 1; i < intervals; ++i) s += f(a + i * h) * (i % 2 ? 4.0 : 2.0);
  return s * h / 3.0;
}

struct Reference {
  double mean_simpson, mean_sinh, p_overdose;
};

Reference reference(bool logistic, const std::vector<int>& n, const std::vector<int>& y, double target) {
  // Shift by the log posterior's maximum on a grid to keep exp() in range.
  double mx = -1e300;
  for (double b = -30; b <= 30; b += 0.01) mx = std::max(mx, log_post(logistic, b, n, y));
  auto dens = [&](double b) { return std::exp(log_post(logistic, b, n, y) - mx); };
  auto first = [&](double b) { return b * dens(b); };
  Reference r{};
  const double z = simpson(dens, -30, 30, 60000);
  r.mean_simpson = simpson(first, -30, 30, 60000) / z;
  boost::math::quadrature::sinh_sinh<double> ss;
  r.mean_sinh = ss.integrate(first, 1e-13) / ss.integrate(dens, 1e-13);
  // beta* where p_lowest = target (p_lowest decreases in beta).
  double lo = -30, hi = 30;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (p_of(logistic, kSkeleton[0], mid) > target ? lo : hi) = mid;
  }
  r.p_overdose = simpson(dens, -30, lo, 60000) / z;
  return r;
}

// dfcrm crm(): highest dose if all p <= target, lowest if all >= target, else
// the first dose minimising |p - target|.
int dfcrm_mtd(bool logistic, double beta, double target) {
  std::vector<double> p;
  for (double s : kSkeleton) p.push_back(p_of(logistic, s, beta));
  bool all_le = true, all_ge = true;
  for (double v : p) {
    all_le = all_le && v <= target;
    all_ge = all_ge && v >= target;
  }
  if (all_le) return static_cast<int>(p.size()) - 1;
  if (all_ge) return 0;
  std::size_t best = 0;
  for (std::size_t d = 1; d < p.size(); ++d)
    if (std::abs(p[d] - target) < std::abs(p[best] - target)) best = d;
  return static_cast<int>(best);
}

struct DataSet {
  std::vector<int> n, y;
};

const std::vector<DataSet> kData = {
    {{3, 0, 0, 0, 0}, {0, 0, 0, 0, 0}},    // one clean cohort
    {{3, 0, 0, 0, 0}, {1, 0, 0, 0, 0}},    // one DLT at the lowest dose
    {{3, 0, 0, 0, 0}, {3, 0, 0, 0, 0}},    // all toxic at the lowest dose
    {{3, 3, 3, 0, 0}, {0, 1, 2, 0, 0}},    // a typical escalation
    {{3, 6, 9, 6, 0}, {0, 1, 2, 3, 0}},    // 24 patients
    {{3, 3, 12, 9, 3}, {0, 0, 3, 4, 2}},   // 30 patients
    {{3, 3, 3, 3, 18}, {0, 0, 0, 0, 0}},   // nothing toxic: beta large
    {{1, 0, 0, 0, 0}, {1, 0, 0, 0, 0}},    // a single DLT
    {{0, 0, 30, 0, 0}, {0, 0, 7, 0, 0}},   // the narrowest posterior 30 patients can give
    {{0, 0, 0, 30, 0}, {0, 0, 0, 6, 0}},
};

}  // namespace

TEST_CASE("CRM posterior mean, recommended dose and overdose probability vs independent quadrature",
          "[validation][crm]") {
  const double target = 0.25;
  for (bool logistic : {false, true}) {
    CrmModel m;
    m.skeleton = kSkeleton;
    m.logistic = logistic;
    for (const auto& ds : kData) {
      const auto fit = crm_fit(m, target, 30, ds.n, ds.y);
      const auto ref = reference(logistic, ds.n, ds.y, target);
      INFO((logistic ? "logistic" : "empiric") << " n " << ds.n[0] << "," << ds.n[1] << "," << ds.n[2] << ","
                                               << ds.n[3] << "," << ds.n[4] << " y " << ds.y[0] << "," << ds.y[1]
                                               << "," << ds.y[2] << "," << ds.y[3] << "," << ds.y[4]
                                               << ": design " << fit.beta_mean << ", Simpson " << ref.mean_simpson
                                               << ", sinh-sinh " << ref.mean_sinh);
      // The two references agree with each other to ~1e-12.
      CHECK(std::abs(ref.mean_simpson - ref.mean_sinh) < 1e-10 * std::max(1.0, std::abs(ref.mean_sinh)));
      CHECK(std::abs(fit.beta_mean - ref.mean_simpson) < 1e-8 * std::max(1.0, std::abs(ref.mean_simpson)));
      CHECK(fit.recommended == dfcrm_mtd(logistic, ref.mean_simpson, target));
      for (std::size_t d = 0; d < kSkeleton.size(); ++d)
        CHECK(fit.ptox[d] == Approx(p_of(logistic, kSkeleton[d], ref.mean_simpson)).epsilon(1e-7).margin(1e-12));
      INFO("P(overdose): design " << fit.p_overdose << ", Simpson " << ref.p_overdose);
      CHECK(std::abs(fit.p_overdose - ref.p_overdose) < 1e-8);
    }
  }
}

TEST_CASE("CRM posterior mean with a larger prior variance and a long trial", "[validation][crm]") {
  // The grid is sized from max_patients; check a 100-patient data set and
  // prior variance 4 (beta spread wider than dfcrm's default).
  CrmModel m;
  m.skeleton = kSkeleton;
  m.prior_var = 4.0;
  const std::vector<int> n = {3, 6, 40, 45, 6}, y = {0, 0, 9, 14, 4};
  const auto fit = crm_fit(m, 0.25, 100, n, y);
  double mx = -1e300;
  for (double b = -30; b <= 30; b += 0.01) mx = std::max(mx, log_post(false, b, n, y, 4.0));
  auto dens = [&](double b) { return std::exp(log_post(false, b, n, y, 4.0) - mx); };
  const double want = simpson([&](double b) { return b * dens(b); }, -30, 30, 60000) / simpson(dens, -30, 30, 60000);
  CHECK(std::abs(fit.beta_mean - want) < 1e-8);
}

// ---------------------------------------------------------------------------
// Exact operating characteristics of dfcrm's crmsim() rule (one-stage, Bayesian,
// restrict = TRUE, cohorts of 3, 18 patients), enumerating all 4^6 outcome paths
// with the Simpson posterior above; the simulator must agree within 4 SE.

namespace {

class CrmTree {
 public:
  CrmTree(std::vector<double> p, bool logistic, double target, int cohorts)
      : p_(std::move(p)), logistic_(logistic), t_(target), cohorts_(cohorts), out_(p_.size(), 0.0) {}

  std::vector<double> run() {
    step(0, std::vector<int>(p_.size(), 0), std::vector<int>(p_.size(), 0), 0, 1.0);
    return out_;
  }

 private:
  double post_mean(const std::vector<int>& n, const std::vector<int>& y) {
    std::vector<int> key = n;
    key.insert(key.end(), y.begin(), y.end());
    const auto hit = cache_.find(key);
    if (hit != cache_.end()) return hit->second;
    double mx = -1e300;
    for (double b = -20; b <= 20; b += 0.05) mx = std::max(mx, log_post(logistic_, b, n, y));
    auto dens = [&](double b) { return std::exp(log_post(logistic_, b, n, y) - mx); };
    const double m = simpson([&](double b) { return b * dens(b); }, -20, 20, 8000) / simpson(dens, -20, 20, 8000);
    cache_.emplace(key, m);
    return m;
  }

  void step(int dose, const std::vector<int>& n, const std::vector<int>& y, int done, double prob) {
    const auto d = static_cast<std::size_t>(dose);
    for (int k = 0; k <= 3; ++k) {
      double c = 1;
      for (int i = 1; i <= k; ++i) c = c * (3 - k + i) / i;
      const double q = prob * c * std::pow(p_[d], k) * std::pow(1 - p_[d], 3 - k);
      auto n2 = n, y2 = y;
      n2[d] += 3;
      y2[d] += k;
      const int mtd = dfcrm_mtd(logistic_, post_mean(n2, y2), t_);
      if (done + 1 == cohorts_) {
        out_[static_cast<std::size_t>(mtd)] += q;
        continue;
      }
      const int next = k / 3.0 >= t_ ? std::min(mtd, dose) : std::min(mtd, dose + 1);
      step(next, n2, y2, done + 1, q);
    }
  }

  std::vector<double> p_;
  bool logistic_;
  double t_;
  int cohorts_;
  std::vector<double> out_;
  std::map<std::vector<int>, double> cache_;
};

}  // namespace

TEST_CASE("CRM simulation matches its exact enumeration (dfcrm crmsim rule)", "[validation][crm]") {
  const std::int64_t R = 20000;
  std::uint64_t seed = 300;
  struct Case {
    bool logistic;
    std::vector<double> p;
  };
  for (const auto& c : std::vector<Case>{{false, {0.05, 0.10, 0.20, 0.30, 0.50}},
                                         {false, {0.25, 0.40, 0.50, 0.60, 0.70}},
                                         {true, {0.02, 0.06, 0.12, 0.25, 0.40}}}) {
    const auto ex = CrmTree(c.p, c.logistic, 0.25, 6).run();
    const std::string design = std::string("type: crm, target: 0.25, max_patients: 18, model: ") +
                               (c.logistic ? "logistic" : "empiric") + ", skeleton: [0.05, 0.12, 0.25, 0.40, 0.55]";
    const auto sim = twinsim::test::simulate_design(design, c.p, R, ++seed);
    CHECK(sim.p_none == 0.0);
    for (std::size_t d = 0; d < c.p.size(); ++d) {
      const double se = twinsim::test::se_proportion(ex[d], static_cast<double>(R));
      INFO((c.logistic ? "logistic" : "empiric") << " p[0] " << c.p[0] << " dose " << d << ": exact " << ex[d]
                                                 << ", simulated " << sim.p_select[d] << ", SE " << se);
      CHECK(std::abs(sim.p_select[d] - ex[d]) < 4 * se + 1e-12);
    }
    CHECK(sim.mean_n == 18.0);
  }
}
