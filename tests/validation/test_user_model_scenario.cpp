// [validation] A user-defined model gives the built-in model's results when it
// writes the same equations (issue 16, acceptance): the 2-compartment oral PK +
// Friberg + Claret system of configs/oral_cytotoxic_pkpd.yaml
//  - as one whole user model (model.ode, tests/validation/data/w1_whole_ode.yaml),
//  - as built-in PK + a user Friberg PD (type: ode, data/friberg_pd_ode.yaml) + built-in Claret,
// against the built-in models, on the typical patient at every dose and on a
// 1,000-patient cohort with covariate effects and IIV (same seed: same
// covariates and etas), through the scenario loader and the patient model, as
// `twinsim run` simulates them.
//
// The reference is the built-in engine: linear PK in closed form, the PD
// states by Dormand-Prince (hybrid engine). The whole user model is one
// CVODE system. Both are solved with model.solver {rtol 1e-11, atol 1e-13},
// so each is within ~1e-10 of the exact solution and the two agree to 1e-8
// relative (scaled by max(|x|, 1)) on Cc, ANC, TUMOR time courses, exposure
// metrics, every endpoint column and the DLT (largest difference measured:
// 4.4e-9 on the whole model's 1,000 patients, 0 for the user PD, whose hybrid
// engine does the same operations as the built-in's).
//
// Cost: CVODE at these tolerances takes ~25 ms per patient for the whole
// model, so the CI run checks its first 100 patients of the cohort (same
// patients, same etas); TWINSIM_EQUIVALENCE_PATIENTS=1000 runs all 1,000.
// The user PD (hybrid engine, ~1 ms per patient) always runs all 1,000.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "test_support.hpp"
#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

using namespace twinsim;

namespace {

const std::string kPk = R"(  pk:
    compartments: 2
    absorption: first_order
    parameters: {CL: 10, V1: 50, Q: 5, V2: 100, KA: 1.0}
)";
const std::string kClaret = R"(    - type: claret
      parameters: {TUMOR0: 60, KL: 0.0005, KD: 0.0002, LAMBDA: 0.0008}
)";

enum class Form { kBuiltin, kWhole, kUserPd };

// cohort: the population block, with PD parameters named `pd_prefix`NAME.
std::string scenario(Form form, bool cohort) {
  std::string model = "model:\n  solver: {rtol: 1e-11, atol: 1e-13}\n";
  if (form == Form::kWhole) {
    model += "  ode: {file: w1_whole_ode.yaml}\n";
  } else {
    model += kPk + "  pd:\n";
    model += form == Form::kBuiltin ? "    - type: friberg\n      parameters: {CIRC0: 5.0, MTT: 125, GAMMA: 0.17, SLOPE: 0.3}\n"
                                    : "    - {type: ode, file: friberg_pd_ode.yaml}\n";
    model += kClaret;
  }
  const std::string pd = form == Form::kWhole ? "" : "ANC.";
  const std::string population =
      !cohort ? ""
              : R"(population:
  covariates:
    - {name: WT, distribution: lognormal, median: 70, cv: 0.2, lower: 40, upper: 150}
  effects:
    - {parameter: CL, covariate: WT, type: power, reference: 70, exponent: 0.75}
    - {parameter: V1, covariate: WT, type: power, reference: 70, exponent: 1}
  iiv:
    parameters: [CL, V1, KA, )" + pd + "SLOPE, " + pd + R"(MTT]
    cv: [0.3, 0.25, 0.4, 0.3, 0.2]
)";
  return R"(name: user-model-equivalence
seed: 11
dose_levels: [100, 200, 400, 800]
)" + model + R"(regimen: {route: oral, interval_h: 24, doses_per_cycle: 7, cycle_length_h: 336, cycles: 1}
)" + population + R"(endpoints:
  dlt:
    window_h: 336
    truth_cohort_size: 0
    criteria:
      - {variable: ANC, grade_at_least: 4, min_duration_h: 48}
  recist: {assessment_interval_h: 168}
output:
  timecourses: [Cc, ANC, TUMOR]
  grid_h: 12
designs:
  - {name: arm, type: fixed, dose: 200, patients: 1}
)";
}

trial::Scenario load(Form form, bool cohort) {
  // Named as a file in tests/validation/data so the model files resolve there.
  return trial::load_scenario_text(scenario(form, cohort),
                                   test::source_dir() + "/tests/validation/data/equivalence.yaml");
}

int whole_model_patients() {
  const char* v = std::getenv("TWINSIM_EQUIVALENCE_PATIENTS");
  return v && std::atoi(v) > 0 ? std::atoi(v) : 100;
}

struct Simulated {
  std::vector<trial::PatientOutcome> out;
  std::vector<std::vector<double>> timecourse;
};

Simulated simulate(const trial::PatientModel& m, int n_patients, int dose) {
  Simulated s;
  auto ws = m.workspace();
  for (int i = 0; i < n_patients; ++i) {
    s.out.emplace_back();
    s.timecourse.emplace_back(m.n_timecourse_values());
    m.simulate(*ws, 0, static_cast<std::uint64_t>(i), dose, s.out.back(), s.timecourse.back().data());
  }
  return s;
}

// A built-in PD parameter is NAME.PARAM, a whole user model's PARAM: compare by the bare name.
std::string bare(std::string name) {
  for (const std::string block : {"ANC.", "TUMOR."}) {
    const auto at = name.find(block);
    if (at != std::string::npos) name.erase(at, block.size());
  }
  return name;
}

