// [unit] `randomised_stage:` of a dose-finding design: its arms, both
// selection rules on hand-made arm data, the allocation after the escalation
// (equal arms, concurrent arrivals, the last one waiting its window), and, on
// whole trials, that the escalation is the plain design's patient for patient
// (same seed) with exactly n_per_arm more patients at each arm, for a cohort
// design and a time-driven one, with the duration the accrual clock gives.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "twinsim/trial/designs/randomised_stage.hpp"
#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/runner/runner.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

using namespace twinsim;
using trial::ArmData;
using trial::RandomisedStageOptions;

namespace {

trial::Scenario scenario(const std::string& design, const std::string& accrual = "") {
  const std::string text =
      "name: unit\nseed: 7\ndose_levels: [1, 2, 3, 4, 5]\n"
      "toxicity: {true_dlt_probabilities: [0.05, 0.10, 0.20, 0.35, 0.50]}\n"
      "efficacy: {true_response_probabilities: [0.10, 0.25, 0.45, 0.47, 0.48], correlation: 0.3}\n" +
      accrual + "designs:\n  - " + design + "\n";
  return trial::load_scenario_text(text, "unit.yaml");
}

std::vector<trial::TrialRow> run(const trial::Scenario& s, std::int64_t trials) {
  const trial::TruthPatientModel truth(s.seed, *s.true_dlt_probabilities, s.efficacy);
  trial::DesignRunner runner(*s.designs.at(0).design, truth, s.dose_levels.size(), 2, false, false);
  runner.set_trial_clock(trial::trial_clock(s));
  if (s.accrual) runner.set_accrual_process({s.seed, s.accrual->poisson});
  trial::ResultBlock b;
  runner.run_block(0, trials, b);
  return b.trials;
}

ArmData arm(int dose, int n, int tox, int eff, int both) { return {dose, n, tox, eff, both}; }

}  // namespace

TEST_CASE("randomised stage arms: the selected dose and the next lower ones", "[unit][randomised_stage]") {
  RandomisedStageOptions o;
  CHECK(trial::randomised_stage_arms(o, 3) == std::vector<int>{2, 3});
  CHECK(trial::randomised_stage_arms(o, 0) == std::vector<int>{0});
  CHECK(trial::randomised_stage_arms(o, -1).empty());
  o.doses = 3;
  CHECK(trial::randomised_stage_arms(o, 4) == std::vector<int>{2, 3, 4});
  CHECK(trial::randomised_stage_arms(o, 1) == std::vector<int>{0, 1});
  o.doses = 1;
  CHECK(trial::randomised_stage_arms(o, 2) == std::vector<int>{2});
}

TEST_CASE("pick-the-winner: the higher dose only if its rate exceeds the lower's by more than the margin",
          "[unit][randomised_stage]") {
  RandomisedStageOptions o;
  o.selection = RandomisedStageOptions::Selection::pick_the_winner;
  const trial::ObdObjective u;
  // 5/20 vs 6/20: the winner without a margin, the lower dose with 0.05 (a
  // difference of exactly the margin does not exceed it) and with 0.1.
  const std::vector<ArmData> two = {arm(1, 20, 0, 5, 0), arm(2, 20, 0, 6, 0)};
  CHECK(trial::randomised_stage_select(o, u, two) == 2);
  o.margin = 0.05;
  CHECK(trial::randomised_stage_select(o, u, two) == 1);
  o.margin = 0.049;
  CHECK(trial::randomised_stage_select(o, u, two) == 2);
  // Ties go to the lower dose; equal rates from different n are equal.
  o.margin = 0.0;
  CHECK(trial::randomised_stage_select(o, u, {arm(1, 20, 0, 6, 0), arm(2, 20, 0, 6, 0)}) == 1);
  CHECK(trial::randomised_stage_select(o, u, {arm(1, 2, 0, 1, 0), arm(2, 4, 0, 2, 0)}) == 1);
  // Three arms: the lowest within the margin of the best.
  o.margin = 0.1;
  CHECK(trial::randomised_stage_select(o, u, {arm(0, 20, 0, 2, 0), arm(1, 20, 0, 7, 0), arm(2, 20, 0, 8, 0)}) == 1);
  CHECK(trial::randomised_stage_select(o, u, {arm(0, 20, 0, 6, 0), arm(1, 20, 0, 7, 0), arm(2, 20, 0, 8, 0)}) == 0);
  // Toxicity does not enter pick-the-winner (only the admissibility before it).
  CHECK(trial::randomised_stage_select(o, u, {arm(1, 20, 10, 4, 2), arm(2, 20, 0, 8, 0)}) == 2);
  CHECK(trial::randomised_stage_select(o, u, {}) == -1);
}

