// Validation of the PK engine against closed forms: Michaelis-Menten elimination
// (its linear and zero-order limits, [GP] ch. 7) and the AUC state.
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

TEST_CASE("Michaelis-Menten: linear at C << KM, clearly not at C >> KM", "[validation]") {
  // [GP ch. 7]: elimination rate VMAX*C/(KM + C) = (VMAX/KM) C (1 - delta),
  // delta = C/(KM + C) <= Cmax/KM =: eps. Bound: given the trajectory C(t), the
  // MM system is linear with time-varying k10(t) = VMAX/(V1 (KM + C(t))) in
  // [k10 (1 - eps), k10], k10 = VMAX/(KM V1). Read amounts as numbers of
  // molecules: a molecule in the central compartment at t survives with
  // probability exp(-int k10(s) 1{in central} ds), and its time in the central
  // compartment is at most t. Hence, compared with the linear model with
  // CL = VMAX/KM:  1 <= A_mm(t)/A_lin(t) <= exp(eps k10 t), and the relative
  // deviation is at most expm1(eps k10 t) ~ (Cmax/KM) k10 t. Here 8 doses of
  // 1 mg (F = 0.7) into V1 = 50 L, KM = 1000 mg/L: Cmax ~ 0.02 mg/L, eps ~ 2e-5,
  // k10 <= 0.2/h, t <= 156 h: the bound is below 1e-3 (checked), and so is
  // the deviation (for 1-cmt the sharper bound k10 AUC(t)/KM ~ 1e-4 applies).
  PkSimulator sim;
  constexpr double kKm = 1000.0;
  for (const auto& d : kDisp)
    for (Input in : {Input::kIvBolus, Input::kFirstOrder}) {
      Case c{d, in, Regimen::kAddl, {}};
      const double vmax = d.cl * kKm;  // CL = VMAX/KM
      const PkSystem s = compile_mm(d, absorption_of(in), vmax, kKm, kF, kTlag);
      auto doses = given_doses(c);
      for (auto& g : doses) g.amount = kF * 1.0;
      auto records = dose_records(s, c);
      records[0].amount = 1.0;
      const auto samples = sample_times(doses, 0.5);
      const Trajectory tr = simulate(sim, s, records, samples, Engine::kOde);
      const Exponentials e = macro_constants(d);
      double cmax = 0, max_dev = 0;
      for (Eigen::Index j = 0; j < tr.states.cols(); ++j) cmax = std::max(cmax, tr.states(s.idx_central, j) / e.v);
      const double eps = 1.05 * cmax / kKm, k10 = d.cl / d.v1;
      bool within = true;
      for (std::size_t j = 0; j < samples.size(); ++j) {
        const double lin = oracle_central(e, c, doses, samples[j]);
        if (lin < 1e-3 * cmax * e.v) continue;  // before the first dose arrives
        const double dev = tr.states(s.idx_central, static_cast<Eigen::Index>(j)) / lin - 1.0;
        // 1e-6: CVODE's share (see the linear CVODE test).
        within = within && dev > -1e-6 && dev <= std::expm1(eps * k10 * samples[j].time) + 1e-6;
        max_dev = std::max(max_dev, std::abs(dev));
      }
      const double bound = std::expm1(eps * k10 * samples.back().time);
      report("MM, C<<KM vs linear CL=VMAX/KM, " + c.name(), max_dev);
      INFO(c.name() << " max relative deviation " << max_dev << ", bound " << bound);
      CHECK(within);
      CHECK(bound < 1e-3);
      CHECK(max_dev < 1e-3);
    }

  // Saturated: KM = 1 mg/L, 1000 mg into V1 = 50 L (C0 = 20 mg/L): elimination
  // about VMAX instead of CL*C; after 24 h far more drug is left than the
  // linear model with CL = VMAX/KM predicts.
  for (const auto& d : kDisp) {
    const PkSystem s = compile_mm(d, Absorption::kNone, d.cl * 1.0, 1.0, 1.0, 0.0);
    const DoseEvent rec = twinsim::pkpd::make_dose(s, Route::kIvBolus, 0.0, 1000.0, 0.0);
    const Trajectory tr = simulate(sim, s, {rec}, {{24.0, false}}, Engine::kOde);
    const double lin = 1000.0 * macro_constants(d).bolus(24.0);
    CHECK(tr.states(s.idx_central, 0) > 3.0 * lin);
  }
}

