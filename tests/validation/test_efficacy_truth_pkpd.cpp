// [validation] PK/PD mode: the reference cohort's P(response), P(DLT and
// response) and BOIN12 utility per dose (runner/truth.cpp with efficacy,
// results/oc_metrics.cpp utility_se), against closed forms.
//
// The model is built so that both outcomes are threshold events of one
// log-normal parameter each, through the same exposure:
//   IV bolus D into CENT, CL/V = 1 /h, so AUC(0, t) = D / CL (1 - e^-t) is
//   D / CL to 1e-17 from t = 40 h on (the window end and the weekly RECIST
//   assessments are later);
//   TOX = TOXP * AUC(0, t): a DLT iff TOXP * D / CL > 1 (TOX above 1);
//   SLD = 50 exp(-K * AUC(0, t)): a RECIST PR iff K * D / CL >= -ln 0.7.
// With TOXP, K log-normal (CV c: omega^2 = ln(1 + c^2)) and correlation rho of
// their etas, P(DLT) = Phi((ln(D/CL) + ln TOXP0) / w1), P(R) = Phi((ln(D/CL) +
// ln K0 - ln(-ln 0.7)) / w2) and P(both) = Phi2(z1, z2; rho). Binomial
// tolerances: 4 SE of the reference cohort.
#include <catch2/catch.hpp>

#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/results/memory_sink.hpp"
#include "twinsim/trial/results/oc_metrics.hpp"
#include "twinsim/trial/runner/run.hpp"
#include "twinsim/trial/runner/truth.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

using namespace twinsim;

namespace {

constexpr double kCl = 10.0, kToxp0 = 0.05, kK0 = 0.02, kCvTox = 0.5, kCvK = 0.6;
const std::vector<double> kDoses = {100, 200, 400, 800};

std::string scenario(double rho, int cohort) {
  return "name: efficacy-truth-pkpd\nseed: 41\nreplicates: 50\n"
         "dose_levels: [100, 200, 400, 800]\n"
         "model:\n  ode:\n"
         "    parameters: {CL: 10, V: 10, TOXP: 0.05, K: 0.02}\n"
         "    states: {CENT: 0, EXPO: 0, SLD: 50}\n"
         "    equations: |\n"
         "      Cc = CENT / V\n"
         "      d/dt(CENT) = -CL / V * CENT\n"
         "      d/dt(EXPO) = Cc\n"
         "      d/dt(SLD) = -K * Cc * SLD\n"
         "    outputs: {Cc: Cc, TOX: TOXP * EXPO, TUMOR: SLD}\n"
         "    dosing: {iv: CENT}\n"
         "regimen: {route: iv_bolus, interval_h: 504, doses_per_cycle: 1, cycle_length_h: 504, cycles: 1}\n"
         "population:\n  iiv:\n    parameters: [TOXP, K]\n    cv: [0.5, 0.6]\n"
         "    correlation: [[1, " + std::to_string(rho) + "], [" + std::to_string(rho) + ", 1]]\n"
         "endpoints:\n  dlt:\n    window_h: 504\n    truth_cohort_size: " + std::to_string(cohort) + "\n"
         "    criteria:\n      - {variable: TOX, above: 1, min_duration_h: 0}\n"
         "  recist: {assessment_interval_h: 168}\n"
         "output: {patients: false}\n"
         "designs:\n  - {name: boin12, type: boin12, target: 0.3, lower_efficacy: 0.25, cohort_size: 3, max_patients: 12}\n";
}

double omega(double cv) { return std::sqrt(std::log1p(cv * cv)); }
double phi(double z) { return boost::math::cdf(boost::math::normal(), z); }

// Standardised thresholds: the event is eta >= -z * omega, probability Phi(z).
double z_dlt(double dose) { return (std::log(dose / kCl) + std::log(kToxp0)) / omega(kCvTox); }
double z_response(double dose) { return (std::log(dose / kCl) + std::log(kK0) - std::log(-std::log(0.7))) / omega(kCvK); }

trial::TruthCurve estimate(double rho, int cohort) {
  const auto s = trial::load_scenario_text(scenario(rho, cohort), "efficacy-truth-pkpd.yaml");
  const auto model = trial::make_patient_model(s);
  return trial::estimate_truth(*model, kDoses.size(), cohort, 2, trial::SolveFailurePolicy::kNoDlt, {}, false, true);
}

// Independent etas, 2000 reference patients: estimated once for two tests.
const trial::TruthCurve& independent() {
  static const trial::TruthCurve t = estimate(0.0, 2000);
  return t;
}

void check_binomial(double estimate, double se, double exact, std::int64_t n, const std::string& what) {
  const double sd = std::sqrt(exact * (1.0 - exact) / static_cast<double>(n));
  INFO(what << ": estimate " << estimate << " ± " << se << ", closed form " << exact);
  CHECK(std::abs(estimate - exact) <= 4.0 * sd + 1e-12);
  CHECK(se == Approx(std::sqrt(estimate * (1.0 - estimate) / static_cast<double>(n))).margin(1e-15));
}

}  // namespace