TEST_CASE("utility selection: the highest observed mean utility, ties to the lower dose", "[unit][randomised_stage]") {
  RandomisedStageOptions o;
  const trial::ObdObjective u{0.35, 0.25, 100, 40, 60, 0};
  // Arm 1: 10 patients, 4 responses of which 1 with a DLT, 2 DLTs in all:
  // (3 x 100 + 5 x 40 + 1 x 60 + 1 x 0) / 10 = 56. Arm 2: 5 responses, 5 DLTs,
  // 3 both: (2 x 100 + 3 x 40 + 3 x 60 + 2 x 0) / 10 = 50.
  CHECK(trial::randomised_stage_select(o, u, {arm(1, 10, 2, 4, 1), arm(2, 10, 5, 5, 3)}) == 1);
  // Arm 2 without its DLTs: (5 x 100 + 5 x 40) / 10 = 70 > 56.
  CHECK(trial::randomised_stage_select(o, u, {arm(1, 10, 2, 4, 1), arm(2, 10, 0, 5, 0)}) == 2);
  // Equal utility (56 both): the lower dose.
  CHECK(trial::randomised_stage_select(o, u, {arm(1, 10, 2, 4, 1), arm(2, 10, 2, 4, 1)}) == 1);
  // The margin is pick-the-winner's only.
  o.margin = 0.5;
  CHECK(trial::randomised_stage_select(o, u, {arm(1, 10, 2, 4, 1), arm(2, 10, 0, 5, 0)}) == 2);
}

TEST_CASE("randomised stage keys: defaults, the objective it is scored by, time-driven as its escalation",
          "[unit][randomised_stage]") {
  const auto s = scenario("{name: d, type: boin, target: 0.3, max_patients: 30, randomised_stage: true}");
  const auto& d = dynamic_cast<const trial::RandomisedStage&>(*s.designs.at(0).design);
  CHECK(d.options().doses == 2);
  CHECK(d.options().n_per_arm == 20);
  CHECK(d.options().selection == RandomisedStageOptions::Selection::utility);
  CHECK(d.max_patients() == 30 + 40);
  CHECK(d.planned_patients() == -1);
  CHECK(d.needs_efficacy());
  CHECK_FALSE(d.time_driven());
  CHECK(d.measures_duration());
  // BOIN has no utilities: BOIN12's published ones with BOIN's target as the toxicity limit.
  REQUIRE(d.obd_objective());
  CHECK(d.obd_objective()->phi_t == 0.3);
  CHECK(d.obd_objective()->phi_e == 0.25);
  CHECK(d.obd_objective()->u2 == 40.0);
  CHECK(d.obd_objective()->u3 == 60.0);
  CHECK(d.cutoff_tox() == 0.95);
  CHECK(d.cutoff_eff() == 0.90);
  // BOIN12 keeps its own objective.
  const auto b12 = scenario("{name: d, type: boin12, target: 0.35, lower_efficacy: 0.3, utility_neither: 35, "
                            "randomised_stage: {doses: 3, n_per_arm: 10, cutoff_eff: 0.8}}");
  const auto& d12 = *b12.designs.at(0).design;
  REQUIRE(d12.obd_objective());
  CHECK(d12.obd_objective()->phi_e == 0.3);
  CHECK(d12.obd_objective()->u2 == 35.0);
  CHECK(dynamic_cast<const trial::RandomisedStage&>(d12).cutoff_eff() == 0.8);
  // Unset on the stage: the BOIN12 escalation's own cutoffs.
  const auto own = scenario("{name: d, type: boin12, target: 0.35, cutoff_tox: 0.9, cutoff_eff: 0.7, "
                            "randomised_stage: true}");
  const auto& own_stage = dynamic_cast<const trial::RandomisedStage&>(*own.designs.at(0).design);
  CHECK(own_stage.cutoff_tox() == 0.9);
  CHECK(own_stage.cutoff_eff() == 0.7);
  // false is the plain design.
  const auto off = scenario("{name: d, type: boin, target: 0.3, randomised_stage: false}");
  CHECK(dynamic_cast<const trial::RandomisedStage*>(off.designs.at(0).design.get()) == nullptr);
  const auto tite = scenario("{name: d, type: tite_boin, target: 0.3, randomised_stage: true}",
                             "accrual: {patients_per_month: 3, dlt_window_days: 28}\n");
  CHECK(tite.designs.at(0).design->time_driven());
}

