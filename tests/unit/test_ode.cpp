#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include "twinsim/core/ode.hpp"

using namespace twinsim::core;

namespace {
// y' = -k y, closed form y0 e^{-kt}.
struct Decay : OdeSystem {
  double k = 0.7;
  int size() const override { return 1; }
  void rhs(double, const double* y, double* d) const override { d[0] = -k * y[0]; }
  bool has_jacobian() const override { return true; }
  bool jacobian(double, const double*, double* j) const override {
    j[0] = -k;
    return true;
  }
};
// y' = y^2 blows up at t = 1/y0.
struct BlowUp : OdeSystem {
  int size() const override { return 1; }
  void rhs(double, const double* y, double* d) const override { d[0] = y[0] * y[0]; }
};
struct Throws : OdeSystem {
  int size() const override { return 1; }
  void rhs(double t, const double*, double* d) const override {
    if (t > 0.5) throw std::runtime_error("model failure");
    d[0] = 0;
  }
};
}  // namespace

TEST_CASE("CVODE solves exponential decay to tolerance and stops exactly at tstop", "[unit]") {
  Decay sys;
  CvodeSolver s(1);
  const double y0 = 5.0;
  OdeOptions o;
  o.rtol = 1e-10;
  o.atol = {1e-14};
  s.start(sys, 0.0, &y0, o);
  double y = 0;
  for (double t : {0.5, 1.0, 3.0, 10.0}) {
    REQUIRE(s.advance(t, t, &y) == SolveStatus::kOk);
    CHECK(y == Approx(y0 * std::exp(-sys.k * t)).epsilon(1e-8));
    CHECK(s.current_time() == t);
  }
  // A restart (after a "dose") continues from the new state.
  const double bumped = y + 1.0;
  s.restart(10.0, &bumped);
  REQUIRE(s.advance(12.0, 12.0, &y) == SolveStatus::kOk);
  CHECK(y == Approx(bumped * std::exp(-sys.k * 2.0)).epsilon(1e-8));
}

TEST_CASE("solver failures are reported as a status, not garbage", "[unit]") {
  BlowUp sys;
  CvodeSolver s(1);
  const double y0 = 1.0;
  OdeOptions o;
  o.max_steps = 5000;
  s.start(sys, 0.0, &y0, o);
  double y = 0;
  const SolveStatus st = s.advance(2.0, 2.0, &y);
  CHECK(st != SolveStatus::kOk);
  CHECK_FALSE(s.last_message().empty());
}

TEST_CASE("an exception in the right-hand side crosses the C callback safely", "[unit]") {
  Throws sys;
  CvodeSolver s(1);
  const double y0 = 1.0;
  s.start(sys, 0.0, &y0, OdeOptions{});
  double y = 0;
  CHECK_THROWS_WITH(s.advance(1.0, 1.0, &y), "model failure");
}