TEST_CASE("PK/PD efficacy truth: P(DLT), P(response), P(both) match the closed forms (independent etas)",
          "[validation]") {
  const int n = 2000;
  const trial::TruthCurve& t = independent();
  REQUIRE(t.response.size() == kDoses.size());
  for (std::size_t d = 0; d < kDoses.size(); ++d) {
    const std::string at = " at dose " + std::to_string(kDoses[d]);
    REQUIRE(t.n_evaluable[d] == n);
    const double pt = phi(z_dlt(kDoses[d])), pe = phi(z_response(kDoses[d]));
    check_binomial(t.p[d], t.se[d], pt, n, "P(DLT)" + at);
    check_binomial(t.response[d], t.response_se[d], pe, n, "P(response)" + at);
    check_binomial(t.both[d], t.both_se[d], pt * pe, n, "P(DLT and response)" + at);
  }
}

TEST_CASE("PK/PD efficacy truth: the joint follows the etas' correlation (rho 0.6: Phi2, not the product)",
          "[validation]") {
  const int n = 2000;
  const double rho = 0.6;
  const trial::TruthCurve t = estimate(rho, n);
  REQUIRE(t.both.size() == kDoses.size());
  int rejected = 0;
  for (std::size_t d = 0; d < kDoses.size(); ++d) {
    const double pt = phi(z_dlt(kDoses[d])), pe = phi(z_response(kDoses[d]));
    // dlt_and_response_probability is Phi2(Phi^-1(p), Phi^-1(q); rho) (its own
    // validation: test_efficacy_truth.cpp); here it is the oracle of a
    // simulation that never calls it.
    const double joint = trial::dlt_and_response_probability(pt, pe, rho);
    check_binomial(t.both[d], t.both_se[d], joint, n, "P(DLT and response) at dose " + std::to_string(kDoses[d]));
    // The check discriminates: the product (independence) is rejected somewhere.
    rejected += std::abs(t.both[d] - pt * pe) > 4.0 * std::sqrt(pt * pe * (1 - pt * pe) / n) ? 1 : 0;
  }
  CHECK(rejected >= 1);
}

TEST_CASE("PK/PD efficacy truth: BOIN12 utility per dose and its SE match the closed form", "[validation]") {
  const int n = 2000;
  const trial::TruthCurve& t = independent();
  const trial::ObdRule rule;  // BOIN12's defaults: u = 100, 40, 60, 0
  const trial::TrueObd est = trial::true_obd(t.p, t.response, t.both, rule);
  const std::vector<double> se = trial::utility_se(t, rule);
  REQUIRE(est.scored);
  REQUIRE(se.size() == kDoses.size());
  for (std::size_t d = 0; d < kDoses.size(); ++d) {
    const double pt = phi(z_dlt(kDoses[d])), pe = phi(z_response(kDoses[d]));
    const double b = pt * pe;
    const double u = 100 * (pe - b) + 40 * (1 - pt - pe + b) + 60 * b;
    const double u2 = 1e4 * (pe - b) + 1600 * (1 - pt - pe + b) + 3600 * b;
    const double sd = std::sqrt((u2 - u * u) / n);
    INFO("dose " << kDoses[d] << ": utility " << est.utility[d] << " ± " << se[d] << ", closed form " << u << " ± " << sd);
    CHECK(std::abs(est.utility[d] - u) <= 4.0 * sd);
    // The SE is estimated from the estimated outcome shares: within 15 % of
    // the closed form's (its rare categories near P = 1 vary most).
    CHECK(se[d] == Approx(sd).epsilon(0.15));
  }
}

TEST_CASE("PK/PD efficacy truth: a run scores BOIN12 against the estimated OBD and stores it", "[validation]") {
  trial::MemorySink sink;
  const auto s = trial::load_scenario_text(scenario(0.0, 1000), "efficacy-truth-pkpd.yaml");
  const trial::RunSummary r = trial::run(s, sink, {});
  const trial::DesignOc& oc = r.oc.designs.at(0);
  REQUIRE(sink.results().truth.has_value());
  const trial::TruthCurve& t = *sink.results().truth;
  REQUIRE(t.response.size() == kDoses.size());
  const trial::TrueObd expected = trial::true_obd(t.p, t.response, t.both, trial::ObdRule{0.3, 0.25});
  REQUIRE(oc.obd_dose.has_value());
  CHECK(*oc.obd_dose == expected.obd);
  CHECK(oc.true_utility == expected.utility);
  CHECK(oc.true_utility_se.size() == kDoses.size());
  CHECK(oc.pcs.available());
  CHECK(oc.expected_utility.available());
}