TEST_CASE("Michaelis-Menten with KM << C: zero-order elimination A(t) = A0 - VMAX t", "[validation]") {
  // [GP ch. 7]: dA/dt = -VMAX C/(KM + C) = -VMAX (1 - KM/(KM + C)). For C >> KM
  // A(t) = A0 - VMAX t, and 0 <= A(t) - (A0 - VMAX t) <= VMAX t KM/C(t).
  // AUC(t) = (A0 t - VMAX t^2/2)/V. 1-cmt, V = 50 L, VMAX = 10 mg/h, KM = 1e-6 mg/L,
  // 1000 mg with F = 0.8 at t = 0 and TLAG = 1: A0 = 800 mg at t = 1 h; sampled
  // while A >= 50 mg (C >= 1 mg/L).
  constexpr double kV = 50, kVmax = 10, kKm = 1e-6, kA0 = 800;
  const PkSystem s = compile_mm({1, 0, kV, 0, 0, 0, 0}, Absorption::kNone, kVmax, kKm, 0.8, 1.0);
  std::vector<Sample> samples;
  for (double t = 0; t <= 76.0; t += 0.5) samples.push_back({t, false});
  PkSimulator sim;
  const Trajectory tr =
      simulate(sim, s, {twinsim::pkpd::make_dose(s, Route::kIvBolus, 0.0, 1000.0, 0.0)}, samples, Engine::kOde);
  double err = 0, err_auc = 0;
  for (std::size_t j = 0; j < samples.size(); ++j) {
    const double tau = samples[j].time - 1.0;
    const auto col = static_cast<Eigen::Index>(j);
    if (tau <= 0) {
      CHECK(tr.states(s.idx_central, col) == 0.0);
      continue;
    }
    const double expected = kA0 - kVmax * tau, got = tr.states(s.idx_central, col);
    const double bound = kVmax * tau * kKm / (expected / kV) + 1e-6 * kA0;
    CHECK(got - expected >= -1e-6 * kA0);
    CHECK(got - expected <= bound);
    err = std::max(err, std::abs(got - expected) / expected);
    const double auc = (kA0 * tau - kVmax * tau * tau / 2) / kV;
    err_auc = std::max(err_auc, std::abs(tr.states(s.idx_auc, col) - auc) / auc);
  }
  report("MM zero-order amount A0 - VMAX t", err);
  report("MM zero-order AUC", err_auc);
  CHECK(err < 1e-4);
  CHECK(err_auc < 1e-4);
}

TEST_CASE("AUC state: AUC(0, inf) of one dose and AUC over a steady-state interval = F*Dose/CL", "[validation]") {
  // [GP ch. 1-3]: AUC(0, inf) = F Dose / CL whatever the route and
  // disposition (all of F*Dose is eventually eliminated at rate CL*C); at
  // steady state the AUC over one interval tau equals it. Infinity is
  // approximated by 40/lambda_z after the dose (neglected tail ~ e^{-40}), steady
  // state by n doses with e^{-lambda_z n tau} < e^{-25} (lambda_z: the smallest
  // macro-constant).
  PkSimulator sim;
  for (int i = 0; i < 3; ++i)
    for (Input in : {Input::kIvBolus, Input::kIvInfusion, Input::kFirstOrder, Input::kZeroOrder, Input::kTransit})
      for (Engine engine : {Engine::kAnalytic, Engine::kOde}) {
        const auto lambda = macro_constants(kDisp[i]).lambda;
        const double lambda_z = *std::min_element(lambda.begin(), lambda.end());
        const double expected = kF * kDose / kDisp[i].cl;
        const std::string what = std::string(twinsim::pkpd::to_string(engine)) + " " +
                                 std::to_string(kDisp[i].ncmt) + "-cmt " + input_name(in);
        INFO(what);
        const Case c{kDisp[i], in, Regimen::kSingle, kTransit[i]};
        const PkSystem s = compile_case(c);
        auto records = dose_records(s, c);
        const double t_end = kTlag + 10.0 + 40.0 / lambda_z;
        Trajectory tr = simulate(sim, s, records, {{t_end, false}}, engine);
        const double err_inf = std::abs(tr.states(s.idx_auc, 0) - expected) / expected;
        report(what + " AUC(0,inf)", err_inf);
        CHECK(err_inf < (engine == Engine::kAnalytic ? 1e-8 : 1e-5));

        records[0].ii = 12.0;
        records[0].addl = static_cast<int>(std::ceil(25.0 / (lambda_z * 12.0)));
        const double t0 = records[0].addl * 12.0 + kTlag;  // last dose (lagged)
        tr = simulate(sim, s, records, {{t0, false}, {t0 + 12.0, false}}, engine);
        const double err_ss = std::abs(tr.states(s.idx_auc, 1) - tr.states(s.idx_auc, 0) - expected) / expected;
        report(what + " AUC_ss(tau), " + std::to_string(records[0].addl + 1) + " doses", err_ss);
        CHECK(err_ss < (engine == Engine::kAnalytic ? 1e-8 : 1e-4));
      }
}
