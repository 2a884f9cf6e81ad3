// [unit] The pieces of the exact exposure metrics (issue 13): roots of
// exponential sums, the exposure trace, and grid independence of the
// per-patient and per-cycle metrics on the paths that simulate cycle by cycle
// (inter-occasion variability, dose modification), whose traces are stitched.
// The values themselves are validated in tests/validation/test_exact_exposure.cpp.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "twinsim/pkpd/exponential_sum.hpp"
#include "twinsim/pkpd/exposure.hpp"
#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

using namespace twinsim;
using pkpd::ExpTerm;

namespace {

// prod_k (e^{-t} - e^{-r_k}) as an exponential sum: its roots are exactly r_k.
std::vector<ExpTerm> with_roots(const std::vector<double>& r) {
  std::vector<double> poly = {1.0};  // coefficients of u^j, u = e^{-t}
  for (double rk : r) {
    std::vector<double> next(poly.size() + 1, 0.0);
    for (std::size_t j = 0; j < poly.size(); ++j) {
      next[j + 1] += poly[j];
      next[j] -= std::exp(-rk) * poly[j];
    }
    poly = next;
  }
  std::vector<ExpTerm> terms;
  for (std::size_t j = 0; j < poly.size(); ++j) terms.push_back({poly[j], -static_cast<double>(j)});
  return terms;
}

std::vector<double> roots(const std::vector<ExpTerm>& terms, double lo, double hi) {
  std::vector<double> out;
  pkpd::exp_sum_roots(terms.data(), static_cast<int>(terms.size()), lo, hi, 1e-12, out);
  return out;
}

}  // namespace

TEST_CASE("exponential sums: every sign change found, however close, none invented", "[unit]") {
  SECTION("one, two and three roots") {
    for (const auto& r : std::vector<std::vector<double>>{{0.7}, {0.5, 2.0}, {0.3, 1.1, 2.5}}) {
      const auto got = roots(with_roots(r), 0.0, 5.0);
      REQUIRE(got.size() == r.size());
      for (std::size_t k = 0; k < r.size(); ++k) CHECK(got[k] == Approx(r[k]).margin(1e-9));
    }
  }
  SECTION("two roots 1e-3 apart (a local max and min a sampled grid would merge)") {
    const auto got = roots(with_roots({1.0, 1.001}), 0.0, 5.0);
    REQUIRE(got.size() == 2);
    CHECK(got[0] == Approx(1.0).margin(1e-9));
    CHECK(got[1] == Approx(1.001).margin(1e-9));
  }
  SECTION("only the roots inside the interval") {
    const auto got = roots(with_roots({0.5, 2.0, 4.0}), 1.0, 3.0);
    REQUIRE(got.size() == 1);
    CHECK(got[0] == Approx(2.0).margin(1e-9));
  }
  SECTION("no sign change: no root") {
    CHECK(roots({{1.0, -1.0}, {2.0, -0.1}}, 0.0, 100.0).empty());            // all positive
    CHECK(roots({{1.0, -1.0}, {-2.0, -0.1}, {1.5, 0.0}}, 0.0, 0.1).empty());  // roots outside
    CHECK(roots({{3.0, -0.5}}, 0.0, 10.0).empty());
    CHECK(roots({}, 0.0, 10.0).empty());
  }
  SECTION("fast and slow terms (a 2-compartment oral dCc/dt): the one peak") {
    // -d/dt [a1 e^{-t} + a2 e^{-0.35 t} + a3 e^{-0.03 t}] with a1 = -3, a2 = 2.5, a3 = 0.6
    const auto got = roots({{3.0, -1.0}, {-0.875, -0.35}, {-0.018, -0.03}}, 0.0, 24.0);
    REQUIRE(got.size() == 1);
    const double t = got[0];
    CHECK(std::abs(3.0 * std::exp(-t) - 0.875 * std::exp(-0.35 * t) - 0.018 * std::exp(-0.03 * t)) < 1e-12);
  }
}

TEST_CASE("exposure trace: points merge by time, located points never hide a jump", "[unit]") {
  pkpd::ExposureTrace tr;
  tr.push(0, 0, 0, 0);
  tr.push(0, 0, 10, 0);  // a bolus at 0: the left limit stays
  tr.push(12, 5, 5, 86);
  tr.push(24, 2.5, 2.5, 130);
  tr.push(24, 2.5, 12.5, 130);
  REQUIRE(tr.points().size() == 3);
  CHECK(tr.points()[0].before == 0);
  CHECK(tr.points()[0].after == 10);
  CHECK(tr.points()[2].after == 12.5);
  // Located points between, and one that rounds onto the bolus at 24 h.
  std::vector<pkpd::CcPoint> located = {{6, 7, 7, pkpd::CcPoint::kNaN}, {24, 2.5, 2.5, pkpd::CcPoint::kNaN}};
  std::vector<pkpd::CcPoint> scratch;
  tr.merge(located, scratch);
  REQUIRE(tr.points().size() == 4);
  CHECK(tr.points()[1].t == 6);
  CHECK(tr.points()[3].before == 2.5);
  CHECK(tr.points()[3].after == 12.5);
  CHECK(tr.points()[3].auc == 130);
  // The next cycle's piece: its start holds the left limit of the first.
  pkpd::ExposureTrace next;
  next.push(24, 3.0, 13.0, 130);  // other volume (inter-occasion variability)
  next.push(48, 4, 4, 250);
  tr.append(next);
  REQUIRE(tr.points().size() == 5);
  CHECK(tr.points()[3].before == 2.5);
  CHECK(tr.points()[3].after == 13.0);
  const auto w = pkpd::window_exposure(tr, 0, 24, 0);
  CHECK(w.cmax == 10);
  CHECK(w.cmin == 2.5);
  CHECK(w.auc == 130);
  CHECK(pkpd::window_exposure(tr, 24, 48, 0).cmax == 13.0);
}

