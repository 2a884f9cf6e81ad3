// True utility and OBD of a utility-based design (oc_metrics.hpp true_obd) on
// hand cases: independence P(both) = P(T) P(E), ties to the lower dose, no
// admissible dose; and the OBD scoring of a design's sums (score_obd).
#include <catch2/catch.hpp>

#include "twinsim/trial/results/oc_metrics.hpp"
#include "twinsim/trial/results/oc_report.hpp"

using namespace twinsim::trial;

TEST_CASE("true utility under independence and the true OBD", "[obd]") {
  const std::vector<double> pt{0.05, 0.20, 0.40}, pe{0.30, 0.50, 0.60};
  std::vector<double> both;
  for (std::size_t d = 0; d < pt.size(); ++d) both.push_back(pt[d] * pe[d]);
  const TrueObd t = true_obd(pt, pe, both, ObdRule{0.35, 0.25});
  REQUIRE(t.scored);
  // Dose 2 by hand: E,noT 0.4, neither 0.4, both 0.1, T,noE 0.1 -> 40 + 16 + 6 + 0 = 62.
  CHECK(t.utility[1] == Approx(62.0).margin(1e-12));
  // Dose 1: 0.285*100 + 0.665*40 + 0.015*60 = 28.5 + 26.6 + 0.9 = 56.
  CHECK(t.utility[0] == Approx(56.0).margin(1e-12));
  CHECK(!t.admissible[2]);  // P(T) 0.4 > 0.35
  CHECK(t.obd == 1);
}

TEST_CASE("true OBD: ties go to the lower dose, none admissible selects no dose", "[obd]") {
  const std::vector<double> pt{0.1, 0.1}, pe{0.5, 0.5}, both{0.05, 0.05};
  CHECK(true_obd(pt, pe, both, ObdRule{0.35, 0.25}).obd == 0);
  const std::vector<double> low_e{0.1, 0.2};
  const TrueObd none = true_obd(pt, low_e, {0.01, 0.02}, ObdRule{0.35, 0.25});
  CHECK(none.scored);
  CHECK(none.obd == -1);
  const std::vector<double> nan{0.1, std::nan("")};
  CHECK(!true_obd(nan, pe, both, ObdRule{}).scored);
}

TEST_CASE("an OBD design's PCS counts selections of the true OBD, not of the MTD", "[obd]") {
  OcContext ctx;
  ctx.dose_levels = {1, 2, 3};
  ctx.truth = std::vector<double>{0.1, 0.2, 0.35};
  TrialSums s(3);
  s.trials = 10;
  s.selected = {1, 2, 4, 3};  // none, dose 1, dose 2, dose 3
  s.per_dose = false;
  ScoringTarget t;
  t.target = 0.35;
  t.objective = DesignObjective::obd;
  t.obd_dose = 1;
  t.true_utility = {50.0, 60.0, 40.0};
  const DesignOc oc = design_oc_from_sums("b", "boin12", t, s, ctx);
  CHECK(oc.target_dose == 2);  // the MTD
  CHECK(oc.pcs.value == Approx(0.4));
  // Expected utility: (2*50 + 4*60 + 3*40 + 1*0) / 10 = 46; SE from the 10 values.
  CHECK(oc.expected_utility.value == Approx(46.0));
  const double ss = 2 * 16 + 4 * 196 + 3 * 36 + 1 * 2116;
  CHECK(oc.expected_utility.se == Approx(std::sqrt(ss / 9.0 / 10.0)));
  ScoringTarget m = t;
  m.objective = DesignObjective::mtd;
  CHECK(design_oc_from_sums("b", "boin", m, s, ctx).pcs.value == Approx(0.3));
}
