// [validation] mTPI-2 and i3+3 against a published decision table and exact
// enumeration.
//
// Sources:
//  [G17]  Guo W, Wang S-J, Yang S, Lynn H, Ji Y (2017). A Bayesian interval
//         dose-finding design addressing Ockham's razor: mTPI-2. Contemp Clin
//         Trials 58:23-33, Figure 3: decisions for target 0.30, EI (0.25, 0.35),
//         n = 3, 6, 9, 10 patients at the current dose (E, S, D, DU = de-escalate
//         and exclude the dose). As transcribed in the escalation R package
//         (K. Brock), tests/testthat/test-mtpi2_selector.R, "mtpi2_selector
//         matches published example" (the paper itself could not be retrieved
//         with the search tool).
//  i3+3:  no printed decision table of Liu, Wang & Ji (2020) could be retrieved,
//         so i3+3 is checked by exact enumeration only (below), as the brief allows.
//
// Exact enumeration: the tree of binomial cohort outcomes is walked here from
// the rules as the papers state them, sharing no code with
// trial_sim/designs/src/: posterior beta tails from binomial sums (no Boost), a
// different pool-adjacent-violators loop, decisions memoised per (y, n). The
// simulator (DesignRunner + TruthPatientModel, 20,000 trials, fixed seed) must
// agree within 4 Monte-Carlo standard errors, computed from the exact values.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "design_sim.hpp"
#include "twinsim/trial/designs/designs.hpp"

using twinsim::trial::IntervalAction;

namespace {

// P(X >= k) for X ~ Bin(n, p), by direct summation.
double binom_upper(int k, int n, double p) {
  double sum = 0.0;
  for (int i = std::max(k, 0); i <= n; ++i) {
    double c = 1.0;
    for (int j = 1; j <= i; ++j) c = c * (n - i + j) / j;
    sum += c * std::pow(p, i) * std::pow(1.0 - p, n - i);
  }
  return sum;
}

// CDF of beta(1 + y, 1 + n - y) at x: P(Bin(n + 1, x) >= y + 1).
double beta_cdf(int y, int n, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  return binom_upper(y + 1, n + 1, x);
}

char mtpi2_letter(double t, double e1, double e2, int y, int n) {
  // Sub-intervals of length e1 + e2: below the EI down to 0, above up to 1
  // (shorter end pieces kept). Largest unit probability mass decides.
  const double w = e1 + e2;
  auto upm = [&](double lo, double hi) { return (beta_cdf(y, n, hi) - beta_cdf(y, n, lo)) / (hi - lo); };
  double under = 0.0, over = 0.0;
  for (double hi = t - e1; hi > 1e-9; hi -= w) under = std::max(under, upm(std::max(hi - w, 0.0), hi));
  for (double lo = t + e2; lo < 1.0 - 1e-9; lo += w) over = std::max(over, upm(lo, std::min(lo + w, 1.0)));
  const double stay = upm(t - e1, t + e2);
  if (under >= stay && under >= over) return 'E';
  return stay >= over ? 'S' : 'D';
}

char i3p3_letter(double t, double e1, double e2, int y, int n) {
  // Integer arithmetic for the EI comparisons: r = y/n against t -+ e, all
  // scaled by 1e6 (targets and margins here have at most 6 decimals).
  const long lo = std::lround((t - e1) * 1e6), hi = std::lround((t + e2) * 1e6);
  const long r = 1000000L * y, r1 = 1000000L * (y - 1);
  if (r < lo * n) return 'E';
  if (r <= hi * n) return 'S';
  return r1 < lo * n ? 'S' : 'D';
}

bool excluded(double t, int y, int n) { return n >= 3 && 1.0 - beta_cdf(y, n, t) > 0.95; }

struct Exact {
  std::vector<double> p_select;
  double p_none = 0.0;
  double mean_n = 0.0, mean_n2 = 0.0;
  double total = 0.0;
};

// The interval-design flow of both papers (cohorts of 3, start at the lowest
// dose, max_patients, exclusion with n >= 3, isotonic MTD).
class IntervalTree {
 public:
  IntervalTree(std::vector<double> p, double target, int max_n, std::function<char(int, int)> letter)
      : p_(std::move(p)), t_(target), max_n_(max_n), letter_(std::move(letter)), doses_(static_cast<int>(p_.size())) {
    out_.p_select.assign(p_.size(), 0.0);
  }

  Exact run() {
    std::vector<int> zero(p_.size(), 0);
    cohort(0, zero, zero, doses_, 1.0);
    return out_;
  }

 private:
  char decide(int y, int n) {
    const auto key = std::make_pair(y, n);
    auto it = memo_.find(key);
    if (it != memo_.end()) return it->second;
    return memo_[key] = letter_(y, n);
  }

