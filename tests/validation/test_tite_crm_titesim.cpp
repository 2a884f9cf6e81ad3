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
// The selection fractions ($MTD) and mean patients per dose ($level) below are its output, stored with these
// settings so the test needs no R (R CMD INSTALL -l /tmp/rlib dfcrm_0.2-2.1
// and the call above reproduce them).
//
// twinsim runs the same design (`type: tite_crm`, start_dose 2, window 56
// days, one arrival every 14 days, fixed or Poisson) for 20,000 trials; each
// dose's selection fraction must agree within 4 combined Monte-Carlo SEs
// (sqrt(p(1-p)/4000 + p(1-p)/20000)), its mean patients within 4 SEs of the
// difference (twinsim's per-trial sd for both, titesim reports none).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "design_sim.hpp"
#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/runner/runner.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace {

struct Oc {
  std::vector<double> sel, mean_n, sd_n;  // per dose: selection fraction, patients (mean, sd over trials)
};

Oc tite_crm_oc(const std::string& model, bool poisson, std::int64_t trials) {
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
  std::vector<double> sel(6, 0.0), n1(6, 0.0), n2(6, 0.0);
  twinsim::trial::ResultBlock b;
  for (std::int64_t first = 0; first < trials; first += 5000) {
    runner.run_block(first, std::min<std::int64_t>(5000, trials - first), b);
    for (const auto& t : b.trials) {
      REQUIRE(t.selected_dose >= 0);
      sel[static_cast<std::size_t>(t.selected_dose)] += 1.0;
      REQUIRE(t.n_patients == 24);
      for (std::size_t d = 0; d < 6; ++d) {
        n1[d] += t.n_per_dose[d];
        n2[d] += static_cast<double>(t.n_per_dose[d]) * t.n_per_dose[d];
      }
    }
  }
  const auto r = static_cast<double>(trials);
  Oc oc;
  for (std::size_t d = 0; d < 6; ++d) {
    oc.sel.push_back(sel[d] / r);
    oc.mean_n.push_back(n1[d] / r);
    oc.sd_n.push_back(std::sqrt(std::max(0.0, (n2[d] - n1[d] * n1[d] / r) / (r - 1))));
  }
  return oc;
}

// Selection within 4 combined binomial SEs; mean patients per dose within 4
// SEs with the peer's unknown per-trial sd taken as ours.
void compare(const Oc& ours, const std::vector<double>& peer_sel, const std::vector<double>& peer_n, double r_ours,
             double r_peer) {
  for (std::size_t d = 0; d < peer_sel.size(); ++d) {
    const double p = 0.5 * (ours.sel[d] + peer_sel[d]);
    const double se = std::sqrt(p * (1 - p) / r_ours + p * (1 - p) / r_peer);
    INFO("dose " << d + 1 << ": twinsim " << ours.sel[d] << ", titesim " << peer_sel[d] << ", SE " << se);
    CHECK(std::abs(ours.sel[d] - peer_sel[d]) <= 4 * se + 1e-12);
    const double se_n = ours.sd_n[d] * std::sqrt(1 / r_ours + 1 / r_peer);
    INFO("patients at dose " << d + 1 << ": twinsim " << ours.mean_n[d] << ", titesim " << peer_n[d] << ", SE " << se_n);
    CHECK(std::abs(ours.mean_n[d] - peer_n[d]) <= 4 * se_n + 1e-12);
  }
}

}  // namespace

TEST_CASE("TITE-CRM selection matches dfcrm titesim, empiric model, Poisson accrual", "[validation][tite]") {
  const std::vector<double> sel = {0.29050, 0.54100, 0.15925, 0.00875, 0.00050, 0.00000};  // $MTD
  const std::vector<double> n = {8.09850, 7.51250, 6.22075, 1.60775, 0.52950, 0.03100};   // $level
  compare(tite_crm_oc("empiric", true, 20000), sel, n, 20000, 4000);
}

TEST_CASE("TITE-CRM selection matches dfcrm titesim, logistic model, fixed accrual", "[validation][tite]") {
  const std::vector<double> sel = {0.28750, 0.53000, 0.17025, 0.01175, 0.00050, 0.00000};  // $MTD
  const std::vector<double> n = {8.90900, 6.84425, 5.42375, 1.57675, 0.75100, 0.49525};   // $level
  compare(tite_crm_oc("logistic", false, 20000), sel, n, 20000, 4000);
}
