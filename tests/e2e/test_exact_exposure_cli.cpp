// [e2e] The CLI writes the exact Cmax of a docetaxel-like 30-min infusion
// (issue 13) whatever output.grid_h is: patients/cmax and cycles/cmax at
// grid_h 1 and 6 agree to 1e-9 and equal the closed-form peak at the end of
// the infusion. Before issue 13 the 1-h grid gave 0.153 mg/L for a 4.074 mg/L
// peak, and the 6-h grid less still.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <string>

#include "test_support.hpp"
#include "twinsim/core/h5.hpp"

using namespace twinsim;

namespace {

std::string scenario(const std::string& grid) {
  return R"(name: docetaxel-like
seed: 1
replicates: 2
dose_levels: [135]
model:
  pk:
    compartments: 2
    absorption: none
    parameters: {CL: 36, V1: 8, Q: 30, V2: 300}
regimen: {route: iv_infusion, infusion_duration_h: 0.5, interval_h: 504, doses_per_cycle: 1, cycle_length_h: 504, cycles: 1}
output: {grid_h: )" + grid + R"(}
designs:
  - {name: arm, type: fixed, dose: 135, patients: 2}
)";
}

// 2-compartment infusion at rate R for t <= T (Gibaldi & Perrier):
// C(t) = R/V1 [A/alpha (1 - e^{-alpha t}) + B/beta (1 - e^{-beta t})],
// A = (alpha - k21)/(alpha - beta), B = (k21 - beta)/(alpha - beta).
double infusion_peak() {
  const double cl = 36, v1 = 8, q = 30, v2 = 300, rate = 135 / 0.5, t = 0.5;
  const double k10 = cl / v1, k12 = q / v1, k21 = q / v2;
  const double s = k10 + k12 + k21, disc = std::sqrt(s * s - 4 * k10 * k21);
  const double alpha = (s + disc) / 2, beta = (s - disc) / 2;
  const double a = (alpha - k21) / (alpha - beta), b = (k21 - beta) / (alpha - beta);
  return rate / v1 * (a / alpha * (1 - std::exp(-alpha * t)) + b / beta * (1 - std::exp(-beta * t)));
}

}  // namespace

TEST_CASE("CLI: patients/cmax of a 30-min infusion is the exact peak at grid_h 1 and 6", "[e2e]") {
  test::TempDir dir("exact-cmax");
  std::vector<double> cmax[2], tmax[2], cycle_cmax[2];
  const char* grids[] = {"1", "6"};
  for (int g = 0; g < 2; ++g) {
    const std::string yaml = dir.file(std::string("g") + grids[g] + ".yaml"), h5 = yaml + ".h5";
    std::ofstream(yaml) << scenario(grids[g]);
    const auto r = test::run_cli("run " + yaml + " -o " + h5 + " --quiet");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    const core::H5Reader f(h5);
    cmax[g] = f.read_doubles("/designs/arm/patients/cmax");
    tmax[g] = f.read_doubles("/designs/arm/patients/tmax");
    cycle_cmax[g] = f.read_doubles("/designs/arm/cycles/cmax");
  }
  const double exact = infusion_peak();
  REQUIRE(cmax[0].size() == 4);
  for (int g = 0; g < 2; ++g) {
    for (std::size_t i = 0; i < cmax[g].size(); ++i) {
      INFO("grid " << grids[g] << " patient " << i);
      CHECK(cmax[g][i] == Approx(exact).epsilon(1e-9));
      CHECK(tmax[g][i] == Approx(0.5).margin(1e-9));
      CHECK(cycle_cmax[g][i] == Approx(cmax[g][i]).epsilon(1e-12));
      CHECK(cmax[g][i] == Approx(cmax[0][i]).epsilon(1e-12));
    }
  }
}
