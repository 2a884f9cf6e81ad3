// [validation] Exact operating characteristics (exact_outcomes, run --exact).
//
//  - 3+3: against an exact recursion written here from the rule in DESIGN.md
//    (no code shared with the design or with the enumerator), to 1e-12.
//  - BOIN, CRM, mTPI-2, i3+3, 3+3: against a brute-force walk of every path
//    written here (each path replayed into a fresh run, nothing merged), to
//    1e-12; the enumerator merges paths with equal counts, which this checks.
//  - All five: against simulation through the real runner, within 4 Monte-
//    Carlo SEs computed from the exact values (sqrt(p(1-p)/R), sd(N)/sqrt(R)).
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "design_sim.hpp"
#include "twinsim/trial/designs/path_tree.hpp"

namespace {

using twinsim::trial::Design;

struct Oc {
  std::vector<double> p_select, mean_patients;
  double p_none = 0.0, mean_n = 0.0, mean_n2 = 0.0, total = 0.0;
  explicit Oc(std::size_t D) : p_select(D, 0.0), mean_patients(D, 0.0) {}
  void add(double w, int selected, const std::vector<int>& n) {
    (selected < 0 ? p_none : p_select[static_cast<std::size_t>(selected)]) += w;
    double N = 0;
    for (std::size_t d = 0; d < n.size(); ++d) {
      mean_patients[d] += w * n[d];
      N += n[d];
    }
    mean_n += w * N;
    mean_n2 += w * N * N;
    total += w;
  }
};

Oc from_tree(const twinsim::trial::ExactTree& t, std::size_t D) {
  Oc oc(D);
  for (const auto& o : t.outcomes) oc.add(o.probability, o.selected, o.n);
  return oc;
}

double binom(int k, int n, double p) {
  double c = 1.0;
  for (int i = 1; i <= k; ++i) c = c * (n - k + i) / i;
  return c * std::pow(p, k) * std::pow(1.0 - p, n - k);
}

// The 3+3 rule of DESIGN.md from the lowest dose, as a recursion.
class ThreePlusThree {
 public:
  explicit ThreePlusThree(std::vector<double> p) : p_(std::move(p)), top_(static_cast<int>(p_.size()) - 1), oc_(p_.size()) {}
  Oc run() {
    escalate(0, std::vector<int>(p_.size(), 0), std::vector<int>(p_.size(), 0), 1.0);
    return oc_;
  }

 private:
  // Three more at d (n, y: patients and DLTs so far); f(n2, y2, prob) goes on.
  template <class F>
  void three(int d, std::vector<int> n, std::vector<int> y, double w, F f) {
    for (int k = 0; k <= 3; ++k) {
      auto n2 = n, y2 = y;
      n2[static_cast<std::size_t>(d)] += 3;
      y2[static_cast<std::size_t>(d)] += k;
      f(n2, y2, w * binom(k, 3, p_[static_cast<std::size_t>(d)]));
    }
  }
  void escalate(int d, const std::vector<int>& n, const std::vector<int>& y, double w) {
    three(d, n, y, w, [&](const std::vector<int>& n1, const std::vector<int>& y1, double w1) {
      const int k = y1[static_cast<std::size_t>(d)];
      if (k >= 2) return step_down(d - 1, n1, y1, w1);
      if (k == 0 && d < top_) return escalate(d + 1, n1, y1, w1);
      three(d, n1, y1, w1, [&](const std::vector<int>& n2, const std::vector<int>& y2, double w2) {
        if (y2[static_cast<std::size_t>(d)] >= 2) return step_down(d - 1, n2, y2, w2);
        if (d < top_) return escalate(d + 1, n2, y2, w2);
        oc_.add(w2, d, n2);
      });
    });
  }
  void step_down(int c, const std::vector<int>& n, const std::vector<int>& y, double w) {
    if (c < 0) return oc_.add(w, -1, n);
    if (n[static_cast<std::size_t>(c)] >= 6) return oc_.add(w, c, n);
    three(c, n, y, w, [&](const std::vector<int>& n2, const std::vector<int>& y2, double w2) {
      if (y2[static_cast<std::size_t>(c)] >= 2) return step_down(c - 1, n2, y2, w2);
      oc_.add(w2, c, n2);
    });
  }
  std::vector<double> p_;
  int top_;
  Oc oc_;
};

// Every path, each replayed into a fresh run (no merging).
Oc brute_force(const Design& design, const std::vector<double>& p) {
  Oc oc(p.size());
  struct Step {
    int dose, size, dlts;
  };
  std::function<void(std::vector<Step>&, double)> walk = [&](std::vector<Step>& path, double w) {
    auto run = design.start(nullptr);
    twinsim::trial::TrialHistory h(p.size());
    twinsim::trial::Decision x = run->first();
    for (std::size_t k = 0; k < path.size(); ++k) {
      for (int j = 0; j < path[k].size; ++j) {
        twinsim::trial::EnrolledPatient e;
        e.dose = path[k].dose;
        e.cohort = static_cast<int>(k);
        e.dlt = j < path[k].dlts;
        h.enrol(e);
      }
      h.end_cohort();
      x = run->next(h, 0.0);
    }
    if (x.stop) return oc.add(w, run->select(h, 0.0), h.counts().n);
    for (int y = 0; y <= x.cohort_size; ++y) {
      const double q = binom(y, x.cohort_size, p[static_cast<std::size_t>(x.dose)]);
      if (q == 0.0) continue;
      path.push_back({x.dose, x.cohort_size, y});
      walk(path, w * q);
      path.pop_back();
    }
  };
  std::vector<Step> path;
  walk(path, 1.0);
  return oc;
}

void check_equal(const Oc& a, const Oc& b) {
  CHECK(a.total == Approx(1.0).margin(1e-12));
  CHECK(b.total == Approx(1.0).margin(1e-12));
  CHECK(a.p_none == Approx(b.p_none).margin(1e-12));
  for (std::size_t d = 0; d < a.p_select.size(); ++d) {
    INFO("dose " << d);
    CHECK(a.p_select[d] == Approx(b.p_select[d]).margin(1e-12));
    CHECK(a.mean_patients[d] == Approx(b.mean_patients[d]).margin(1e-11));
  }
  CHECK(a.mean_n == Approx(b.mean_n).margin(1e-11));
}

std::shared_ptr<const Design> make(const std::string& body, const std::vector<double>& p) {
  return twinsim::trial::load_scenario_text(twinsim::test::design_scenario(body, p), "exact.yaml").designs.at(0).design;
}

const std::vector<double> kTruth = {0.05, 0.10, 0.20, 0.30, 0.50};

}  // namespace

