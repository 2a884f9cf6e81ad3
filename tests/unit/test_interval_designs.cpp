// [unit] mTPI-2 and i3+3: decisions traced by hand (target 0.3, EI [0.25,
// 0.35], cohorts of 3), dose exclusion, stopping and the MTD selection.
//
// Exclusion (P(p > 0.3 | y of n) > 0.95 under beta(1,1) = P(Bin(n+1, 0.3) <= y)):
//   3/3: 0.9919 (excluded); 2/3: 0.9163 (not); 4/6: 0.9712 (excluded); 3/6: 0.8740.
#include <catch2/catch.hpp>

#include <utility>

#include "design_drive.hpp"
#include "twinsim/trial/designs/designs.hpp"

using twinsim::test::Cohort;
using twinsim::test::drive;
using twinsim::test::Driver;
using twinsim::test::make_design;
using twinsim::trial::i3p3_action;
using twinsim::trial::interval_select_mtd;
using twinsim::trial::IntervalAction;

namespace {
constexpr auto E = IntervalAction::escalate;
constexpr auto S = IntervalAction::stay;
constexpr auto D = IntervalAction::deescalate;
}  // namespace

TEST_CASE("i3+3 rule on the EI boundaries", "[unit][i3+3]") {
  // 0/1 below the EI: E. 1/1 above, but 0/1 below: S (the "i" of i3+3).
  CHECK(i3p3_action(0.3, 0.05, 0.05, 0, 1) == E);
  CHECK(i3p3_action(0.3, 0.05, 0.05, 1, 1) == S);
  // 1/3 = 0.333 inside: S; 2/3 above and 1/3 not below: D.
  CHECK(i3p3_action(0.3, 0.05, 0.05, 1, 3) == S);
  CHECK(i3p3_action(0.3, 0.05, 0.05, 2, 3) == D);
  // 1/4 = 0.25 is on the closed lower edge (0.3 - 0.05 is 0.2499... in binary): inside, S.
  CHECK(i3p3_action(0.3, 0.05, 0.05, 1, 4) == S);
  // 2/4 above; (2-1)/4 = 0.25 on the edge is not below: D.
  CHECK(i3p3_action(0.3, 0.05, 0.05, 2, 4) == D);
  // 7/20 = 0.35 on the upper edge: S.
  CHECK(i3p3_action(0.3, 0.05, 0.05, 7, 20) == S);
  // 2/6 inside: S; 3/6 above, 2/6 inside: D; 1/6 below: E.
  CHECK(i3p3_action(0.3, 0.05, 0.05, 1, 6) == E);
  CHECK(i3p3_action(0.3, 0.05, 0.05, 2, 6) == S);
  CHECK(i3p3_action(0.3, 0.05, 0.05, 3, 6) == D);
  // Wider EI (0.2, 0.45): 2/5 = 0.4 inside.
  CHECK(i3p3_action(0.3, 0.1, 0.15, 2, 5) == S);
}

TEST_CASE("mTPI-2 and i3+3 escalate, stay, de-escalate and exclude", "[unit][mtpi2][i3+3]") {
  for (const char* type : {"type: mtpi2, target: 0.3", "type: i3+3, target: 0.3"}) {
    INFO(type);
    const auto d = make_design(type, 4);
    // 0/3 E; 1/3 S; 1/6 E; 3/3 at dose 2 excludes doses 2-3 and de-escalates;
    // at dose 1 2/9 would escalate (E in both tables) but dose 2 is excluded: stay.
    // n = (3, 27, 0 ...) is never reached: 30 patients, the last cohort at dose 1.
    // Final n = (3, 24, 3, 0), y = (0, 5, 3, 0).
    Driver t(*d, 4);
    t.feed({{0, 0}, {1, 1}, {1, 0}, {2, 3}, {1, 1}, {1, 0}, {1, 1}, {1, 0}, {1, 1}, {1, 1}});
    REQUIRE(t.decision().stop);
    // Admissible doses 0-1: posterior means 1/5 and 6/26 = 0.231: dose 1 is closer to 0.3.
    CHECK(t.select() == 1);
    CHECK(d->max_patients() == 30);
    CHECK(d->target() == 0.3);
  }
}

TEST_CASE("mTPI-2 and i3+3 stop with no MTD when the lowest dose is excluded", "[unit][mtpi2][i3+3]") {
  for (const char* type : {"type: mtpi2, target: 0.3", "type: i3+3, target: 0.3"}) {
    INFO(type);
    const auto d = make_design(type, 3);
    CHECK(drive(*d, 3, {{0, 3}}) == -1);
    // 2/3 at the lowest dose: D, but there is no lower dose: stay; 4/6 excludes it.
    CHECK(drive(*d, 3, {{0, 2}, {0, 2}}) == -1);
    // The rule needs n >= exclusion_min_n: with cohorts of 2 and min n 3, 2/2 is
    // not excluded (P = 0.973 > 0.95 but n = 2); the trial de-escalates no further.
    const auto pairs = make_design(std::string(type) + ", cohort_size: 2", 3);
    Driver t(*pairs, 3);
    t.feed({{0, 2, 2}});
    CHECK_FALSE(t.decision().stop);
    CHECK(t.decision().dose == 0);
    const auto eager = make_design(std::string(type) + ", cohort_size: 2, exclusion_min_n: 2", 3);
    CHECK(drive(*eager, 3, {{0, 2, 2}}) == -1);
  }
}

