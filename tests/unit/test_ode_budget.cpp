// [unit] The per-integration step budget (OdeOptions::max_total_steps): many
// advance() calls that each stay under max_steps still end, with
// kTooMuchWork, once the whole integration has used its budget. This is what
// keeps one hostile patient from hanging a run.
#include <catch2/catch.hpp>

#include <string>

#include "twinsim/core/dopri5.hpp"
#include "twinsim/core/ode.hpp"

using namespace twinsim::core;

namespace {
// A fast harmonic oscillator: every unit of time costs many steps.
struct Oscillator : OdeSystem {
  double w = 200.0;
  int size() const override { return 2; }
  void rhs(double, const double* y, double* d) const override {
    d[0] = w * y[1];
    d[1] = -w * y[0];
  }
};

// Advances in unit steps up to t_end; returns the first failure (or kOk) and
// the time reached.
std::pair<SolveStatus, double> drive(OdeIntegrator& s, double t_end) {
  double y[2];
  for (double t = 1.0; t <= t_end; t += 1.0) {
    const SolveStatus st = s.advance(t, t, y);
    if (st != SolveStatus::kOk) return {st, t};
  }
  return {SolveStatus::kOk, t_end};
}
}  // namespace

TEST_CASE("CVODE stops a long integration at the total step budget, not at max_steps", "[unit]") {
  Oscillator sys;
  OdeOptions o;
  o.rtol = 1e-8;
  o.atol = {1e-10};
  o.max_steps = 1'000'000;  // no single advance() comes near this
  const double y0[2] = {1.0, 0.0};

  CvodeSolver unlimited(2);
  unlimited.start(sys, 0.0, y0, o);
  REQUIRE(drive(unlimited, 20.0).first == SolveStatus::kOk);
  const long needed = unlimited.total_steps();
  REQUIRE(needed > 4000);  // the test is only meaningful if the budget below binds

  o.max_total_steps = needed / 4;
  CvodeSolver limited(2);
  limited.start(sys, 0.0, y0, o);
  const auto [status, t] = drive(limited, 20.0);
  CHECK(status == SolveStatus::kTooMuchWork);
  CHECK(t > 1.0);   // several advance() calls succeeded first
  CHECK(t < 20.0);  // and the budget ended it early
  CHECK(limited.last_message().find("step budget") != std::string::npos);

  // start() gives the next patient a fresh budget.
  limited.start(sys, 0.0, y0, o);
  double y[2];
  CHECK(limited.advance(1.0, 1.0, y) == SolveStatus::kOk);
}

TEST_CASE("Dormand-Prince also honours the total step budget", "[unit]") {
  Oscillator sys;
  OdeOptions o;
  o.rtol = 1e-8;
  o.atol = {1e-10};
  o.max_steps = 1'000'000;
  const double y0[2] = {1.0, 0.0};
  Dopri5Solver unlimited(2);
  unlimited.start(sys, 0.0, y0, o);
  REQUIRE(drive(unlimited, 20.0).first == SolveStatus::kOk);
  const long needed = unlimited.total_steps();
  REQUIRE(needed > 4000);
  o.max_total_steps = needed / 4;
  Dopri5Solver limited(2);
  limited.start(sys, 0.0, y0, o);
  const auto [status, t] = drive(limited, 20.0);
  CHECK(status == SolveStatus::kTooMuchWork);
  CHECK(t > 1.0);
  CHECK(t < 20.0);
}
