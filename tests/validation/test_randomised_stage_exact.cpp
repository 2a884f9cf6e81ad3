// [validation] The randomised dose-optimisation stage (`randomised_stage:`)
// against exact enumeration.
//
// Setting: design-only, true P(DLT) 0, 0, 0, 1, 1, so the 3+3 escalation is
// deterministic (0/3 at doses 1-3, 3/3 at dose 4, 0/3 more at dose 3: the
// MTD is dose 3, index 2) and every trial randomises 15 patients to each of
// doses 1-3. Responses are then independent binomials per arm, and the
// probability that the stage selects each dose is a finite sum over the arms'
// response counts (16^3 terms), computed here without the design's code:
// binomial probabilities from lgamma, and the beta posterior's CDF by the
// identity Pr(Beta(x + 1, n - x + 1) < q) = Pr(Binomial(n + 1, q) >= x + 1).
// Rules enumerated (docs/designs.md): an arm is admissible when
// Pr(p_E < lower_efficacy = 0.25 | its data) < 0.9 (safety is never binding
// here: no DLT below dose 4); pick-the-winner selects the lowest admissible
// arm whose response rate is at least the best admissible rate minus the
// margin; utility selection the highest observed mean utility, here
// 40 + 60 x / n (no DLTs), ties to the lower dose, with the escalation's
// patients counted (use_escalation_data: 3, 3 and 6 more at the arms).
// Tolerance: 4 Monte-Carlo SEs of a proportion from 20,000 trials, plus the
// deterministic facts (patients per dose in every trial, the duration on the
// accrual clock).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/runner/runner.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace {

const std::vector<double> kResponse = {0.15, 0.30, 0.40, 0.50, 0.50};
constexpr int kPerArm = 15;
constexpr std::int64_t kTrials = 20000;

double binom_pmf(int k, int n, double p) {
  return std::exp(std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0) + k * std::log(p) +
                  (n - k) * std::log1p(-p));
}

// Pr(Binomial(n, q) >= k).
double binom_upper(int k, int n, double q) {
  double s = 0.0;
  for (int j = k; j <= n; ++j) s += binom_pmf(j, n, q);
  return s;
}

// Pr(p_E < q | x responses in n) under a beta(1, 1) prior.
double posterior_below(int x, int n, double q) { return binom_upper(x + 1, n + 1, q); }

// Exact P(select dose index -1, 0, 1, 2) for arms of n[a] patients.
std::vector<double> exact(const std::vector<int>& n, bool pick_the_winner, double margin) {
  std::vector<double> p(4, 0.0);
  for (int x0 = 0; x0 <= n[0]; ++x0)
    for (int x1 = 0; x1 <= n[1]; ++x1)
      for (int x2 = 0; x2 <= n[2]; ++x2) {
        const int x[3] = {x0, x1, x2};
        double prob = 1.0;
        double score[3];
        bool ok[3];
        double best = -1e300;
        for (int a = 0; a < 3; ++a) {
          prob *= binom_pmf(x[a], n[a], kResponse[static_cast<std::size_t>(a)]);
          const double rate = static_cast<double>(x[a]) / n[a];
          score[a] = pick_the_winner ? rate : 40.0 + 60.0 * rate;
          ok[a] = posterior_below(x[a], n[a], 0.25) < 0.9;
          if (ok[a]) best = std::max(best, score[a]);
        }
        int sel = -1;
        for (int a = 0; a < 3 && sel < 0; ++a)
          if (ok[a] && score[a] >= best - margin - 1e-9) sel = a;
        p[static_cast<std::size_t>(sel + 1)] += prob;
      }
  return p;
}

std::vector<twinsim::trial::TrialRow> simulate(const std::string& stage) {
  const std::string text =
      "name: v\nseed: 31\ndose_levels: [1, 2, 3, 4, 5]\ntoxicity: {true_dlt_probabilities: [0, 0, 0, 1, 1]}\n"
      "efficacy: {true_response_probabilities: [0.15, 0.3, 0.4, 0.5, 0.5]}\n"
      "accrual: {patients_per_month: 4, dlt_window_days: 28}\n"
      "designs:\n  - {name: d, type: three_plus_three, target: 0.3, randomised_stage: " + stage + "}\n";
  const auto s = twinsim::trial::load_scenario_text(text, "validation.yaml");
  const twinsim::trial::TruthPatientModel truth(s.seed, *s.true_dlt_probabilities, s.efficacy);
  twinsim::trial::DesignRunner runner(*s.designs.at(0).design, truth, 5, 2, false, false);
  runner.set_trial_clock(twinsim::trial::trial_clock(s));
  runner.set_accrual_process({s.seed, s.accrual->poisson});
  twinsim::trial::ResultBlock b;
  runner.run_block(0, kTrials, b);
  return b.trials;
}

void check(const char* label, const std::vector<twinsim::trial::TrialRow>& rows, const std::vector<double>& want) {
  std::vector<double> got(4, 0.0);
  int wrong_patients = 0, wrong_duration = 0;
  // Escalation: 5 cohorts, 15 patients (doses 1-4, dose 3 twice), then 45
  // randomised patients a gap apart, the last followed for the window.
  const double gap = 30.4375 / 4.0, window = 28.0;
  const double duration = 10 * gap + 5 * window + (3 * kPerArm - 1) * gap + window;
  const std::vector<int> per_dose = {3 + kPerArm, 3 + kPerArm, 6 + kPerArm, 3, 0};
  for (const auto& t : rows) {
    got[static_cast<std::size_t>(t.selected_dose + 1)] += 1.0 / static_cast<double>(rows.size());
    wrong_patients += t.n_per_dose != per_dose ? 1 : 0;
    wrong_duration += std::abs(t.duration_days - duration) > 1e-9 * duration ? 1 : 0;
  }
  CHECK(wrong_patients == 0);
  CHECK(wrong_duration == 0);
  for (std::size_t k = 0; k < 4; ++k) {
    const double se = std::sqrt(want[k] * (1 - want[k]) / static_cast<double>(rows.size()));
    std::printf("%s: P(select %d) simulated %.4f, exact %.4f (4 SE %.4f)\n", label, static_cast<int>(k) - 1, got[k],
                want[k], 4 * se);
    CHECK(std::abs(got[k] - want[k]) <= 4 * se + 1e-12);
  }
}

}  // namespace

TEST_CASE("randomised stage, pick-the-winner with a margin, matches exact enumeration", "[validation][randomised_stage]") {
  const auto want = exact({kPerArm, kPerArm, kPerArm}, true, 0.1);
  // The enumeration is a distribution, and not a degenerate one.
  CHECK(std::abs(want[0] + want[1] + want[2] + want[3] - 1.0) < 1e-12);
  CHECK(want[2] > 0.2);
  CHECK(want[3] > 0.2);
  check("pick-the-winner", simulate("{doses: 3, n_per_arm: 15, selection: pick_the_winner, margin: 0.1}"), want);
}

TEST_CASE("randomised stage, utility with the escalation's patients, matches exact enumeration",
          "[validation][randomised_stage]") {
  const auto want = exact({3 + kPerArm, 3 + kPerArm, 6 + kPerArm}, false, 0.0);
  CHECK(std::abs(want[0] + want[1] + want[2] + want[3] - 1.0) < 1e-12);
  check("utility", simulate("{doses: 3, n_per_arm: 15, use_escalation_data: true}"), want);
}
