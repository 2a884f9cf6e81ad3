// [unit] The worked example of docs/architecture.md, "How to add an endpoint
// / a DLT criterion": each is one file (here, this test) plus one registry
// line (here, a register_* call), and nothing else changes. The toy endpoint
// and criterion are then read from a scenario, laid out in the result columns
// and evaluated on a simulated patient, checked against the closed form of a
// one-compartment oral model:
//   Cc(t) = F D ka / (V (ka - k)) (exp(-k t) - exp(-ka t)),  k = CL / V,
// with CL 10 L/h, V 50 L, ka 1 /h, F 1, D 100 mg: Cc(t) = 2.5 (e^-0.2t - e^-t),
// superposed for the second dose at 24 h.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "twinsim/trial/endpoints/dlt_rule.hpp"
#include "twinsim/trial/endpoints/endpoint.hpp"
#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

using namespace twinsim;

namespace {

// ---- the toy endpoint: one file, this block --------------------------------
// Cc at a time the scenario gives (endpoints.cc_at: {at_h: ...}), and Cc at
// each cycle's start (the pre-dose trough).
class CcAtEndpoint final : public trial::Endpoint {
 public:
  explicit CcAtEndpoint(double at_h) : at_h_(at_h) {}
  std::vector<std::string> outputs() const override { return {trial::kConcentrationOutput}; }
  std::vector<trial::ColumnSpec> columns() const override { return {{"cc_at", "mg/L"}}; }
  std::vector<trial::ColumnSpec> cycle_columns() const override { return {{"cc_cycle_start", "mg/L"}}; }
  std::vector<double> sample_times() const override { return {at_h_}; }
  void evaluate(trial::PatientView& p, double* row) const override { row[0] = p.at(0, at_h_); }
  void evaluate_cycle(const trial::PatientView& p, double start_h, double, double* row) const override {
    row[0] = p.at(0, start_h);
  }

 private:
  double at_h_;
};

trial::EndpointType cc_at_type() {
  return {"cc_at", "cc_at", [](const trial::EndpointReading& in) -> std::shared_ptr<const trial::Endpoint> {
            if (!in.node) return nullptr;
            core::MapReader r(*in.node, in.diag);
            if (!r.valid()) return nullptr;
            const auto at = r.required_double("at_h", core::Range::non_negative());
            r.finish();
            if (!at) return nullptr;
            return std::make_shared<CcAtEndpoint>(*at);
          }};
}

// ---- the toy DLT criterion: one table row ----------------------------------
// at_least: X  -- the output is X or more (`above` is strictly more).
const trial::DltCriterionType kAtLeast = {
    "at_least",
    [](const core::ConfigNode& value, core::Diagnostics& diag, trial::DltCriterion& c) {
      const auto v = core::read_double(value, diag);
      if (v) c.threshold = *v;
      return v.has_value();
    },
    [](const trial::DltCriterion& c, double v, const trial::DltRule&) { return v >= c.threshold; }};

// ---- the registry lines ----------------------------------------------------
void register_toys() {
  trial::register_endpoint(cc_at_type());
  trial::register_dlt_criterion(kAtLeast);
}

double cc(double t) {
  auto one = [](double s) { return s < 0 ? 0.0 : 2.5 * (std::exp(-0.2 * s) - std::exp(-s)); };
  return one(t) + one(t - 24.0);
}

std::string scenario(const std::string& criterion) {
  return R"(name: toy
seed: 3
dose_levels: [100]
model:
  pk:
    compartments: 1
    absorption: first_order
    parameters: {CL: 10, V: 50, KA: 1, F: 1, TLAG: 0}
regimen: {route: oral, interval_h: 24, doses_per_cycle: 1, cycle_length_h: 24, cycles: 2}
endpoints:
  cc_at: {at_h: 6.5}
  dlt:
    window_h: 24
    criteria:
      - )" + criterion + R"(
output: {timecourses: [Cc], grid_h: 1}
designs:
  - {name: arm, type: fixed, dose: 100, patients: 1}
)";
}