  static double binom_pmf(int k, int n, double p) {
    double c = 1.0;
    for (int j = 1; j <= k; ++j) c = c * (n - k + j) / j;
    return c * std::pow(p, k) * std::pow(1.0 - p, n - k);
  }

  void leaf(const std::vector<int>& n, const std::vector<int>& y, int elim, bool toxic, double prob) {
    int total = 0;
    for (int v : n) total += v;
    const int sel = toxic ? -1 : mtd(n, y, elim);
    if (sel < 0) out_.p_none += prob;
    else out_.p_select[static_cast<std::size_t>(sel)] += prob;
    out_.mean_n += prob * total;
    out_.mean_n2 += prob * total * total;
    out_.total += prob;
  }

  // Treat 3 (or what is left) at dose d.
  void cohort(int d, const std::vector<int>& n, const std::vector<int>& y, int elim, double prob) {
    int total = 0;
    for (int v : n) total += v;
    const int m = std::min(3, max_n_ - total);
    const auto ud = static_cast<std::size_t>(d);
    for (int k = 0; k <= m; ++k) {
      auto n2 = n, y2 = y;
      n2[ud] += m;
      y2[ud] += k;
      const double q = prob * binom_pmf(k, m, p_[ud]);
      int elim2 = elim;
      if (excluded(t_, y2[ud], n2[ud])) {
        elim2 = std::min(elim2, d);
        if (d == 0) {
          leaf(n2, y2, elim2, true, q);
          continue;
        }
      }
      if (total + m >= max_n_) {
        leaf(n2, y2, elim2, false, q);
        continue;
      }
      const char a = decide(y2[ud], n2[ud]);
      int next = d;
      if (a == 'E' && d + 1 < doses_ && d + 1 < elim2) next = d + 1;
      if (a == 'D' && d > 0) next = d - 1;
      if (next >= elim2) next = elim2 - 1;
      cohort(next, n2, y2, elim2, q);
    }
  }

  // Isotonic beta(1,1) posterior means (weights 1/variance) over treated doses
  // below `elim`; closest to the target; ties: highest if their mean is below
  // the target, else lowest.
  int mtd(const std::vector<int>& n, const std::vector<int>& y, int elim) const {
    std::vector<int> idx;
    std::vector<double> v, w;
    for (int i = 0; i < elim; ++i) {
      const auto ui = static_cast<std::size_t>(i);
      if (n[ui] == 0) continue;
      const double a = 1.0 + y[ui], b = 1.0 + n[ui] - y[ui];
      idx.push_back(i);
      v.push_back(a / (a + b));
      w.push_back(1.0 / (a * b / ((a + b) * (a + b) * (a + b + 1.0))));
    }
    if (idx.empty()) return -1;
    // Pool the first adjacent violation until none is left (level sets by label).
    std::vector<std::size_t> level(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) level[i] = i;
    for (;;) {
      std::size_t i = 0;
      while (i + 1 < v.size() && !(v[i] > v[i + 1] + 1e-15)) ++i;
      if (i + 1 >= v.size()) break;
      const std::size_t l1 = level[i], l2 = level[i + 1];
      double sv = 0.0, sw = 0.0;
      for (std::size_t j = 0; j < v.size(); ++j)
        if (level[j] == l1 || level[j] == l2) sv += v[j] * w[j], sw += w[j];
      for (std::size_t j = 0; j < v.size(); ++j)
        if (level[j] == l1 || level[j] == l2) v[j] = sv / sw, level[j] = l1;
    }
    double best = 1e300;
    for (double e : v) best = std::min(best, std::abs(e - t_));
    std::vector<std::size_t> tied;
    double mean = 0.0;
    for (std::size_t j = 0; j < v.size(); ++j)
      if (std::abs(v[j] - t_) <= best + 1e-9) tied.push_back(j), mean += v[j];
    mean /= static_cast<double>(tied.size());
    if (tied.size() == 1) return idx[tied[0]];
    return mean < t_ ? idx[tied.back()] : idx[tied.front()];
  }

