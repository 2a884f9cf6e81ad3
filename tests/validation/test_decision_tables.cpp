// [validation] Decision tables (Design::decision_table, `twinsim boundaries`).
//
// Reference: R package BOIN 2.7.2 (the peer snapshot in /work/shared/peers,
// built into a private library under /tmp), get.boundary(target, ncohort = 10,
// cohortsize = 3)$full_boundary_tab and $lambda_e / $lambda_d, printed with
// format(digits = 15). The rows are pasted as R printed them; "NA" is -1 here.
// R is not needed to run this test.
//
// The probed tables (probe_decision_table: asking a design's own rule with
// synthetic cohorts) are checked against the tables BOIN, mTPI-2 and i3+3
// decide from, and 3+3's against the rule as DESIGN.md states it.
#include <catch2/catch.hpp>

#include <climits>
#include <string>
#include <vector>

#include "twinsim/trial/designs/decision_table.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace {

using twinsim::trial::DecisionTable;
using twinsim::trial::TableDecision;

std::shared_ptr<const twinsim::trial::Design> design(const std::string& body, int doses = 5) {
  std::string levels, probs;
  for (int i = 0; i < doses; ++i) {
    levels += (i ? ", " : "") + std::to_string(i + 1);
    probs += (i ? ", " : "") + std::string("0.1");
  }
  return twinsim::trial::load_scenario_text("name: t\ndose_levels: [" + levels +
                                                "]\ntoxicity:\n  true_dlt_probabilities: [" + probs +
                                                "]\ndesigns:\n  - {name: d, " + body + "}\n",
                                            "t.yaml")
      .designs.at(0)
      .design;
}

struct RTable {
  double target, lambda_e, lambda_d;
  std::vector<int> esc, deesc, elim;  // n = 1..30
};

const std::vector<RTable>& boin_272() {
  static const std::vector<RTable> t = {
      {0.20, 0.157242286700307, 0.238462438817315,
       {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4},
       {1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 6, 7, 7, 7, 7, 8},
       {-1, -1, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 7, 7, 7, 7, 8, 8, 8, 8, 9, 9, 9, 9, 10, 10}},
      {0.25, 0.196800870555487, 0.29839215237546,
       {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5},
       {1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9, 9},
       {-1, -1, 3, 3, 3, 4, 4, 4, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9, 10, 10, 10, 11, 11, 11, 12, 12}},
      {0.30, 0.236490685236468, 0.35851946464093,
       {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7},
       {1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9, 10, 10, 11, 11, 11},
       {-1, -1, 3, 3, 4, 4, 5, 5, 5, 6, 6, 7, 7, 8, 8, 8, 9, 9, 9, 10, 10, 11, 11, 11, 12, 12, 12, 13, 13, 14}},
  };
  return t;
}

int or_na(int v) { return v == INT_MAX ? -1 : v; }

double parameter(const DecisionTable& t, const std::string& key) {
  for (const auto& [k, v] : t.parameters)
    if (k == key) return v;
  FAIL("no parameter " << key);
  return 0.0;
}

}  // namespace

TEST_CASE("BOIN decision tables match R BOIN 2.7.2 get.boundary for targets 0.20, 0.25, 0.30",
          "[validation][boundaries]") {
  for (const RTable& r : boin_272()) {
    const auto d = design("type: boin, target: " + std::to_string(r.target) + ", max_patients: 30");
    const auto t = d->decision_table(5);
    REQUIRE(t);
    REQUIRE(t->max_n() == 30);
    CHECK(parameter(*t, "lambda_e") == Approx(r.lambda_e).margin(1e-13));
    CHECK(parameter(*t, "lambda_d") == Approx(r.lambda_d).margin(1e-13));
    for (int n = 1; n <= 30; ++n) {
      const auto i = static_cast<std::size_t>(n);
      INFO("target " << r.target << ", n = " << n);
      CHECK(t->escalate[i] == r.esc[i - 1]);
      CHECK(t->deescalate[i] == r.deesc[i - 1]);
      CHECK(or_na(t->eliminate[i]) == r.elim[i - 1]);
    }
  }
}

TEST_CASE("a probed table equals the table BOIN, mTPI-2 and i3+3 decide from", "[validation][boundaries]") {
  // max_patients above the probed n, so the trial's own end does not cut the probe.
  for (const std::string body : {"type: boin, target: 0.25, max_patients: 60", "type: boin, target: 0.3, cohort_size: 2, max_patients: 60",
                                 "type: mtpi2, target: 0.3, max_patients: 60", "type: i3+3, target: 0.25, max_patients: 60"}) {
    INFO(body);
    const auto d = design(body);
    const auto table = d->decision_table(5);
    REQUIRE(table);
    const DecisionTable probed = twinsim::trial::probe_decision_table(*d, 5, 30);
    REQUIRE(probed.max_n() > 0);
    REQUIRE(!probed.rows.empty());
    for (const int n : probed.rows) {
      for (int y = 0; y <= n; ++y) {
        INFO(y << " DLTs of " << n);
        CHECK(probed.decision(n, y) == table->decision(n, y));
      }
    }
  }
}

TEST_CASE("the 3+3 table probed from its rule is the published rule", "[validation][boundaries]") {
  const auto t = design("type: three_plus_three")->decision_table(5);
  REQUIRE(t);
  CHECK(t->row_ns() == std::vector<int>{3, 6});
  using D = TableDecision;
  // 0/3 escalate, 1/3 three more, >=2/3 too toxic; <=1/6 escalate, >=2/6 too toxic.
  const std::vector<D> three = {D::escalate, D::stay, D::eliminate, D::eliminate};
  const std::vector<D> six = {D::escalate, D::escalate, D::eliminate, D::eliminate, D::eliminate, D::eliminate, D::eliminate};
  for (int y = 0; y <= 3; ++y) CHECK(t->decision(3, y) == three[static_cast<std::size_t>(y)]);
  for (int y = 0; y <= 6; ++y) CHECK(t->decision(6, y) == six[static_cast<std::size_t>(y)]);
  CHECK(t->decision(4, 0) == D::none);
  // Too few dose levels to ask the rule at a middle dose; CRM has no table.
  CHECK_FALSE(design("type: three_plus_three", 2)->decision_table(2));
  CHECK_FALSE(design("type: crm, target: 0.25, skeleton: [0.05, 0.1, 0.2, 0.3, 0.5]")->decision_table(5));
}
