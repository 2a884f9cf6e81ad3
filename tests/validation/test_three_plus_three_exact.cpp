// [validation] The 3+3 design against exact enumeration.
//
// The exact operating characteristics are computed here by walking the tree of
// binomial cohort outcomes, written directly from the rule in DESIGN.md and
// sharing no code with trial_sim/designs/src/three_plus_three.cpp:
//   cohorts of 3 from the lowest dose; 0/3 escalate (at the highest dose: 3
//   more); 1/3 three more; <=1/6 escalate (at the highest dose: MTD); >=2 DLTs
//   at a dose: the next lower dose is the MTD candidate, filled to 6 if it has
//   3, MTD if <=1/6, else step down again; none below the lowest dose.
// The simulator (DesignRunner + TruthPatientModel, 20,000 trials, fixed seed)
// must agree within 4 Monte-Carlo standard errors, with the SE computed from
// the exact values: sqrt(p(1-p)/R) for probabilities, sd/sqrt(R) for sizes.
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>
#include <vector>

#include "design_sim.hpp"
#include "test_support.hpp"

namespace {

struct Exact {
  std::vector<double> p_select;
  double p_none = 0.0;
  std::vector<double> mean_patients;
  double mean_n = 0.0;
  double mean_n2 = 0.0;
  double total_probability = 0.0;
};

class ThreePlusThreeTree {
 public:
  explicit ThreePlusThreeTree(std::vector<double> p) : p_(std::move(p)), top_(static_cast<int>(p_.size()) - 1) {
    out_.p_select.assign(p_.size(), 0.0);
    out_.mean_patients.assign(p_.size(), 0.0);
  }

  Exact run() {
    const std::vector<int> zero(p_.size(), 0);
    first_three(0, zero, zero, 1.0);
    return out_;
  }

 private:
  static double binom(int k, int n, double p) {
    double c = 1.0;
    for (int i = 1; i <= k; ++i) c = c * (n - k + i) / i;
    return c * std::pow(p, k) * std::pow(1.0 - p, n - k);
  }

  // The first 3 patients at dose d.
  void first_three(int d, const std::vector<int>& n, const std::vector<int>& y, double prob) {
    for (int k = 0; k <= 3; ++k) {
      auto n2 = n, y2 = y;
      n2[d] = 3;
      y2[d] = k;
      const double q = prob * binom(k, 3, p_[d]);
      if (k == 0 && d < top_) first_three(d + 1, n2, y2, q);
      else if (k <= 1) second_three(d, n2, y2, q);  // 1/3, or 0/3 at the highest dose
      else step_down(d - 1, n2, y2, q);
    }
  }

  // 3 more at dose d (while escalating).
  void second_three(int d, const std::vector<int>& n, const std::vector<int>& y, double prob) {
    for (int k = 0; k <= 3; ++k) {
      auto n2 = n, y2 = y;
      n2[d] = 6;
      y2[d] += k;
      const double q = prob * binom(k, 3, p_[d]);
      if (y2[d] >= 2) step_down(d - 1, n2, y2, q);
      else if (d == top_) finish(d, n2, q);
      else first_three(d + 1, n2, y2, q);
    }
  }

  // The dose above c was too toxic: c is the MTD candidate.
  void step_down(int c, const std::vector<int>& n, const std::vector<int>& y, double prob) {
    if (c < 0) return finish(-1, n, prob);
    if (n[c] == 6) return finish(c, n, prob);
    for (int k = 0; k <= 3; ++k) {
      auto n2 = n, y2 = y;
      n2[c] = 6;
      y2[c] += k;
      const double q = prob * binom(k, 3, p_[c]);
      if (y2[c] <= 1) finish(c, n2, q);
      else step_down(c - 1, n2, y2, q);
    }
  }

  void finish(int mtd, const std::vector<int>& n, double prob) {
    if (mtd < 0) out_.p_none += prob;
    else out_.p_select[mtd] += prob;
    double total = 0.0;
    for (std::size_t i = 0; i < n.size(); ++i) {
      out_.mean_patients[i] += prob * n[i];
      total += n[i];
    }
    out_.mean_n += prob * total;
    out_.mean_n2 += prob * total * total;
    out_.total_probability += prob;
  }

