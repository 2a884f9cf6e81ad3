// [validation] TITE-CRM operating characteristics against dfcrm titesim.
//
// Peer: R package dfcrm 0.2-2.1 (Cheung), titesim(), the simulator of the
// TITE-CRM of Cheung & Chappell (2000, Biometrics 56:1177), run here with
// the settings of its help example: true DLT probabilities PI = (0.10, 0.20,
// 0.40, 0.50, 0.60, 0.65), skeleton (0.05, 0.10, 0.20, 0.35, 0.50, 0.70),
// target 0.2, n = 24 patients one at a time, x0 = 3 (start at dose 3),
// obswin = 6 and rate = 4 (four arrivals per window), restrict = TRUE,
// surv = "uniform" (a DLT's onset uniform in the window), linear weights,
// Bayesian, prior sd sqrt(1.34); seed 1009, nsim = 4000:
//   A: accrual = "poisson", model = "empiric"
//   B: accrual = "fixed", model = "logistic" (intercept 3)
//   titesim(PI, prior, 0.2, 24, 3, nsim = 4000, obswin = 6, rate = 4,
//           accrual = A/B, model = A/B, count = FALSE, seed = 1009)
// The selection fractions ($MTD) below are its output, stored with these
// settings so the test needs no R (R CMD INSTALL -l /tmp/rlib dfcrm_0.2-2.1
// and the call above reproduce them).
//
// twinsim runs the same design (`type: tite_crm`, start_dose 2, window 56
// days, one arrival every 14 days, fixed or Poisson) for 20,000 trials; each
// dose's selection fraction must agree within 4 combined Monte-Carlo SEs
// (sqrt(p(1-p)/4000 + p(1-p)/20000)).
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "design_sim.hpp"
#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/runner/runner.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace {

std::vector<double> tite_crm_selection(const std::string& model, bool poisson, std::int64_t trials) {
  const std::string text =
      "name: v\nseed: 11\ndose_levels: [1, 2, 3, 4, 5, 6]\n"
      "toxicity: {true_dlt_probabilities: [0.10, 0.20, 0.40, 0.50, 0.60, 0.65]}\n"
      "accrual: {patients_per_month: 2.1741071428571428, dlt_window_days: 56, arrivals: " +
      std::string(poisson ? "poisson" : "fixed") +
      "}\ndesigns:\n  - {name: d, type: tite_crm, target: 0.2, skeleton: [0.05, 0.10, 0.20, 0.35, 0.50, 0.70], "
      "model: " + model + ", max_patients: 24, start_dose: 2}\n";
  const auto s = twinsim::trial::load_scenario_text(text, "validation.yaml");
  const twinsim::trial::TruthPatientModel truth(s.seed, *s.true_dlt_probabilities);
  twinsim::trial::DesignRunner runner(*s.designs.at(0).design, truth, 6, 2, false, false);
  runner.set_trial_clock(twinsim::trial::trial_clock(s));
  runner.set_accrual_process({s.seed, poisson});
  std::vector<double> sel(6, 0.0);
  twinsim::trial::ResultBlock b;
  for (std::int64_t first = 0; first < trials; first += 5000) {
    runner.run_block(first, std::min<std::int64_t>(5000, trials - first), b);
    for (const auto& t : b.trials) {
      REQUIRE(t.selected_dose >= 0);
      sel[static_cast<std::size_t>(t.selected_dose)] += 1.0;
      REQUIRE(t.n_patients == 24);
    }
  }
  for (auto& x : sel) x /= static_cast<double>(trials);
  return sel;
}

void compare(const std::vector<double>& ours, const std::vector<double>& peer, double r_ours, double r_peer) {
  for (std::size_t d = 0; d < peer.size(); ++d) {
    const double p = 0.5 * (ours[d] + peer[d]);
    const double se = std::sqrt(p * (1 - p) / r_ours + p * (1 - p) / r_peer);
    INFO("dose " << d + 1 << ": twinsim " << ours[d] << ", titesim " << peer[d] << ", SE " << se);
    CHECK(std::abs(ours[d] - peer[d]) <= 4 * se + 1e-12);
  }
}

}  // namespace

TEST_CASE("TITE-CRM selection matches dfcrm titesim, empiric model, Poisson accrual", "[validation][tite]") {
  const std::vector<double> titesim = {0.29050, 0.54100, 0.15925, 0.00875, 0.00050, 0.00000};
  compare(tite_crm_selection("empiric", true, 20000), titesim, 20000, 4000);
}

TEST_CASE("TITE-CRM selection matches dfcrm titesim, logistic model, fixed accrual", "[validation][tite]") {
  const std::vector<double> titesim = {PEER_B};
  compare(tite_crm_selection("logistic", false, 20000), titesim, 20000, 4000);
}
