// [unit] BOIN decisions traced by hand (target 0.3, cohorts of 3) and the MTD
// selection of the R package's select.mtd() on worked examples.
//
// Boundaries for target 0.3 (lambda_e = 0.2365, lambda_d = 0.3585, elimination
// at P(p > 0.3 | y, n) > 0.95), by number treated at the dose:
//   n        3   6   9  12  15  18  21  24
//   esc <=   0   1   2   2   3   4   4   5
//   de  >=   2   3   4   5   6   7   8   9
//   elim >=  3   4   5   7   8   9  10  11
#include <catch2/catch.hpp>

#include "design_drive.hpp"
#include "twinsim/trial/designs/designs.hpp"

using twinsim::test::Cohort;
using twinsim::test::drive;
using twinsim::test::Driver;
using twinsim::test::make_design;
using twinsim::trial::boin_select_mtd;

TEST_CASE("BOIN escalates, stays, de-escalates and never re-enters an eliminated dose", "[unit][boin]") {
  const auto d = make_design("type: boin, target: 0.3", 5);
  // 0/3 esc; 1/3 stay; 1/6 esc; 3/3 at dose 2 eliminates doses 2-4 and de-escalates;
  // at dose 1 the rule would escalate at 2/9 and 5/24, but dose 2 is eliminated.
  // Final data n = (3, 24, 3, 0, 0), y = (0, 5, 3, 0, 0): isotonic estimates 0.016,
  // 0.210 over the admissible doses 0, 1 -> dose 1 is closest to 0.3.
  CHECK(drive(*d, 5,
              {{0, 0}, {1, 1}, {1, 0}, {2, 3}, {1, 1}, {1, 2}, {1, 1}, {1, 0}, {1, 0}, {1, 0}}) == 1);
  CHECK(d->max_patients() == 30);
  CHECK(d->target() == 0.3);
}

TEST_CASE("BOIN stops with no MTD when the lowest dose is eliminated", "[unit][boin]") {
  const auto d = make_design("type: boin, target: 0.3", 5);
  CHECK(drive(*d, 5, {{0, 3}}) == -1);
  // 2/3 at the lowest dose: de-escalation is impossible, stay; 4/6 eliminates it.
  CHECK(drive(*d, 5, {{0, 2}, {0, 2}}) == -1);
}

TEST_CASE("BOIN n_earlystop stops only where the rule would stay (BOIN 2.7.1)", "[unit][boin]") {
  const auto d = make_design("type: boin, target: 0.3, n_earlystop: 6", 5);
  // 2/6 at dose 1 is "stay" and 6 >= n_earlystop: stop. Estimates 0.016, 0.336 -> dose 1.
  CHECK(drive(*d, 5, {{0, 0}, {1, 1}, {1, 1}}) == 1);
  // 1/6 would escalate: the trial goes on at dose 2.
  Driver t(*d, 5);
  t.feed({{0, 0}, {1, 1}, {1, 0}});
  CHECK_FALSE(t.decision().stop);
  CHECK(t.decision().dose == 2);
  // The simple rule of BOIN <= 2.6 stops as soon as 6 are at the dose.
  const auto simple = make_design("type: boin, target: 0.3, n_earlystop: 6, n_earlystop_rule: simple", 5);
  CHECK(drive(*simple, 5, {{0, 0}, {1, 1}, {1, 0}}) == 1);
}

TEST_CASE("BOIN cuts the last cohort to max_patients", "[unit][boin]") {
  const auto d = make_design("type: boin, target: 0.3, max_patients: 7", 5);
  CHECK(drive(*d, 5, {{0, 0}, {1, 0}, {2, 0, 1}}) == 2);
}

TEST_CASE("BOIN extrasafe stops at the lowest dose with P(p > target) > cutoff - offset", "[unit][boin]") {
  // 2/3 at dose 0: P(p > 0.3 | 2 of 3) = P(Bin(4, 0.3) <= 2) = 0.9163: above 0.90, below 0.95.
  const auto safe = make_design("type: boin, target: 0.3, extrasafe: true", 5);
  CHECK(drive(*safe, 5, {{0, 2}}) == -1);
  const auto plain = make_design("type: boin, target: 0.3", 5);
  Driver t(*plain, 5);
  t.feed({{0, 2}});
  CHECK_FALSE(t.decision().stop);
  CHECK(t.decision().dose == 0);
}

TEST_CASE("BOIN select.mtd: isotonic estimates, elimination and tie rules", "[unit][boin]") {
  // The example of the BOIN documentation (select.mtd, also Yan et al. 2019 p. 15,
  // checked against BOIN::select.mtd in the escalation package's tests): dose 3 (1-based).
  CHECK(boin_select_mtd(0.3, {3, 3, 15, 9, 0}, {0, 0, 4, 4, 0}) == 2);
  // Pooled doses below the target: the higher one. Estimates (3.05/6.1, 1.05/6.1)
  // violate monotonicity and pool to 0.291 < 0.3 -> dose 1.
  CHECK(boin_select_mtd(0.3, {6, 6, 0, 0, 0}, {3, 1, 0, 0, 0}) == 1);
  // Pooled above the target (0.5 and 0.336 pool to about 0.41): the lower one.
  CHECK(boin_select_mtd(0.3, {6, 6, 0, 0, 0}, {3, 2, 0, 0, 0}) == 0);
  // 4/6 at the lowest dose: P(p > 0.3) = P(Bin(7, 0.3) <= 4) = 0.971 > 0.95: eliminated, no MTD.
  CHECK(boin_select_mtd(0.3, {6, 6, 0, 0, 0}, {4, 1, 0, 0, 0}) == -1);
  // An eliminated higher dose is excluded: 3/3 at dose 2 leaves doses 0-1.
  CHECK(boin_select_mtd(0.3, {3, 9, 3, 0, 0}, {0, 3, 3, 0, 0}) == 1);
  // extrasafe with the lowest dose at 2/3 (0.916 > 0.95 - 0.05).
  CHECK(boin_select_mtd(0.3, {3, 0, 0}, {2, 0, 0}) == 0);
  CHECK(boin_select_mtd(0.3, {3, 0, 0}, {2, 0, 0}, 0.95, true, 0.05) == -1);
  // boundMTD: the selected dose's estimate must be below lambda_d = 0.3585.
  CHECK(boin_select_mtd(0.3, {3, 6, 0}, {0, 3, 0}) == 1);
  CHECK(boin_select_mtd(0.3, {3, 6, 0}, {0, 3, 0}, 0.95, false, 0.05, true) == 0);
  // Nothing treated: no MTD.
  CHECK(boin_select_mtd(0.3, {0, 0, 0}, {0, 0, 0}) == -1);
}
