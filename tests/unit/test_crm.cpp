// [unit] CRM dose decisions (dfcrm crmsim, restrict = TRUE): the model's
// recommendation (crm_fit, checked against independent quadrature in
// tests/validation/test_crm_quadrature.cpp) limited by no skipping on
// escalation and no escalation after a cohort whose DLT fraction is >= target.
#include <catch2/catch.hpp>

#include "design_drive.hpp"
#include "twinsim/trial/designs/designs.hpp"

using twinsim::test::Cohort;
using twinsim::test::Driver;
using twinsim::test::make_design;
using twinsim::trial::CrmModel;
using twinsim::trial::crm_fit;

namespace {

const char* kCrm = "type: crm, target: 0.25, skeleton: [0.05, 0.12, 0.25, 0.40, 0.55]";

CrmModel model() {
  CrmModel m;
  m.skeleton = {0.05, 0.12, 0.25, 0.40, 0.55};
  return m;
}

int recommend(const Driver& t) { return crm_fit(model(), 0.25, 30, t.data().n, t.data().dlt).recommended; }

}  // namespace

TEST_CASE("CRM never skips a dose when escalating", "[unit][crm]") {
  const auto d = make_design(kCrm, 5);
  Driver t(*d, 5);
  CHECK(t.decision().dose == 0);
  t.feed(Cohort{0, 0});
  // 0/3 at the lowest dose: the model would jump, the design goes one level up.
  REQUIRE(recommend(t) >= 2);
  CHECK(t.decision().dose == 1);
  t.feed(Cohort{1, 0});
  REQUIRE(recommend(t) >= 3);
  CHECK(t.decision().dose == 2);
  // Without the restriction the model's choice is used as is.
  const auto free = make_design(std::string(kCrm) + ", restrict: false", 5);
  Driver u(*free, 5);
  u.feed(Cohort{0, 0});
  CHECK(u.decision().dose == recommend(u));
}

TEST_CASE("CRM does not escalate right after a cohort with DLT fraction >= target", "[unit][crm]") {
  const auto d = make_design(kCrm, 5);
  Driver t(*d, 5);
  t.feed({{0, 0}, {1, 0}, {2, 0}});
  // 1/3 at dose 3 (1/3 >= 0.25): stay or go down, whatever the model says.
  t.feed(Cohort{3, 1});
  CHECK(t.decision().dose == std::min(recommend(t), 3));
  // With target 0.4, one DLT in 3 (0.33 < 0.4) does not block escalation.
  const auto high = make_design("type: crm, target: 0.4, skeleton: [0.05, 0.12, 0.25, 0.40, 0.55]", 5);
  Driver h(*high, 5);
  h.feed(Cohort{0, 1});
  const int rec = crm_fit(model(), 0.4, 30, h.data().n, h.data().dlt).recommended;
  REQUIRE(rec >= 1);
  CHECK(h.decision().dose == 1);
}

TEST_CASE("CRM de-escalates as far as the model says", "[unit][crm]") {
  const auto d = make_design(kCrm, 5);
  Driver t(*d, 5);
  t.feed({{0, 0}, {1, 0}, {2, 0}, {3, 0}});
  t.feed(Cohort{4, 3});
  const int rec = recommend(t);
  REQUIRE(rec <= 3);
  CHECK(t.decision().dose == rec);
}

TEST_CASE("CRM runs max_patients and selects the final recommendation", "[unit][crm]") {
  const auto d = make_design(std::string(kCrm) + ", max_patients: 8", 5);
  Driver t(*d, 5);
  t.feed({{0, 0}, {1, 0}});
  CHECK(t.decision().cohort_size == 2);  // the last cohort is cut to fit
  t.feed(Cohort{2, 1, 2});
  REQUIRE(t.decision().stop);
  CHECK(t.select() == recommend(t));
  CHECK(d->max_patients() == 8);
  CHECK(d->target() == 0.25);
}

TEST_CASE("CRM overdose stopping rule", "[unit][crm]") {
  // After 3/3 and 3/3 at the lowest dose P(p_lowest > 0.25) is far above 0.9.
  const auto d = make_design(std::string(kCrm) + ", stop_overdose: {threshold: 0.9}", 5);
  const auto fit1 = crm_fit(model(), 0.25, 30, {3, 0, 0, 0, 0}, {3, 0, 0, 0, 0});
  Driver t(*d, 5);
  t.feed(Cohort{0, 3});
  if (fit1.p_overdose > 0.9) {
    CHECK(t.decision().stop);
  } else {
    CHECK(t.decision().dose == 0);
    t.feed(Cohort{0, 3});
    REQUIRE(crm_fit(model(), 0.25, 30, {6, 0, 0, 0, 0}, {6, 0, 0, 0, 0}).p_overdose > 0.9);
    CHECK(t.decision().stop);
  }
  CHECK(t.select() == -1);
  // Without the rule the same data keep the trial at the lowest dose.
  const auto plain = make_design(kCrm, 5);
  Driver u(*plain, 5);
  u.feed({{0, 3}, {0, 3}});
  CHECK_FALSE(u.decision().stop);
  CHECK(u.decision().dose == 0);
}

