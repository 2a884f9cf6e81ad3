// [unit] endpoints.dlt.on_solve_failure: what a design and the reference
// cohort of /truth make of a patient whose model could not be solved. A
// stand-in model fails chosen patients without any ODE, so the design's path
// can be worked out by hand (3+3, published rule, docs/scenario-reference.md).
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <string>

#include "design_drive.hpp"
#include "twinsim/trial/runner/runner.hpp"
#include "twinsim/trial/runner/truth.hpp"

using namespace twinsim;
using trial::SolveFailurePolicy;

namespace {

// Patient `patient` of trial `trial` at dose index `dose` fails to solve
// (invalid_parameter) when fails() says so; a solved patient has a DLT when
// dlt() says so.
class StandInModel final : public trial::PatientModel {
 public:
  using Rule = std::function<bool(std::uint64_t trial, std::uint64_t patient, int dose)>;
  StandInModel(Rule fails, Rule dlt) : fails_(std::move(fails)), dlt_(std::move(dlt)) {}
  std::unique_ptr<trial::PatientWorkspace> workspace() const override {
    return std::make_unique<trial::PatientWorkspace>();
  }
  void simulate(trial::PatientWorkspace&, std::uint64_t trial, std::uint64_t patient, int dose,
                trial::PatientOutcome& out, double*) const override {
    out = trial::PatientOutcome{};
    if (fails_(trial, patient, dose)) out.status = core::SolveStatus::kInvalidParameter;
    else out.dlt = dlt_(trial, patient, dose);
  }

 private:
  Rule fails_, dlt_;
};

// No patient has a DLT; every patient at dose index 2 or above fails (as an
// overflow at high doses would).
const StandInModel kFailsFromDose2([](std::uint64_t, std::uint64_t, int dose) { return dose >= 2; },
                                   [](std::uint64_t, std::uint64_t, int) { return false; });

struct OneTrial {
  trial::TrialRow row;
  std::vector<trial::PatientRow> patients;
};

// Trial 0 of 3+3 over 4 doses.
OneTrial run_one(SolveFailurePolicy policy, const trial::PatientModel& model = kFailsFromDose2) {
  const auto design = test::make_design("type: three_plus_three", 4);
  trial::DesignRunner runner(*design, model, 4, 1, false, true, policy, "3+3");
  auto ws = model.workspace();
  OneTrial t;
  std::vector<double> tc;
  runner.run_trial(0, *ws, t.row, t.patients, tc);
  return t;
}

}  // namespace

TEST_CASE("on_solve_failure: no_dlt lets a design escalate through failed doses", "[unit]") {
  // 0/3 at every dose, 0/3 at the top expands to 6: MTD = top dose, as before the option.
  const OneTrial t = run_one(SolveFailurePolicy::kNoDlt);
  CHECK(t.row.selected_dose == 3);
  CHECK(t.row.n_patients == 15);
  CHECK(t.row.n_dlts == 0);
  CHECK(t.row.n_failed == 9);
  CHECK(t.row.n_per_dose == std::vector<int>{3, 3, 3, 6});
  for (const auto& p : t.patients) CHECK_FALSE(p.outcome.dlt);
}

TEST_CASE("on_solve_failure: dlt counts failed patients as DLTs and the design steps down", "[unit]") {
  // 0/3, 0/3, then 3/3 "DLTs" at dose 2 stop escalation; dose 1 had only 3
  // patients, so 3 more there, 0/6: MTD = dose 1.
  const OneTrial t = run_one(SolveFailurePolicy::kDlt);
  CHECK(t.row.selected_dose == 1);
  CHECK(t.row.n_patients == 12);
  CHECK(t.row.n_dlts == 3);
  CHECK(t.row.n_failed == 3);
  CHECK(t.row.n_per_dose == std::vector<int>{3, 6, 3, 0});
  CHECK(t.row.dlt_per_dose == std::vector<int>{0, 0, 3, 0});
  // The recorded row says what the design saw, and still says why.
  for (const auto& p : t.patients) {
    INFO("patient " << p.patient);
    const bool failed = p.dose_index >= 2;
    CHECK(p.outcome.dlt == failed);
    CHECK((p.outcome.status == core::SolveStatus::kInvalidParameter) == failed);
    CHECK(std::isnan(p.outcome.dlt_time_h));
  }
}

