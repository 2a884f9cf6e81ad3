// Validation of the PK engine (analytic matrix-exponential engine and CVODE)
// against the closed-form solutions of pk_closed_form_oracle.hpp: linear models.
//
// Error metric (everywhere below): |got - expected| / max(|expected|, 1e-3*Cmax),
// Cmax the largest expected value of the case. The floor keeps the far tail
// of the curve (where the concentration is a tiny fraction of the peak and a
// relative error is meaningless) from dominating the metric.
//
// Set TWINSIM_VALIDATION_REPORT=1 to print the maximal error of every case.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "pk_closed_form_oracle.hpp"

using namespace twinsim::test::pk_oracle;

TEST_CASE("closed-form oracle: macro-constants satisfy the characteristic polynomial", "[validation]") {
  // Self-check of the oracle: h(0) = sum c_i = 1 and the lambda_i multiply to
  // the constant term of the characteristic polynomial (k10 k21 k31 for 3-cmt).
  for (const auto& d : kDisp) {
    const Exponentials e = macro_constants(d);
    double sum = 0, prod = 1;
    for (std::size_t i = 0; i < e.lambda.size(); ++i) {
      sum += e.coef[i];
      prod *= e.lambda[i];
      CHECK(e.lambda[i] > 0);
    }
    double a0 = d.cl / d.v1;
    if (d.ncmt >= 2) a0 *= d.q2 / d.v2;
    if (d.ncmt == 3) a0 *= d.q3 / d.v3;
    CHECK(sum == Approx(1.0).epsilon(1e-12));
    CHECK(prod == Approx(a0).epsilon(1e-12));
  }
}

TEST_CASE("analytic engine = sum-of-exponentials closed form, every linear model x route x regimen",
          "[validation]") {
  // Single dose, 8 doses by II/ADDL and 7 irregular dose records, all with
  // TLAG = 0.75 h and F = 0.7 [GP ch. 1-3; BM].
  PkSimulator sim;
  for (const auto& d : kDisp)
    for (Input in : kLinearInputs)
      for (Regimen r : {Regimen::kSingle, Regimen::kAddl, Regimen::kIrregular}) {
        const Case c{d, in, r, {}};
        const double err = check_case(sim, c, Engine::kAnalytic, 0.25);
        report("analytic " + c.name(), err);
        INFO(c.name() << ": max rel err " << err);
        CHECK(err < 1e-6);
      }
}

TEST_CASE("analytic engine: rate-defined infusion with F lasts F*AMT/RATE (NONMEM)", "[validation]") {
  // [GP ch. 1, 3; BM] with duration F*AMT/RATE at rate RATE, superposed.
  PkSimulator sim;
  for (const auto& d : kDisp) {
    const Case c{d, Input::kIvInfusion, Regimen::kAddl, {}};
    const PkSystem s = compile_case(c);
    DoseEvent rec = twinsim::pkpd::make_dose(s, Route::kIvBolus, 0.0, kDose, 0.0);
    rec.rate = 40.0;  // 70 mg at 40 mg/h: 1.75 h
    rec.ii = 12.0;
    rec.addl = 7;
    std::vector<Given> doses;
    for (int k = 0; k <= 7; ++k) doses.push_back({0.0 + k * 12.0 + kTlag, kF * kDose, kF * kDose / 40.0});
    const Exponentials e = macro_constants(d);
    const auto samples = sample_times(doses, 0.25);
    const Trajectory tr = simulate(sim, s, {rec}, samples, Engine::kAnalytic);
    std::vector<double> expected;
    for (const Sample& smp : samples) expected.push_back(oracle_central(e, c, doses, smp) / e.v);
    const double err = max_rel_error(row(tr, s.idx_central, s.v_central), expected);
    report("analytic " + std::to_string(d.ncmt) + "-cmt infusion by RATE, ii=12,addl=7", err);
    CHECK(err < 1e-6);
  }
}

TEST_CASE("analytic engine = Erlang transit chain + quadrature convolution oracle", "[validation]") {
  // [SK]: transit states against the Erlang solution, the depot against the
  // incomplete-gamma closed form, the concentration against the numerical
  // convolution of KA*DEPOT with the disposition impulse response.
  PkSimulator sim;
  for (int i = 0; i < 3; ++i)
    for (Regimen r : {Regimen::kSingle, Regimen::kAddl}) {
      const Case c{kDisp[i], Input::kTransit, r, kTransit[i]};
      REQUIRE(c.transit.ktr() > c.transit.ka);
      const double err = check_case(sim, c, Engine::kAnalytic, 1.0);
      report("analytic " + c.name() + " NTR=" + std::to_string(c.transit.ntr), err);
      INFO(c.name() << ": max rel err " << err);
      CHECK(err < 1e-6);

      // States of the chain and the depot.
      const PkSystem s = compile_case(c);
      REQUIRE(s.n_transit == c.transit.ntr);
      const auto doses = given_doses(c);
      const auto samples = sample_times(doses, 1.0);
      const Trajectory tr = simulate(sim, s, dose_records(s, c), samples, Engine::kAnalytic);
      double err_states = 0;
      for (int n = 0; n <= c.transit.ntr; ++n) {  // n = ntr: the depot
        std::vector<double> expected;
        for (const Sample& smp : samples) {
          double a = 0;
          for (const Given& g : doses) {
            const double tau = smp.time - g.t;
            if (tau < 0 || (tau == 0 && !smp.after_inputs)) continue;
            a += g.amount * (n < c.transit.ntr ? transit_amount(c.transit, n + 1, tau) : depot_amount(c.transit, tau));
          }
          expected.push_back(a);
        }
        const int idx = n < c.transit.ntr ? s.idx_first_transit + n : s.idx_depot;
        err_states = std::max(err_states, max_rel_error(row(tr, idx), expected));
      }
      report("analytic " + c.name() + " transit+depot states", err_states);
      CHECK(err_states < 1e-6);
    }
}

TEST_CASE("CVODE engine (default options) = closed form, every linear model x route", "[validation]") {
  // Same oracle as above [GP, BM, SK]; multiple doses with TLAG and F.
  PkSimulator sim;
  for (int i = 0; i < 3; ++i) {
    for (Input in : kLinearInputs)
      for (Regimen r : {Regimen::kAddl, Regimen::kIrregular}) {
        const Case c{kDisp[i], in, r, {}};
        const double err = check_case(sim, c, Engine::kOde, 0.25);
        report("ode " + c.name(), err);
        INFO(c.name() << ": max rel err " << err);
        CHECK(err < 1e-5);
      }
    const Case c{kDisp[i], Input::kTransit, Regimen::kAddl, kTransit[i]};
    const double err = check_case(sim, c, Engine::kOde, 1.0);
    report("ode " + c.name(), err);
    CHECK(err < 1e-5);
  }
}