TEST_CASE("randomised stage allocation: equal arms, concurrent arrivals, the last one waits its window",
          "[unit][randomised_stage]") {
  // 3+3 escalation on hand-made outcomes: 0/3 at doses 0 and 1, 3/3 at dose 2
  // and 0/3 more at dose 1 select dose 1 (index); arms {0, 1}, 2 patients each.
  const auto s = scenario("{name: d, type: three_plus_three, target: 0.3, randomised_stage: {n_per_arm: 2}}");
  const auto& d = *s.designs.at(0).design;
  auto run = d.start(nullptr);
  trial::TrialHistory h(5);
  trial::Decision dec = run->first();
  auto cohort = [&](int dlts) {
    for (int j = 0; j < dec.cohort_size; ++j) {
      trial::EnrolledPatient p;
      p.dose = dec.dose;
      p.dlt = j < dlts;
      p.response = j == 0;
      h.enrol(p);
    }
    h.end_cohort();
    dec = run->next(h, 0.0);
  };
  REQUIRE(dec.dose == 0);
  cohort(0);
  REQUIRE(dec.dose == 1);
  cohort(0);
  REQUIRE(dec.dose == 2);
  cohort(3);
  REQUIRE(dec.dose == 1);
  REQUIRE(dec.cohort_size == 3);
  cohort(0);
  // The stage: arms 0 and 1 alternate, one patient per decision.
  std::vector<int> doses;
  std::vector<bool> concurrent;
  while (!dec.stop) {
    REQUIRE(dec.cohort_size == 1);
    doses.push_back(dec.dose);
    concurrent.push_back(dec.concurrent);
    cohort(0);
  }
  CHECK(doses == std::vector<int>{0, 1, 0, 1});
  CHECK(concurrent == std::vector<bool>{true, true, true, false});
  // 0/5 and 0/8 treated at doses 0 and 1, one response per cohort: the
  // randomised patients (2 each, both responding) tie in utility: the lower dose.
  CHECK(run->select(h, 0.0) == 0);
}

TEST_CASE("randomised stage on whole trials: the escalation unchanged, n_per_arm more at each arm",
          "[unit][randomised_stage]") {
  const std::string accrual = "accrual: {patients_per_month: 3, dlt_window_days: 28}\n";
  const double gap = 30.4375 / 3.0, window = 28.0;
  for (const std::string type : {"boin", "tite_boin"}) {
    const std::string base = "{name: d, type: " + type + ", target: 0.3, max_patients: 30";
    const auto plain = run(scenario(base + "}", accrual), 400);
    const auto staged = run(scenario(base + ", randomised_stage: {doses: 3, n_per_arm: 7}}", accrual), 400);
    REQUIRE(plain.size() == staged.size());
    int mismatches = 0, duration_mismatches = 0, staged_trials = 0;
    for (std::size_t i = 0; i < plain.size(); ++i) {
      const auto& a = plain[i];
      const auto& b = staged[i];
      std::vector<int> expected = a.n_per_dose;
      const int sel = static_cast<int>(a.selected_dose), got = static_cast<int>(b.selected_dose);
      if (sel >= 0) {
        ++staged_trials;
        for (int k = std::max(0, sel - 2); k <= sel; ++k) expected[static_cast<std::size_t>(k)] += 7;
        // A selection among the arms, from the same escalation, or none.
        if (got != -1 && (got > sel || got < sel - 2)) ++mismatches;
      } else if (got != -1) {
        ++mismatches;
      }
      if (b.n_per_dose != expected) ++mismatches;
      if (type == "boin" && sel >= 0) {
        // The first randomised patient arrives when the escalation ends,
        // the others a gap apart, the last followed for the window.
        const int arms = std::min(3, sel + 1);
        const double want = a.duration_days + (arms * 7 - 1) * gap + window;
        if (std::abs(b.duration_days - want) > 1e-9 * want) ++duration_mismatches;
      }
      CHECK(b.duration_measured);
    }
    INFO(type);
    CHECK(staged_trials > 300);
    CHECK(mismatches == 0);
    CHECK(duration_mismatches == 0);
  }
}