TEST_CASE("mTPI-2 and i3+3 stay at the highest dose and cut the last cohort", "[unit][mtpi2][i3+3]") {
  for (const char* type : {"type: mtpi2, target: 0.3", "type: i3+3, target: 0.3"}) {
    INFO(type);
    const auto d = make_design(std::string(type) + ", max_patients: 8", 2);
    // 0/3 E to dose 1; 0/3 at the top: stay; 2 left: a cohort of 2.
    CHECK(drive(*d, 2, {{0, 0}, {1, 0}, {1, 0, 2}}) == 1);
  }
}

TEST_CASE("mTPI-2 and i3+3 n_earlystop stops when the next dose already has n patients", "[unit][mtpi2][i3+3]") {
  for (const char* type : {"type: mtpi2, target: 0.3", "type: i3+3, target: 0.3"}) {
    INFO(type);
    const auto d = make_design(std::string(type) + ", n_earlystop: 6", 3);
    // 0/3 E; 1/3 S -> dose 1 again (3 there, go on); 2/6 S -> dose 1 has 6: stop.
    CHECK(drive(*d, 3, {{0, 0}, {1, 1}, {1, 1}}) == 1);
    // Without the cap the trial goes on.
    const auto open = make_design(type, 3);
    Driver t(*open, 3);
    t.feed({{0, 0}, {1, 1}, {1, 1}});
    CHECK_FALSE(t.decision().stop);
  }
}

TEST_CASE("mTPI-2 and i3+3 differ where the paper says they do", "[unit][mtpi2][i3+3]") {
  // Cohorts of 5: 0/5 escalates in both. Then 2/5 = 0.4 is above the EI and
  // (2-1)/5 = 0.2 below it: i3+3 stays, while mTPI-2's largest UPM is above the
  // EI: it de-escalates.
  const auto m = make_design("type: mtpi2, target: 0.3, cohort_size: 5", 3);
  const auto i = make_design("type: i3+3, target: 0.3, cohort_size: 5", 3);
  Driver tm(*m, 3), ti(*i, 3);
  tm.feed({{0, 0, 5}, {1, 2, 5}});
  ti.feed({{0, 0, 5}, {1, 2, 5}});
  CHECK(tm.decision().dose == 0);
  CHECK(ti.decision().dose == 1);
}

TEST_CASE("interval designs: isotonic MTD selection and its tie rule", "[unit][mtpi2][i3+3]") {
  // Means 1/5 and 2/5 are 0.1 from the target on either side: a tie whose mean
  // (0.3) is not below the target -> the lower dose.
  CHECK(interval_select_mtd(0.3, {3, 3, 0}, {0, 1, 0}) == 0);
  // 3/8 and 2/8 violate monotonicity and pool to 0.306 (weights 38.4, 48): tied, above -> lower.
  CHECK(interval_select_mtd(0.3, {6, 6}, {2, 1}) == 0);
  // 2/8 and 1/8 pool to 0.171: tied, below -> higher.
  CHECK(interval_select_mtd(0.3, {6, 6}, {1, 0}) == 1);
  // 3/3 at dose 1 excludes it (and above): dose 0 is the only candidate.
  CHECK(interval_select_mtd(0.3, {3, 3, 3}, {0, 3, 0}) == 0);
  // The lowest dose excluded: no MTD.
  CHECK(interval_select_mtd(0.3, {3, 0}, {3, 0}) == -1);
  // Untreated doses are never selected; nothing treated -> none.
  CHECK(interval_select_mtd(0.3, {3, 0, 0}, {0, 0, 0}) == 0);
  CHECK(interval_select_mtd(0.3, {0, 0}, {0, 0}) == -1);
  // 2/2 is above the cutoff but n < 3: not excluded unless min_n allows it.
  CHECK(interval_select_mtd(0.3, {2, 0}, {2, 0}) == 0);
  CHECK(interval_select_mtd(0.3, {2, 0}, {2, 0}, 0.95, 2) == -1);
}

TEST_CASE("mTPI-2 actions are monotone in y (the design stores them as two thresholds per n)", "[unit][mtpi2]") {
  // The design keeps, per n, the largest y that escalates and the smallest that
  // de-escalates; that is exact only if every row reads E...E S...S D...D.
  for (double t : {0.1, 0.167, 0.25, 0.3, 0.4, 0.5}) {
    for (const auto& [e1, e2] : {std::pair<double, double>{0.05, 0.05}, {0.03, 0.07}, {0.1, 0.1}}) {
      for (int n = 1; n <= 40; ++n) {
        int last = 0;  // 0 E, 1 S, 2 D
        for (int y = 0; y <= n; ++y) {
          const IntervalAction a = twinsim::trial::mtpi2_action(t, e1, e2, y, n);
          const int rank = a == E ? 0 : a == S ? 1 : 2;
          INFO("target " << t << ", eps " << e1 << "/" << e2 << ", n " << n << ", y " << y);
          CHECK(rank >= last);
          last = rank;
        }
      }
    }
  }
}