  std::vector<double> p_;
  int top_;
  Exact out_;
};

void compare(const std::vector<double>& p_true, std::uint64_t seed) {
  const Exact ex = ThreePlusThreeTree(p_true).run();
  REQUIRE(ex.total_probability == Approx(1.0).epsilon(1e-12));
  const std::int64_t R = 20000;
  const auto sim = twinsim::test::simulate_design("type: three_plus_three", p_true, R, seed);
  const double r = static_cast<double>(R);
  for (std::size_t d = 0; d < p_true.size(); ++d) {
    const double se = twinsim::test::se_proportion(ex.p_select[d], r);
    INFO("dose " << d << ": exact P(select) " << ex.p_select[d] << ", simulated " << sim.p_select[d] << ", SE " << se);
    CHECK(std::abs(sim.p_select[d] - ex.p_select[d]) < 4 * se + 1e-12);
  }
  const double se_none = twinsim::test::se_proportion(ex.p_none, r);
  INFO("exact P(no MTD) " << ex.p_none << ", simulated " << sim.p_none << ", SE " << se_none);
  CHECK(std::abs(sim.p_none - ex.p_none) < 4 * se_none + 1e-12);
  const double sd_n = std::sqrt(ex.mean_n2 - ex.mean_n * ex.mean_n);
  const double se_n = sd_n / std::sqrt(r);
  INFO("exact E[N] " << ex.mean_n << " (sd " << sd_n << "), simulated " << sim.mean_n << ", SE " << se_n);
  CHECK(std::abs(sim.mean_n - ex.mean_n) < 4 * se_n);
  // The simulated spread of N must match too (a loose check: within 5%).
  CHECK(sim.sd_n == Approx(sd_n).epsilon(0.05));
}

}  // namespace

TEST_CASE("3+3 selection probabilities and sample size match exact enumeration", "[validation][3+3]") {
  SECTION("DESIGN.md example curve, MTD around dose 3-4") { compare({0.05, 0.10, 0.20, 0.30, 0.50}, 11); }
  SECTION("steeper curve, MTD around dose 2") { compare({0.10, 0.25, 0.40, 0.55, 0.70}, 12); }
  SECTION("every dose too toxic: mostly no MTD") { compare({0.45, 0.55, 0.65, 0.75, 0.85}, 13); }
  SECTION("every dose safe: the highest dose expands to 6") { compare({0.01, 0.02, 0.03, 0.04, 0.05}, 14); }
}

TEST_CASE("3+3 exact enumeration reproduces hand-computed values", "[validation][3+3]") {
  // One dose with DLT probability p: MTD iff the first 3 have 0 or 1 DLT and
  // the 6 have <= 1 in total: P = (1-p)^6 + 6 p (1-p)^5.
  const double p = 0.2;
  const Exact ex = ThreePlusThreeTree({p}).run();
  CHECK(ex.p_select[0] == Approx(std::pow(1 - p, 6) + 6 * p * std::pow(1 - p, 5)).epsilon(1e-14));
  // N = 3 when the first cohort has >= 2 DLTs, else 6.
  const double p_stop3 = 3 * p * p * (1 - p) + p * p * p;
  CHECK(ex.mean_n == Approx(3 * p_stop3 + 6 * (1 - p_stop3)).epsilon(1e-14));
}

