// [validation] `twinsim run --exact` in PK/PD mode: the trials are enumerated
// on the true DLT curve estimated by the reference cohort, and the curve's
// sampling error is carried into each OC's SE by the delta method.
//  - The exact OCs at the estimated curve agree with trials simulated from
//    the virtual patients themselves within 4 combined SEs (simulation's
//    Monte-Carlo SE and the exact OC's curve SE are independent: the
//    reference cohort and the trials' patients are different draws).
//  - The delta-method SE is the spread it claims to be: the exact PCS from 30
//    reference cohorts drawn with different seeds has a standard deviation
//    within the chi-square band of the mean reported SE.
//  - propagate_truth_uncertainty on an OC linear in p gives sqrt(a' C a)
//    exactly (closed form), covariance included.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/results/exact_oc.hpp"
#include "twinsim/trial/results/memory_sink.hpp"
#include "twinsim/trial/runner/run.hpp"
#include "twinsim/trial/runner/truth.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

using namespace twinsim;

namespace {

// configs/pkpd_boin_vs_3p3.yaml reduced to what the DLT needs (one cycle,
// no tumour), BOIN with 18 patients on four doses.
std::string scenario(int seed, int replicates, int truth_cohort) {
  return "name: exact-pkpd\nseed: " + std::to_string(seed) + "\nreplicates: " + std::to_string(replicates) +
         "\ndose_levels: [100, 150, 200, 300]\n"
         "model:\n"
         "  pk: {compartments: 2, absorption: first_order, parameters: {CL: 10, V1: 50, Q: 5, V2: 100, KA: 1.0}}\n"
         "  pd:\n    - {type: friberg, parameters: {CIRC0: 5.0, MTT: 125, GAMMA: 0.17, SLOPE: 0.3}}\n"
         "population:\n"
         "  covariates:\n    - {name: WT, distribution: lognormal, median: 70, cv: 0.2, lower: 40, upper: 150}\n"
         "  effects:\n    - {parameter: CL, covariate: WT, type: power, reference: 70, exponent: 0.75}\n"
         "  iiv: {parameters: [CL, V1, KA, ANC.SLOPE], cv: [0.3, 0.3, 0.3, 0.3]}\n"
         "regimen: {route: oral, interval_h: 24, doses_per_cycle: 21, cycle_length_h: 504, cycles: 1}\n"
         "endpoints:\n  dlt:\n    window_h: 504\n"
         "    criteria:\n      - {variable: ANC, grade_at_least: 4, min_duration_h: 72}\n"
         "    truth_cohort_size: " + std::to_string(truth_cohort) + "\n"
         "output: {patients: false}\n"
         "designs:\n  - {name: boin, type: boin, target: 0.3, cohort_size: 3, max_patients: 18}\n";
}

trial::DesignOc exact_oc(int seed, int truth_cohort) {
  trial::MemorySink sink;
  const auto s = trial::load_scenario_text(scenario(seed, 1, truth_cohort), "exact-pkpd.yaml");
  return trial::run_exact(s, sink, {}).oc.designs.at(0);
}

void check_agrees(const trial::Estimate& sim, const trial::Estimate& exact, const std::string& what) {
  INFO(what << ": simulated " << sim.value << " ± " << sim.se << ", exact " << exact.value << " ± " << exact.se);
  CHECK(std::abs(sim.value - exact.value) <= 4.0 * std::sqrt(sim.se * sim.se + exact.se * exact.se));
}

}  // namespace

TEST_CASE("PK/PD --exact: OCs at the estimated curve agree with simulated trials within 4 combined SEs",
          "[validation]") {
  const trial::DesignOc ex = exact_oc(7, 2000);
  REQUIRE(ex.scored);
  CHECK(ex.pcs.se > 0.0);  // the curve is estimated: its error shows
  trial::MemorySink sink;
  const auto s = trial::load_scenario_text(scenario(7, 1500, 2000), "sim.yaml");
  const trial::DesignOc sim = trial::run(s, sink, {}).oc.designs.at(0);
  check_agrees(sim.pcs, ex.pcs, "PCS");
  check_agrees(sim.p_no_selection, ex.p_no_selection, "P(no selection)");
  check_agrees(sim.mean_total_dlts, ex.mean_total_dlts, "mean DLTs");
  for (std::size_t d = 0; d < ex.doses.size(); ++d) {
    check_agrees(sim.doses[d].p_select, ex.doses[d].p_select, "P(select) dose " + std::to_string(d));
    check_agrees(sim.doses[d].mean_patients, ex.doses[d].mean_patients, "patients dose " + std::to_string(d));
  }
}