double rel(double a, double b) {
  if (std::isnan(a) && std::isnan(b)) return 0.0;
  return std::abs(a - b) / std::max(std::abs(b), 1.0);
}

// Every compared quantity of every patient within 1e-8 relative; returns the largest difference.
double compare(const trial::PatientModel& user_model, const Simulated& user, const trial::PatientModel& ref_model,
               const Simulated& ref) {
  REQUIRE(user.out.size() == ref.out.size());
  REQUIRE(user_model.timecourse_variables() == ref_model.timecourse_variables());
  const auto user_cols = user_model.extra_columns(), ref_cols = ref_model.extra_columns();
  REQUIRE(user_cols.size() == ref_cols.size());
  for (std::size_t c = 0; c < ref_cols.size(); ++c) REQUIRE(bare(user_cols[c].name) == bare(ref_cols[c].name));
  // Each user parameter's place among the built-in's (which also has F and TLAG).
  const auto user_names = user_model.parameter_names(), ref_names = ref_model.parameter_names();
  std::vector<std::size_t> place;
  for (const auto& n : user_names) {
    const auto it = std::find_if(ref_names.begin(), ref_names.end(), [&](const std::string& r) { return bare(r) == n || r == n; });
    REQUIRE(it != ref_names.end());
    place.push_back(static_cast<std::size_t>(it - ref_names.begin()));
  }
  double worst = 0.0;
  auto check = [&](double a, double b, const std::string& what, std::size_t patient) {
    const double d = rel(a, b);
    worst = std::max(worst, d);
    if (!(d <= 1e-8)) FAIL_CHECK("patient " << patient << " " << what << ": user " << a << ", built-in " << b);
  };
  for (std::size_t i = 0; i < ref.out.size(); ++i) {
    const auto &u = user.out[i], &r = ref.out[i];
    REQUIRE(u.status == core::SolveStatus::kOk);
    REQUIRE(r.status == core::SolveStatus::kOk);
    CHECK(u.dlt == r.dlt);
    check(u.dlt_time_h, r.dlt_time_h, "dlt_time_h", i);
    REQUIRE(u.parameters.size() == user_names.size());
    for (std::size_t k = 0; k < user_names.size(); ++k) check(u.parameters[k], r.parameters[place[k]], user_names[k], i);
    const auto &ue = u.exposure, &re = r.exposure;
    for (auto f : {&pkpd::ExposureMetrics::cmax, &pkpd::ExposureMetrics::tmax, &pkpd::ExposureMetrics::ctrough,
                   &pkpd::ExposureMetrics::cmin_last, &pkpd::ExposureMetrics::auc_first,
                   &pkpd::ExposureMetrics::auc_last, &pkpd::ExposureMetrics::auc_total})
      check(ue.*f, re.*f, "exposure metric", i);
    for (std::size_t c = 0; c < ref_cols.size(); ++c) check(u.extra[c], r.extra[c], ref_cols[c].name, i);
    REQUIRE(u.cycles.size() == r.cycles.size());
    for (std::size_t c = 0; c < r.cycles.size(); ++c) check(u.cycles[c], r.cycles[c], "cycle column", i);
    for (std::size_t k = 0; k < ref.timecourse[i].size(); ++k)
      check(user.timecourse[i][k], ref.timecourse[i][k], "time course", i);
  }
  return worst;
}

}  // namespace

TEST_CASE("a whole user model equal to the built-in 2-cmt oral + Friberg + Claret gives its results", "[validation]") {
  SECTION("typical patient at every dose") {
    const auto ref_model = trial::make_patient_model(load(Form::kBuiltin, false));
    const auto user_model = trial::make_patient_model(load(Form::kWhole, false));
    for (int dose = 0; dose < 4; ++dose) {
      INFO("dose index " << dose);
      const double worst = compare(*user_model, simulate(*user_model, 1, dose), *ref_model, simulate(*ref_model, 1, dose));
      WARN("whole user model, typical patient, dose " << dose << ": largest relative difference " << worst);
    }
  }
  SECTION("the 1,000-patient cohort with covariate effects and IIV") {
    const auto ref_model = trial::make_patient_model(load(Form::kBuiltin, true));
    const auto user_model = trial::make_patient_model(load(Form::kWhole, true));
    const int n = whole_model_patients();
    const double worst = compare(*user_model, simulate(*user_model, n, 2), *ref_model, simulate(*ref_model, n, 2));
    WARN("whole user model, " << n << " patients of the cohort: largest relative difference " << worst);
  }
}

TEST_CASE("a user PD model (Friberg as type: ode) on built-in PK gives the built-in Friberg's results", "[validation]") {
  SECTION("typical patient at every dose") {
    const auto ref_model = trial::make_patient_model(load(Form::kBuiltin, false));
    const auto user_model = trial::make_patient_model(load(Form::kUserPd, false));
    for (int dose = 0; dose < 4; ++dose) {
      INFO("dose index " << dose);
      compare(*user_model, simulate(*user_model, 1, dose), *ref_model, simulate(*ref_model, 1, dose));
    }
  }
  SECTION("1,000 patients with covariate effects and IIV") {
    const auto ref_model = trial::make_patient_model(load(Form::kBuiltin, true));
    const auto user_model = trial::make_patient_model(load(Form::kUserPd, true));
    const double worst = compare(*user_model, simulate(*user_model, 1000, 2), *ref_model, simulate(*ref_model, 1000, 2));
    WARN("user PD on built-in PK, 1,000 patients: largest relative difference " << worst);
  }
}
