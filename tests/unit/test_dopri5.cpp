#include <catch2/catch.hpp>

#include <cmath>

#include "twinsim/core/dopri5.hpp"

using namespace twinsim::core;

namespace {
// Harmonic oscillator y'' = -w^2 y: closed form y = cos(w t), y' = -w sin(w t).
struct Oscillator : OdeSystem {
  double w = 2.0;
  int size() const override { return 2; }
  void rhs(double, const double* y, double* d) const override {
    d[0] = y[1];
    d[1] = -w * w * y[0];
  }
};
// Linear stiff system: fast mode -1e4, slow mode -1.
struct Stiff : OdeSystem {
  int size() const override { return 2; }
  void rhs(double, const double* y, double* d) const override {
    d[0] = -1e4 * (y[0] - std::cos(y[1]));
    d[1] = -y[1];
  }
};
}  // namespace

TEST_CASE("Dormand-Prince hits the closed form at steps and through dense output", "[unit]") {
  Oscillator sys;
  Dopri5Solver s(2);
  const double y0[2] = {1.0, 0.0};
  OdeOptions o;
  o.rtol = 1e-9;
  o.atol = {1e-12};
  s.start(sys, 0.0, y0, o);
  double y[2];
  // Outputs between steps (tstop far away) come from the dense output, whose
  // own error is O(h^5) locally; 1e-6 bounds it with margin at rtol 1e-9.
  for (int k = 1; k <= 100; ++k) {
    const double t = 0.1 * k;
    REQUIRE(s.advance(t, 20.0, y) == SolveStatus::kOk);
    CHECK(y[0] == Approx(std::cos(sys.w * t)).margin(1e-6));
    CHECK(y[1] == Approx(-sys.w * std::sin(sys.w * t)).margin(2e-6));
  }
  // Landing exactly on tstop uses the step itself: tolerance-level error.
  REQUIRE(s.advance(20.0, 20.0, y) == SolveStatus::kOk);
  CHECK(s.current_time() == 20.0);
  CHECK(y[0] == Approx(std::cos(40.0)).margin(1e-7));
  CHECK(s.total_steps() > 0);
}

TEST_CASE("Dormand-Prince reports stiffness instead of crawling", "[unit]") {
  Stiff sys;
  Dopri5Solver s(2);
  const double y0[2] = {0.0, 1.0};
  OdeOptions o;
  o.rtol = 1e-6;
  o.atol = {1e-9};
  s.start(sys, 0.0, y0, o);
  double y[2];
  const SolveStatus st = s.advance(10.0, 10.0, y);
  CHECK(st == SolveStatus::kStiff);
  CHECK(s.last_message().find("stiff") != std::string::npos);
}