TEST_CASE("PK/PD --exact: the delta-method SE matches the spread over independent reference cohorts",
          "[validation]") {
  // K cohorts: the sample SD's relative error is about 1/sqrt(2(K-1)) = 0.13,
  // so a ratio outside [0.55, 1.45] is a 3.4-sigma event.
  constexpr int K = 30;
  std::vector<double> pcs, patients;
  double se_pcs = 0.0, se_patients = 0.0;
  for (int k = 0; k < K; ++k) {
    const trial::DesignOc oc = exact_oc(100 + k, 300);
    REQUIRE(oc.target_dose == 2);  // the same correct dose for every cohort (true P(DLT) about 0.14, 0.34, 0.71)
    pcs.push_back(oc.pcs.value);
    patients.push_back(oc.doses[2].mean_patients.value);
    se_pcs += oc.pcs.se / K;
    se_patients += oc.doses[2].mean_patients.se / K;
  }
  const auto sd = [](const std::vector<double>& x) {
    double m = 0.0, v = 0.0;
    for (double e : x) m += e / x.size();
    for (double e : x) v += (e - m) * (e - m) / (x.size() - 1);
    return std::sqrt(v);
  };
  INFO("PCS: SD over cohorts " << sd(pcs) << ", mean delta-method SE " << se_pcs);
  CHECK(sd(pcs) / se_pcs > 0.55);
  CHECK(sd(pcs) / se_pcs < 1.45);
  INFO("patients at dose 200: SD " << sd(patients) << ", mean SE " << se_patients);
  CHECK(sd(patients) / se_patients > 0.55);
  CHECK(sd(patients) / se_patients < 1.45);
}

TEST_CASE("PK/PD --exact: an OC linear in p gets sqrt(a' C a), and the covariance's diagonal is se^2",
          "[validation]") {
  const std::vector<double> p{0.1, 0.3, 0.6}, a{0.5, -2.0, 1.5};
  const std::vector<double> C{0.0009, 0.0004, 0.0001, 0.0004, 0.0016, 0.0006, 0.0001, 0.0006, 0.0025};
  const auto oc_at = [&](const std::vector<double>& q) {
    trial::DesignOc o;
    o.doses.resize(3);
    double v = 0.0;
    for (std::size_t d = 0; d < 3; ++d) v += a[d] * q[d];
    o.pcs = {v, 0.0};
    o.doses[1].p_select = {2.0 * q[0], 0.0};
    return o;
  };
  trial::TruthPerturbation tp;
  trial::DesignOc base = oc_at(p);
  for (std::size_t d = 0; d < 3; ++d) {
    std::vector<double> up = p, down = p;
    up[d] += 1e-3;
    down[d] -= 5e-4;  // uneven steps, as at the ends of [0, 1]
    tp.plus.push_back(oc_at(up));
    tp.minus.push_back(oc_at(down));
    tp.step_up.push_back(1e-3);
    tp.step_down.push_back(5e-4);
  }
  trial::propagate_truth_uncertainty(base, tp, C);
  double var = 0.0;
  for (std::size_t d = 0; d < 3; ++d)
    for (std::size_t e = 0; e < 3; ++e) var += a[d] * C[d * 3 + e] * a[e];
  CHECK(base.pcs.se == Approx(std::sqrt(var)).epsilon(1e-9));
  CHECK(base.doses[1].p_select.se == Approx(2.0 * 0.03).epsilon(1e-9));
  CHECK(std::isnan(base.doses[0].p_select.se));  // no value: left alone

  const auto s = trial::load_scenario_text(scenario(5, 1, 500), "cov.yaml");
  const auto model = trial::make_patient_model(s);
  const trial::TruthCurve t = trial::estimate_truth(*model, 4, 500, 2, trial::SolveFailurePolicy::kNoDlt, {}, true);
  REQUIRE(t.covariance.size() == 16);
  for (std::size_t d = 0; d < 4; ++d) {
    CHECK(t.covariance[d * 4 + d] == Approx(t.se[d] * t.se[d]).epsilon(1e-12).margin(1e-300));
    for (std::size_t e = 0; e < 4; ++e) {
      CHECK(t.covariance[d * 4 + e] == t.covariance[e * 4 + d]);
      // The same patients at every dose: DLTs monotone in dose give cov >= 0, and |corr| <= 1.
      CHECK(t.covariance[d * 4 + e] >= 0.0);
      CHECK(t.covariance[d * 4 + e] <= t.se[d] * t.se[e] * (1 + 1e-12));
    }
  }
}
