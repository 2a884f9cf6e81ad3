// [unit] The 3+3 rule of DESIGN.md, traced by hand cohort by cohort on 5 doses
// (0-based dose indices). Each case lists the dose the design must choose for
// each cohort, that cohort's DLTs, and the MTD it must select at the end.
#include <catch2/catch.hpp>

#include "design_drive.hpp"

using twinsim::test::Cohort;
using twinsim::test::drive;
using twinsim::test::make_design;

TEST_CASE("3+3 escalates on 0/3 and on <=1/6, expands on 1/3", "[unit][3+3]") {
  const auto d = make_design("type: three_plus_three", 5);
  // 0/3 at 0 -> 1; 1/3 at 1 -> 3 more; 1/6 -> 2; 2/3 at 2 -> dose 1 already has 6 -> MTD 1.
  CHECK(drive(*d, 5, {{0, 0}, {1, 1}, {1, 0}, {2, 2}}) == 1);
  // 3/3 at dose 2 is "too toxic" like 2/3.
  CHECK(drive(*d, 5, {{0, 0}, {1, 1}, {1, 0}, {2, 3}}) == 1);
  // 1/3 then 1/3 more = 2/6 at dose 2 -> dose 1 (6 patients) is the MTD.
  CHECK(drive(*d, 5, {{0, 0}, {1, 1}, {1, 0}, {2, 1}, {2, 1}}) == 1);
}

TEST_CASE("3+3 fills the MTD candidate to 6 when it had 3", "[unit][3+3]") {
  const auto d = make_design("type: three_plus_three", 5);
  // 0/3, 0/3, then 2/3 at dose 2: dose 1 had only 3 -> 3 more there; 1 DLT -> 1/6 -> MTD 1.
  CHECK(drive(*d, 5, {{0, 0}, {1, 0}, {2, 2}, {1, 1}}) == 1);
  // ... 2 DLTs among the extra 3 -> 2/6, step down to dose 0 (3 patients) -> 3 more, 0 DLT -> MTD 0.
  CHECK(drive(*d, 5, {{0, 0}, {1, 0}, {2, 3}, {1, 2}, {0, 0}}) == 0);
  // ... and 2 more DLTs at dose 0 too -> no MTD.
  CHECK(drive(*d, 5, {{0, 0}, {1, 0}, {2, 2}, {1, 2}, {0, 2}}) == -1);
}

TEST_CASE("3+3 selects no dose when the lowest dose is too toxic", "[unit][3+3]") {
  const auto d = make_design("type: three_plus_three", 5);
  CHECK(drive(*d, 5, {{0, 2}}) == -1);
  CHECK(drive(*d, 5, {{0, 3}}) == -1);
  CHECK(drive(*d, 5, {{0, 1}, {0, 1}}) == -1);
  CHECK(drive(*d, 5, {{0, 1}, {0, 0}, {1, 2}}) == 0);  // 1/6 at dose 0, then dose 1 too toxic
}

TEST_CASE("3+3 expands the highest dose to 6 and accepts it with <=1/6", "[unit][3+3]") {
  const auto d = make_design("type: three_plus_three", 5);
  CHECK(drive(*d, 5, {{0, 0}, {1, 0}, {2, 0}, {3, 0}, {4, 0}, {4, 0}}) == 4);
  CHECK(drive(*d, 5, {{0, 0}, {1, 0}, {2, 0}, {3, 0}, {4, 0}, {4, 1}}) == 4);
  CHECK(drive(*d, 5, {{0, 0}, {1, 0}, {2, 0}, {3, 0}, {4, 1}, {4, 0}}) == 4);
  // 2/6 at the highest dose: dose 3 had 3 -> 3 more, 0 DLT -> MTD 3.
  CHECK(drive(*d, 5, {{0, 0}, {1, 0}, {2, 0}, {3, 0}, {4, 0}, {4, 2}, {3, 0}}) == 3);
  // Single dose level: the same rule.
  const auto one = make_design("type: three_plus_three", 1);
  CHECK(drive(*one, 1, {{0, 0}, {0, 1}}) == 0);
  CHECK(drive(*one, 1, {{0, 1}, {0, 1}}) == -1);
}

TEST_CASE("3+3 from a higher start dose steps down into untreated doses", "[unit][3+3]") {
  const auto d = make_design("type: three_plus_three, start_dose: 2", 5);
  // 2/3 at dose 2: dose 1 has no patients -> two cohorts there; 1/6 -> MTD 1.
  CHECK(drive(*d, 5, {{2, 2}, {1, 0}, {1, 1}}) == 1);
  // 2/3 at the first cohort of the candidate already makes it too toxic.
  CHECK(drive(*d, 5, {{2, 2}, {1, 2}, {0, 0}, {0, 0}}) == 0);
  CHECK(d->max_patients() == 30);
}