TEST_CASE("on_solve_failure: replace enrols new patients in place of failed ones, up to the cohort size", "[unit]") {
  // Dose 2 fails for everybody: 3 replacements (patients 6-8), then the
  // cohort's places are filled by failures counted as DLTs (9-11), 3/3:
  // 3+3 steps back to dose 1 (patients 12-14), 0/6 there: MTD = dose 1.
  const OneTrial t = run_one(SolveFailurePolicy::kReplace);
  CHECK(t.row.selected_dose == 1);
  CHECK(t.row.n_patients == 12);
  CHECK(t.row.n_dlts == 3);
  CHECK(t.row.n_failed == 6);
  CHECK(t.row.n_replaced == 3);
  CHECK(t.row.n_per_dose == std::vector<int>{3, 6, 3, 0});
  CHECK(t.row.dlt_per_dose == std::vector<int>{0, 0, 3, 0});
  std::vector<std::int64_t> ids;
  for (const auto& p : t.patients) ids.push_back(p.patient);
  // Replaced patients are not recorded; indices keep the enrolment order.
  CHECK(ids == std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 14});
  for (const auto& p : t.patients) CHECK(p.outcome.dlt == (p.dose_index == 2));

  // Sporadic failures: patient 4 fails wherever it is. Its replacement
  // (patient 5) is evaluable, so the design sees the path of a model without
  // failures, one patient index later from there on.
  const StandInModel once([](std::uint64_t, std::uint64_t patient, int) { return patient == 4; },
                          [](std::uint64_t, std::uint64_t, int) { return false; });
  const StandInModel never([](std::uint64_t, std::uint64_t, int) { return false; },
                           [](std::uint64_t, std::uint64_t, int) { return false; });
  const OneTrial a = run_one(SolveFailurePolicy::kReplace, once), b = run_one(SolveFailurePolicy::kReplace, never);
  CHECK(a.row.selected_dose == b.row.selected_dose);
  CHECK(a.row.n_per_dose == b.row.n_per_dose);
  CHECK(a.row.n_failed == 1);
  CHECK(a.row.n_replaced == 1);
  CHECK(a.patients.size() == b.patients.size());
  CHECK(a.patients[4].patient == 5);
  CHECK(a.patients[4].cohort == 1);
}

TEST_CASE("on_solve_failure: error stops at the first failed patient, the same for any thread count", "[unit]") {
  const auto design = test::make_design("type: three_plus_three", 4);
  // Only trials 7 and 12 onwards have failing patients (at dose 2): with 2
  // threads a later trial may fail first in time; the error names trial 7.
  const StandInModel model([](std::uint64_t trial, std::uint64_t, int dose) { return dose >= 2 && (trial == 7 || trial >= 12); },
                           [](std::uint64_t, std::uint64_t, int) { return false; });
  for (int threads : {1, 2}) {
    INFO(threads << " threads");
    trial::DesignRunner runner(*design, model, 4, threads, false, true, SolveFailurePolicy::kError, "3+3");
    trial::ResultBlock block;
    try {
      runner.run_block(0, 200, block);
      FAIL("no error");
    } catch (const trial::PatientSolveError& e) {
      CHECK(e.design() == "3+3");
      CHECK(e.trial() == 7);
      CHECK(e.patient() == 6);
      CHECK(e.dose_index() == 2);
      CHECK(e.status() == core::SolveStatus::kInvalidParameter);
      CHECK(std::string(e.what()) ==
            "design '3+3': trial 7, patient 6 at dose index 2 failed to solve (invalid_parameter) and "
            "endpoints.dlt.on_solve_failure is 'error'");
    }
    // A run-time failure (exit code 1), not bad input.
    CHECK_THROWS_AS(runner.run_block(0, 20, block), core::RuntimeError);
    // Trials before the first failure run as usual.
    CHECK_NOTHROW(runner.run_block(0, 7, block));
  }
}

TEST_CASE("on_solve_failure and the reference cohort of /truth", "[unit]") {
  // Every 4th reference patient fails at every dose; solved patients have a
  // DLT from dose index 2 on.
  const StandInModel model([](std::uint64_t, std::uint64_t patient, int) { return patient % 4 == 3; },
                           [](std::uint64_t, std::uint64_t, int dose) { return dose >= 2; });
  for (auto policy : {SolveFailurePolicy::kDlt, SolveFailurePolicy::kNoDlt}) {
    INFO(trial::to_string(policy));
    // Failed reference patients are left out under both: the curve is the
    // toxicity of the patients the model describes, what designs are scored against.
    const trial::TruthCurve t = trial::estimate_truth(model, 4, 100, 2, policy);
    CHECK(t.p == std::vector<double>{0, 0, 1, 1});
    CHECK(t.failed == 100);
  }
  try {
    (void)trial::estimate_truth(model, 4, 100, 2, SolveFailurePolicy::kError);
    FAIL("no error");
  } catch (const trial::PatientSolveError& e) {
    CHECK(e.design().empty());
    CHECK(e.patient() == 3);
    CHECK(e.dose_index() == 0);
    CHECK(std::string(e.what()) ==
          "reference cohort of /truth/dlt_probability: patient 3 at dose index 0 failed to solve (invalid_parameter) "
          "and endpoints.dlt.on_solve_failure is 'error'");
  }
}