struct Patient {
  std::unique_ptr<trial::PatientModel> model;
  trial::PatientOutcome out, dlt_only;
};

Patient simulate(const std::string& criterion) {
  const trial::Scenario s = trial::load_scenario_text(scenario(criterion), "toy.yaml");
  Patient p;
  p.model = trial::make_patient_model(s);
  auto ws = p.model->workspace();
  p.model->simulate(*ws, 0, 0, 0, p.out, nullptr);
  p.model->simulate_dlt(*ws, 0, 0, 0, p.dlt_only);
  REQUIRE(p.out.status == core::SolveStatus::kOk);
  return p;
}

// Position of a column by name; -1 when absent.
long column(const std::vector<trial::ColumnSpec>& cols, const std::string& name) {
  for (std::size_t k = 0; k < cols.size(); ++k)
    if (cols[k].name == name) return static_cast<long>(k);
  return -1;
}

}  // namespace

TEST_CASE("an endpoint registered at run time is read, laid out and evaluated", "[unit]") {
  register_toys();
  const Patient p = simulate("{variable: Cc, above: 100}");
  const auto extra = p.model->extra_columns();
  const long k = column(extra, "cc_at");
  REQUIRE(k >= 0);
  CHECK(extra[static_cast<std::size_t>(k)].unit == "mg/L");
  // Its columns follow the built-ins' (registry order).
  CHECK(k > column(extra, "missed_doses"));
  CHECK(p.out.extra.at(static_cast<std::size_t>(k)) == Approx(cc(6.5)).epsilon(1e-9));

  const auto cycles = p.model->cycle_columns();
  const long c = column(cycles, "cc_cycle_start");
  REQUIRE(c >= 0);
  CHECK(column(cycles, "cmax") >= 0);  // the built-in exposure columns are still there
  const auto n = cycles.size();
  CHECK(p.out.cycles.at(static_cast<std::size_t>(c)) == 0.0);  // before the first dose
  CHECK(p.out.cycles.at(n + static_cast<std::size_t>(c)) == Approx(cc(24.0)).epsilon(1e-9));
  CHECK(cc(24.0) == Approx(2.5 * (std::exp(-4.8) - std::exp(-24.0))));
}

TEST_CASE("a DLT criterion registered at run time is read from the scenario and judged", "[unit]") {
  register_toys();
  // Cc rises through 1.0 at 0.79 h (Cc(1) = 1.127): the first hourly sample
  // at or above it is 1 h.
  REQUIRE(cc(0.75) < 1.0);
  REQUIRE(cc(1.0) > 1.0);
  Patient p = simulate("{variable: Cc, at_least: 1.0}");
  CHECK(p.out.dlt);
  CHECK(p.out.dlt_time_h == 1.0);
  CHECK(p.dlt_only.dlt);
  CHECK(p.dlt_only.dlt_time_h == 1.0);

  // At or above 1.3 only at 2 h (Cc(2) = 1.3375, Cc(1) = 1.127, Cc(3) = 1.2475).
  REQUIRE(cc(2.0) >= 1.3);
  REQUIRE(cc(3.0) < 1.3);
  p = simulate("{variable: Cc, at_least: 1.3}");
  CHECK(p.out.dlt);
  CHECK(p.out.dlt_time_h == 2.0);
  // ... for no hour: not for 1 h.
  p = simulate("{variable: Cc, at_least: 1.3, min_duration_h: 1}");
  CHECK_FALSE(p.out.dlt);
  CHECK(std::isnan(p.out.dlt_time_h));

  // The kinds' keys are listed in the message for a criterion without one.
  CHECK_THROWS_WITH(trial::load_scenario_text(scenario("{variable: Cc}"), "toy.yaml"),
                    Catch::Contains("give exactly one of grade_at_least, above, below, at_least"));
}
