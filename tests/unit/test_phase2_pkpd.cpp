// In PK/PD mode a response-driven design counts RECIST's objective_response:
// Simon's two-stage design, run on simulated patients, continues to stage 2
// exactly when stage 1's patients have more than r1 objective responses in
// the patients/ table, and declares the dose promising exactly when all n
// have more than r. Also: a scenario without a response source is refused.
#include <catch2/catch.hpp>

#include "twinsim/core/error.hpp"
#include "twinsim/trial/designs/phase2.hpp"
#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/runner/runner.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

using namespace twinsim;

namespace {

std::string scenario(bool recist) {
  return std::string(
             "name: simon-pkpd\nseed: 9\ndose_levels: [100, 300]\n"
             "model:\n  pk: {compartments: 1, absorption: first_order, parameters: {CL: 10, V: 50, KA: 1.0}}\n"
             "  pd:\n    - {type: claret, parameters: {TUMOR0: 60, KL: 0.0005, KD: 0.0015, LAMBDA: 0.0008}}\n"
             "population:\n  iiv: {parameters: [CL, TUMOR.KD], cv: [0.5, 0.8]}\n"
             "regimen: {route: oral, interval_h: 24, doses_per_cycle: 21, cycle_length_h: 504, cycles: 2}\n") +
         (recist ? "endpoints:\n  recist: {assessment_interval_h: 504}\n" : "") +
         "designs:\n  - {name: s, type: simon_two_stage, p0: 0.2, p1: 0.4, dose: 100}\n";
}

}  // namespace

TEST_CASE("simon_two_stage in PK/PD mode decides from RECIST objective responses", "[unit][simon]") {
  const trial::Scenario s = trial::load_scenario_text(scenario(true), "simon.yaml");
  REQUIRE(s.has_efficacy());
  const auto& design = dynamic_cast<const trial::SimonTwoStage&>(*s.designs.at(0).design);
  const trial::SimonBoundaries b = design.boundaries();
  const auto model = trial::make_patient_model(s);
  std::size_t col = 0;
  const auto cols = model->extra_columns();
  while (col < cols.size() && cols[col].name != trial::kResponseColumn) ++col;
  REQUIRE(col < cols.size());
  trial::DesignRunner runner(design, *model, 2, 1, false, true);
  trial::ResultBlock block;
  runner.run_block(0, 40, block);
  std::vector<int> stage1(40, 0), all(40, 0), n(40, 0);
  int responses = 0;
  for (const auto& p : block.patients) {
    const auto t = static_cast<std::size_t>(p.trial);
    CHECK(p.dose_index == 0);
    REQUIRE(p.outcome.status == core::SolveStatus::kOk);
    const int r = static_cast<int>(p.outcome.extra.at(col));
    CHECK(r == p.outcome.response);
    if (p.patient < b.n1) stage1[t] += r;
    all[t] += r;
    ++n[t];
    responses += r;
  }
  int continued = 0, promising = 0;
  for (const auto& t : block.trials) {
    const auto k = static_cast<std::size_t>(t.trial);
    const bool go_on = stage1[k] > b.r1;
    CHECK(n[k] == (go_on ? b.n : b.n1));
    CHECK((t.selected_dose == 0) == (go_on && all[k] > b.r));
    continued += go_on;
    promising += t.selected_dose == 0;
  }
  // The scenario is informative: both branches of the rule are exercised.
  CHECK(responses > 0);
  CHECK(continued > 0);
  CHECK(continued < 40);
  INFO("continued " << continued << " promising " << promising);
}

TEST_CASE("simon_two_stage in PK/PD mode needs endpoints.recist", "[unit][simon]") {
  try {
    (void)trial::load_scenario_text(scenario(false), "simon.yaml");
    FAIL("accepted");
  } catch (const core::ScenarioError& e) {
    CHECK(std::string(e.what()).find("decides from responses: give endpoints.recist (its objective_response)") !=
          std::string::npos);
  }
}
