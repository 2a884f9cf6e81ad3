#include <catch2/catch.hpp>

#include "twinsim/core/dosing.hpp"

using namespace twinsim::core;

TEST_CASE("ADDL, II, lag and F expand the NONMEM way", "[unit]") {
  DoseEvent e;
  e.time = 0;
  e.amount = 100;
  e.cmt = 1;
  e.ii = 12;
  e.addl = 2;
  e.lag = 0.5;
  e.f = 0.8;
  const auto a = expand_doses({e});
  REQUIRE(a.size() == 3);
  CHECK(a[0].time == 0.5);
  CHECK(a[1].time == 12.5);
  CHECK(a[2].time == 24.5);
  for (const auto& x : a) {
    CHECK(x.bolus == Approx(80.0));
    CHECK(x.rate_change == 0.0);
    CHECK(x.cmt == 1);
  }
}

TEST_CASE("infusions: F changes the duration of a rate-defined infusion and the rate of a duration-defined one",
          "[unit]") {
  DoseEvent by_rate;
  by_rate.amount = 100;
  by_rate.rate = 50;  // 2 h at full F
  by_rate.f = 0.5;    // 50 mg at 50 mg/h: 1 h
  auto a = expand_doses({by_rate});
  REQUIRE(a.size() == 2);
  CHECK(a[0].rate_change == 50.0);
  CHECK(a[1].time == Approx(1.0));
  CHECK(a[1].rate_change == -50.0);

  DoseEvent by_duration;
  by_duration.amount = 100;
  by_duration.duration = 2;
  by_duration.f = 0.5;  // 50 mg over 2 h: 25 mg/h
  a = expand_doses({by_duration});
  REQUIRE(a.size() == 2);
  CHECK(a[0].rate_change == Approx(25.0));
  CHECK(a[1].time == Approx(2.0));
}

TEST_CASE("actions are sorted across records and malformed records are refused", "[unit]") {
  DoseEvent late;
  late.time = 10;
  late.amount = 1;
  DoseEvent early;
  early.time = 2;
  early.amount = 1;
  const auto a = expand_doses({late, early});
  CHECK(a[0].time == 2.0);
  CHECK(a[1].time == 10.0);
  CHECK(breakpoints(a) == std::vector<double>{2.0, 10.0});

  DoseEvent bad;
  bad.amount = -1;
  CHECK_THROWS_AS(expand_doses({bad}), std::invalid_argument);
  DoseEvent both;
  both.amount = 1;
  both.rate = 1;
  both.duration = 1;
  CHECK_THROWS_AS(expand_doses({both}), std::invalid_argument);
  DoseEvent addl_no_ii;
  addl_no_ii.amount = 1;
  addl_no_ii.addl = 3;
  CHECK_THROWS_AS(expand_doses({addl_no_ii}), std::invalid_argument);
}