namespace {

// PCS and P(acceptable dose) of a 3+3 run by `twinsim run`, scored by `twinsim report --target`.
struct Scored {
  double pcs = -1, p_acceptable = -1;
};

Scored run_and_score(const std::vector<double>& p_true, double target, std::int64_t R, std::uint64_t seed) {
  twinsim::test::TempDir dir("3p3-pcs");
  const std::string yaml = dir.file("s.yaml"), out = dir.file("s.h5");
  twinsim::test::write_file(yaml, twinsim::test::design_scenario("type: three_plus_three", p_true, seed) +
                                      "replicates: " + std::to_string(R) + "\n");
  const auto run = twinsim::test::run_cli("run " + twinsim::test::quote(yaml) + " -o " + twinsim::test::quote(out) +
                                          " --quiet");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  const auto rep = twinsim::test::run_cli("report " + twinsim::test::quote(out) + " --format csv --target " +
                                          twinsim::core::format_number(target));
  INFO(rep.output);
  REQUIRE(rep.exit_code == 0);
  Scored s;
  std::stringstream lines(rep.output);
  std::string line;
  while (std::getline(lines, line)) {  // design,type,target,metric,dose_index,dose,true_dlt_probability,value,se
    std::vector<std::string> f;
    std::stringstream fields(line);
    std::string x;
    while (std::getline(fields, x, ',')) f.push_back(x);
    if (f.size() < 8) continue;
    if (f[3] == "pcs") s.pcs = std::stod(f[7]);
    if (f[3] == "p_acceptable") s.p_acceptable = std::stod(f[7]);
  }
  return s;
}

// correct: the right answer worked out by hand from the curve (-1: select no
// dose); acceptable: the doses within target ± 0.05.
void check_scoring(const std::vector<double>& p_true, double target, int correct, const std::vector<int>& acceptable,
                   std::uint64_t seed) {
  const Exact ex = ThreePlusThreeTree(p_true).run();
  const double exact_pcs = correct < 0 ? ex.p_none : ex.p_select[static_cast<std::size_t>(correct)];
  double exact_acc = 0.0;
  for (int d : acceptable) exact_acc += ex.p_select[static_cast<std::size_t>(d)];
  const std::int64_t R = 20000;
  const Scored s = run_and_score(p_true, target, R, seed);
  const double se_pcs = twinsim::test::se_proportion(exact_pcs, static_cast<double>(R));
  const double se_acc = twinsim::test::se_proportion(exact_acc, static_cast<double>(R));
  INFO("exact PCS " << exact_pcs << ", simulated " << s.pcs << ", SE " << se_pcs);
  CHECK(std::abs(s.pcs - exact_pcs) < 4 * se_pcs + 1e-12);
  INFO("exact P(acceptable) " << exact_acc << ", simulated " << s.p_acceptable << ", SE " << se_acc);
  CHECK(std::abs(s.p_acceptable - exact_acc) < 4 * se_acc + 1e-12);
}

}  // namespace

TEST_CASE("3+3 PCS and acceptable-dose rate under the scoring rule match exact enumeration", "[validation][3+3]") {
  // Target 0.30: the dose at 0.30 is correct and the only one within 0.25-0.35.
  SECTION("MTD at dose 4") { check_scoring({0.05, 0.10, 0.20, 0.30, 0.50}, 0.30, 3, {3}, 21); }
  // Target 0.25: 0.25 is correct and acceptable.
  SECTION("MTD at dose 2") { check_scoring({0.10, 0.25, 0.40, 0.55, 0.70}, 0.25, 1, {1}, 22); }
  // Every dose above 1.4 x 0.25 = 0.35: selecting no dose is correct (PCS = the exact P(no MTD)),
  // and no dose is acceptable. The old rule counted the 0.45 dose as correct.
  SECTION("every dose too toxic") { check_scoring({0.45, 0.55, 0.65, 0.75, 0.85}, 0.25, -1, {}, 23); }
  // 0.36 is closest to 0.25 (0.11 vs 0.13) but above the overdose limit 0.35: 0.12 is correct.
  SECTION("closest dose is an overdose") { check_scoring({0.05, 0.12, 0.36, 0.50, 0.60}, 0.25, 1, {}, 24); }
  // Every dose below the target: the highest (closest) is correct; none is within 0.20-0.30.
  SECTION("every dose safe") { check_scoring({0.01, 0.02, 0.03, 0.04, 0.05}, 0.25, 4, {}, 25); }
}