namespace {

std::string iov_scenario(double grid) {
  return R"(name: iov-infusion
seed: 3
replicates: 1
dose_levels: [135]
model:
  pk:
    compartments: 2
    absorption: none
    parameters: {CL: 36, V1: 8, Q: 30, V2: 300, TLAG: 0.1}
population:
  iov: {parameters: [CL, V1], cv: [0.3, 0.3]}
regimen: {route: iv_infusion, infusion_duration_h: 0.5, interval_h: 24, doses_per_cycle: 2, cycle_length_h: 168, cycles: 3}
endpoints:
  exposure: {threshold_mg_l: 1.0}
output: {grid_h: )" + std::to_string(grid) + R"(}
designs:
  - {name: arm, type: fixed, dose: 135, patients: 1}
)";
}

std::string dose_modification_scenario(double grid) {
  return R"(name: dose-modification
seed: 1
replicates: 1
dose_levels: [100, 200, 400, 800]
model:
  pk:
    compartments: 1
    absorption: none
    parameters: {CL: 10, V: 50, TLAG: 0.3}
  pd:
    - type: friberg
      parameters: {CIRC0: 5.0, MTT: 88.7, GAMMA: 0.161, SLOPE: 4.0}
regimen: {route: iv_infusion, infusion_duration_h: 0.75, interval_h: 336, doses_per_cycle: 1, cycle_length_h: 336, cycles: 2}
population:
  dose_modification: {after_dlt: hold_and_reduce}
endpoints:
  exposure: {threshold_mg_l: 2.0}
  dlt:
    window_h: 336
    criteria:
      - {variable: ANC, grade_at_least: 4, min_duration_h: 48}
output: {grid_h: )" + std::to_string(grid) + R"(}
designs:
  - {name: arm, type: fixed, dose: 800, patients: 1}
)";
}

trial::PatientOutcome outcome(const std::string& text, int dose, std::uint64_t patient = 0) {
  const auto s = trial::load_scenario_text(text, "exposure.yaml");
  const auto model = trial::make_patient_model(s);
  auto ws = model->workspace();
  trial::PatientOutcome out;
  model->simulate(*ws, 0, patient, dose, out, nullptr);
  REQUIRE(out.status == core::SolveStatus::kOk);
  return out;
}

void same_exposure(const trial::PatientOutcome& a, const trial::PatientOutcome& b) {
  const auto& x = a.exposure;
  const auto& y = b.exposure;
  for (const auto& [u, v] : {std::pair{x.cmax, y.cmax}, {x.tmax, y.tmax}, {x.ctrough, y.ctrough},
                             {x.cmin_last, y.cmin_last}, {x.auc_first, y.auc_first}, {x.auc_last, y.auc_last},
                             {x.auc_total, y.auc_total}})
    CHECK(u == Approx(v).epsilon(1e-9).margin(1e-12));
  REQUIRE(a.cycles.size() == b.cycles.size());
  for (std::size_t k = 0; k < a.cycles.size(); ++k) {
    INFO("cycle value " << k);
    CHECK(a.cycles[k] == Approx(b.cycles[k]).epsilon(1e-9).margin(1e-12));
  }
}

}  // namespace

TEST_CASE("exposure: cycle by cycle (inter-occasion variability) the metrics do not depend on grid_h", "[unit]") {
  for (std::uint64_t p = 0; p < 3; ++p) {
    const auto fine = outcome(iov_scenario(1), 0, p), coarse = outcome(iov_scenario(6), 0, p);
    same_exposure(fine, coarse);
    // The occasions differ, so the per-cycle peaks do: the cycles were stitched, not repeated.
    const std::size_t cols = fine.cycles.size() / 3;
    CHECK(fine.cycles[0] != Approx(fine.cycles[cols]).epsilon(1e-3));
    CHECK(fine.exposure.tmax - std::floor(fine.exposure.tmax / 24) * 24 == Approx(0.6).margin(1e-9));
  }
}

TEST_CASE("exposure: under dose modification the metrics do not depend on grid_h", "[unit]") {
  const auto fine = outcome(dose_modification_scenario(1), 3), coarse = outcome(dose_modification_scenario(2), 3);
  same_exposure(fine, coarse);
  // Cycle 2 was held and reduced: cycle starts and doses differ from the schedule.
  const std::size_t cols = fine.cycles.size() / 2;
  CHECK(fine.cycles[cols + cols - 2] > 336.0);  // start_h of cycle 2
  CHECK(fine.cycles[cols + cols - 1] < 800.0);  // its dose
  CHECK(fine.exposure.cmax == Approx(800 / 0.75 / 10 * (1 - std::exp(-0.2 * 0.75))).epsilon(1e-12));
}