TEST_CASE("exact 3+3 OCs equal an independent recursion of the published rule", "[validation][exact]") {
  for (const auto& p : std::vector<std::vector<double>>{kTruth, {0.3, 0.4, 0.5}, {0.01, 0.02, 0.03, 0.04}, {0.6, 0.7}}) {
    INFO("truth[0] " << p[0] << ", " << p.size() << " doses");
    const auto d = make("type: three_plus_three", p);
    check_equal(from_tree(twinsim::trial::exact_outcomes(*d, p), p.size()), ThreePlusThree(p).run());
  }
}

TEST_CASE("exact OCs equal a brute-force walk of every path for every count-based design", "[validation][exact]") {
  // Small trials, so the unmerged walk (4^cohorts paths) stays cheap.
  for (const std::string body :
       {"type: three_plus_three", "type: boin, target: 0.3, max_patients: 15",
        "type: boin, target: 0.25, cohort_size: 2, max_patients: 12, n_earlystop: 6",
        "type: crm, target: 0.25, skeleton: [0.05, 0.12, 0.25, 0.40, 0.55], max_patients: 15",
        "type: crm, target: 0.3, model: logistic, skeleton: [0.05, 0.12, 0.25, 0.40, 0.55], max_patients: 12",
        "type: mtpi2, target: 0.3, max_patients: 15", "type: i3+3, target: 0.3, max_patients: 15"}) {
    INFO(body);
    const auto d = make(body, kTruth);
    check_equal(from_tree(twinsim::trial::exact_outcomes(*d, kTruth), kTruth.size()), brute_force(*d, kTruth));
  }
}

TEST_CASE("exact OCs agree with simulated trials within 4 Monte-Carlo SEs", "[validation][exact]") {
  const std::int64_t R = 20000;
  for (const std::string body :
       {"type: three_plus_three", "type: boin, target: 0.3", "type: crm, target: 0.3, skeleton: [0.05, 0.12, 0.25, 0.40, 0.55]",
        "type: mtpi2, target: 0.3", "type: i3+3, target: 0.3"}) {
    INFO(body);
    const auto d = make(body, kTruth);
    const Oc exact = from_tree(twinsim::trial::exact_outcomes(*d, kTruth), kTruth.size());
    const auto sim = twinsim::test::simulate_design(body, kTruth, R, 20261203);
    const double r = static_cast<double>(R);
    for (std::size_t k = 0; k < kTruth.size(); ++k) {
      INFO("dose " << k);
      CHECK(std::abs(sim.p_select[k] - exact.p_select[k]) <= 4 * twinsim::test::se_proportion(exact.p_select[k], r) + 1e-12);
    }
    CHECK(std::abs(sim.p_none - exact.p_none) <= 4 * twinsim::test::se_proportion(exact.p_none, r) + 1e-12);
    const double sd_n = std::sqrt(std::max(0.0, exact.mean_n2 - exact.mean_n * exact.mean_n));
    CHECK(std::abs(sim.mean_n - exact.mean_n) <= 4 * sd_n / std::sqrt(r) + 1e-12);
  }
}

TEST_CASE("exact enumeration refuses trees beyond its state limit", "[validation][exact]") {
  const auto d = make("type: boin, target: 0.3", kTruth);
  CHECK_THROWS_AS(twinsim::trial::exact_outcomes(*d, kTruth, nullptr, 50), std::length_error);
  CHECK_THROWS_AS(twinsim::trial::dose_pathways(*d, kTruth.size(), 12), std::length_error);
}