  std::vector<double> p_;
  double t_;
  int max_n_;
  std::function<char(int, int)> letter_;
  int doses_;
  std::map<std::pair<int, int>, char> memo_;
  Exact out_;
};

void check_against_exact(const std::string& design, const std::vector<double>& p, double target,
                         const std::function<char(int, int)>& letter, std::uint64_t seed) {
  const Exact ex = IntervalTree(p, target, 30, letter).run();
  REQUIRE(ex.total == Approx(1.0).margin(1e-9));
  const std::int64_t trials = 20000;
  const auto oc = twinsim::test::simulate_design(design, p, trials, seed);
  const double r = static_cast<double>(trials);
  for (std::size_t d = 0; d < p.size(); ++d) {
    const double se = std::max(twinsim::test::se_proportion(ex.p_select[d], r), 1.0 / r);
    INFO(design << " dose " << d << ": exact " << ex.p_select[d] << ", simulated " << oc.p_select[d] << ", SE " << se);
    CHECK(std::abs(oc.p_select[d] - ex.p_select[d]) <= 4.0 * se);
  }
  const double se_none = std::max(twinsim::test::se_proportion(ex.p_none, r), 1.0 / r);
  INFO("no MTD: exact " << ex.p_none << ", simulated " << oc.p_none);
  CHECK(std::abs(oc.p_none - ex.p_none) <= 4.0 * se_none);
  const double sd_n = std::sqrt(std::max(0.0, ex.mean_n2 - ex.mean_n * ex.mean_n));
  INFO("mean N: exact " << ex.mean_n << ", simulated " << oc.mean_n);
  CHECK(std::abs(oc.mean_n - ex.mean_n) <= 4.0 * std::max(sd_n, 1.0) / std::sqrt(r));
}

}  // namespace

TEST_CASE("mTPI-2 decisions match Guo et al. (2017) Figure 3 (target 0.30)", "[validation][mtpi2]") {
  // Rows: n; letters for y = 0..n. "U" = the dose is excluded (DU in the paper:
  // de-escalate and never return), which the design applies through its
  // exclusion rule on top of the D of the UPM rule.
  const std::vector<std::pair<int, std::string>> figure3 = {
      {3, "ESDU"},
      {6, "EESDUUU"},
      {9, "EEESDUUUUU"},
      {10, "EEESDDUUUUU"},
  };
  for (const auto& [n, row] : figure3) {
    for (int y = 0; y <= n; ++y) {
      const char want = row[static_cast<std::size_t>(y)];
      const IntervalAction a = twinsim::trial::mtpi2_action(0.3, 0.05, 0.05, y, n);
      const bool excl = twinsim::trial::interval_prob_above(0.3, y, n) > 0.95;
      INFO("n " << n << ", y " << y << ": want " << want);
      if (want == 'U') {
        CHECK(excl);
        CHECK(a == IntervalAction::deescalate);
      } else {
        CHECK_FALSE(excl);
        CHECK(a == (want == 'E' ? IntervalAction::escalate
                                : want == 'S' ? IntervalAction::stay : IntervalAction::deescalate));
      }
      // The independent UPM computation of this file agrees too.
      CHECK(mtpi2_letter(0.3, 0.05, 0.05, y, n) == (want == 'U' ? 'D' : want));
    }
  }
}

TEST_CASE("mTPI-2 and i3+3 actions agree with independent computations for n <= 30", "[validation][mtpi2][i3+3]") {
  for (double t : {0.2, 0.25, 0.3, 0.33}) {
    for (int n = 1; n <= 30; ++n) {
      for (int y = 0; y <= n; ++y) {
        INFO("target " << t << ", n " << n << ", y " << y);
        const char m = mtpi2_letter(t, 0.05, 0.05, y, n);
        const IntervalAction a = twinsim::trial::mtpi2_action(t, 0.05, 0.05, y, n);
        CHECK(a == (m == 'E' ? IntervalAction::escalate : m == 'S' ? IntervalAction::stay : IntervalAction::deescalate));
        const char i = i3p3_letter(t, 0.05, 0.05, y, n);
        const IntervalAction b = twinsim::trial::i3p3_action(t, 0.05, 0.05, y, n);
        CHECK(b == (i == 'E' ? IntervalAction::escalate : i == 'S' ? IntervalAction::stay : IntervalAction::deescalate));
      }
    }
  }
}

TEST_CASE("mTPI-2 operating characteristics match exact enumeration", "[validation][mtpi2]") {
  auto letter = [](int y, int n) { return mtpi2_letter(0.3, 0.05, 0.05, y, n); };
  // Guo et al. (2017) scenario 2 (6 doses, MTD = dose 5) and the DESIGN.md truth.
  check_against_exact("type: mtpi2, target: 0.3", {0.04, 0.06, 0.08, 0.10, 0.30, 0.60}, 0.3, letter, 11);
  check_against_exact("type: mtpi2, target: 0.3", {0.05, 0.10, 0.20, 0.30, 0.50}, 0.3, letter, 12);
}

TEST_CASE("i3+3 operating characteristics match exact enumeration", "[validation][i3+3]") {
  auto letter = [](int y, int n) { return i3p3_letter(0.3, 0.05, 0.05, y, n); };
  check_against_exact("type: i3+3, target: 0.3", {0.04, 0.06, 0.08, 0.10, 0.30, 0.60}, 0.3, letter, 13);
  // Guo et al. scenario 5 (every dose above the target: mostly no MTD).
  check_against_exact("type: i3+3, target: 0.3", {0.35, 0.45, 0.50, 0.60, 0.70, 0.80}, 0.3, letter, 14);
}