TEST_CASE("CRM safety stop: escalation's stop_when_too_toxic(dose 1) with its vignette's defaults", "[unit][crm]") {
  // stop_overdose: true = {threshold: 0.8, tox_threshold: target}: stop when P(p_lowest > 0.25 | data) > 0.8;
  // tox_threshold moves the DLT rate, threshold the confidence. Checked on every outcome of two
  // cohorts at the lowest dose against the posterior probability crm_fit integrates.
  const auto on = make_design(std::string(kCrm) + ", stop_overdose: true", 5);
  const auto at35 = make_design(std::string(kCrm) + ", stop_overdose: {tox_threshold: 0.35}", 5);
  const auto at35_half = make_design(std::string(kCrm) + ", stop_overdose: {threshold: 0.5, tox_threshold: 0.35}", 5);
  const auto plain = make_design(kCrm, 5);
  bool rate_matters = false;
  for (int y1 = 0; y1 <= 3; ++y1)
    for (int y2 = 0; y2 <= 3; ++y2) {
      const std::vector<int> n{6, 0, 0, 0, 0}, y{y1 + y2, 0, 0, 0, 0};
      const double p25 = crm_fit(model(), 0.25, 30, n, y).p_overdose;
      const double p35 = crm_fit(model(), 0.35, 30, n, y).p_overdose;
      INFO("DLTs " << y1 << " + " << y2 << ": P(p1 > 0.25) " << p25 << ", P(p1 > 0.35) " << p35);
      auto stops = [&](const twinsim::trial::Design& d) {
        Driver t(d, 5);
        t.feed(Cohort{0, y1});
        if (t.decision().stop) return true;  // already after the first cohort
        if (t.decision().dose != 0) return false;
        t.feed(Cohort{0, y2});
        return t.decision().stop;
      };
      const double p25_first = crm_fit(model(), 0.25, 30, {3, 0, 0, 0, 0}, {y1, 0, 0, 0, 0}).p_overdose;
      const double p35_first = crm_fit(model(), 0.35, 30, {3, 0, 0, 0, 0}, {y1, 0, 0, 0, 0}).p_overdose;
      // Only outcomes that keep the trial at dose 0 after the first cohort reach (6, y1 + y2) there.
      Driver probe(*plain, 5);
      probe.feed(Cohort{0, y1});
      if (probe.decision().dose != 0) continue;
      CHECK(stops(*on) == (p25_first > 0.8 || p25 > 0.8));
      CHECK(stops(*at35) == (p35_first > 0.8 || p35 > 0.8));
      CHECK(stops(*at35_half) == (p35_first > 0.5 || p35 > 0.5));
      rate_matters = rate_matters || ((p25 > 0.8) != (p35 > 0.8));
    }
  CHECK(rate_matters);  // some outcome tells the two DLT rates apart
}

TEST_CASE("CRM decisions from the per-thread state memo equal a fresh posterior fit", "[unit][crm]") {
  // Every outcome path of 4 cohorts of 3 (4^4 = 256 paths), twice: the first
  // pass fills the memo (paths share prefixes, so most states are already
  // hits), the second is all hits. Each decision must equal crm_fit() on the
  // counts (no memo) limited by the no-skipping / coherence rule.
  for (const bool logistic : {false, true}) {
    INFO((logistic ? "logistic" : "empiric"));
    CrmModel m = model();
    m.logistic = logistic;
    const auto d = make_design(std::string(kCrm) + ", max_patients: 15" + (logistic ? ", model: logistic" : ""), 5);
    for (int pass = 0; pass < 2; ++pass) {
      for (int code = 0; code < 256; ++code) {
        Driver t(*d, 5);
        int dose = 0;
        for (int c = 0; c < 4; ++c) {
          const int dlts = (code >> (2 * c)) & 3;
          INFO("pass " << pass << ", path " << code << ", cohort " << c);
          t.feed(Cohort{dose, dlts});
          REQUIRE_FALSE(t.decision().stop);
          const int rec = crm_fit(m, 0.25, 15, t.data().n, t.data().dlt).recommended;
          const int cap = 3 * 0.25 <= dlts ? dose : dose + 1;
          dose = std::min(rec, cap);
          REQUIRE(t.decision().dose == dose);
        }
      }
    }
  }
}
