// [validation] Body-size dosing (issue 15, regimen.dose_unit): the mg each
// patient is given, from the published BSA formulas (Du Bois & Du Bois 1916:
// 0.007184 WT^0.425 HT^0.725; Mosteller 1987: sqrt(HT WT / 3600)) and the
// weight, with the BSA cap and rounding to strengths; and the simulated
// exposure follows it exactly (linear PK, no random effects on PK: Cmax and
// AUC are proportional to the mg given).
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "twinsim/trial/results/memory_sink.hpp"
#include "twinsim/trial/runner/run.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

using namespace twinsim;

namespace {

std::string scenario(const std::string& dosing) {
  return "name: body-size\nseed: 3\nreplicates: 1\ndose_levels: [75]\nmodel:\n"
         "  pk: {compartments: 1, parameters: {CL: 5, V: 40}}\n"
         "regimen: {route: iv_infusion, infusion_duration_h: 1, interval_h: 24, doses_per_cycle: 1, "
         "cycle_length_h: 24, " + dosing + "}\n"
         "population:\n  covariates:\n"
         "    - {name: WT, distribution: lognormal, median: 75, cv: 0.25, lower: 40, upper: 150}\n"
         "    - {name: HT, distribution: normal, mean: 172, sd: 9, lower: 145, upper: 205}\n"
         "designs:\n  - {name: arm, type: fixed, dose: 75, patients: 40}\n";
}

const trial::ResultColumn& col(const trial::MemoryResults& r, const std::string& name) {
  const auto* c = r.design("arm")->table("patients")->find(name);
  REQUIRE(c != nullptr);
  return *c;
}

trial::MemoryResults run(const std::string& dosing) {
  trial::MemorySink sink;
  trial::run(trial::load_scenario_text(scenario(dosing), "b.yaml"), sink, {});
  return sink.take();
}

}  // namespace

TEST_CASE("body-size dosing: mg/m2 (Du Bois, Mosteller, cap, rounding) and mg/kg", "[validation]") {
  struct Case {
    std::string dosing;
    double (*mg)(double wt, double ht);
  };
  const Case cases[] = {
      {"dose_unit: mg/m2", [](double wt, double ht) { return 75 * 0.007184 * std::pow(wt, 0.425) * std::pow(ht, 0.725); }},
      {"dose_unit: mg/m2, bsa_formula: mosteller",
       [](double wt, double ht) { return 75 * std::sqrt(ht * wt / 3600); }},
      {"dose_unit: mg/m2, bsa_cap_m2: 1.9, round_to_mg: 10",
       [](double wt, double ht) {
         return std::round(75 * std::min(1.9, 0.007184 * std::pow(wt, 0.425) * std::pow(ht, 0.725)) / 10) * 10;
       }},
      {"dose_unit: mg/kg", [](double wt, double) { return 75 * wt; }},
      {"round_to_mg: 20", [](double, double) { return 80.0; }},
  };
  for (const auto& c : cases) {
    INFO(c.dosing);
    const auto r = run(c.dosing);
    const auto& wt = col(r, "WT").doubles;
    const auto& ht = col(r, "HT").doubles;
    const auto& mg = col(r, "dose_mg").doubles;
    const auto& cmax = col(r, "cmax").doubles;
    REQUIRE(mg.size() == 40);
    bool capped = false;
    for (std::size_t i = 0; i < mg.size(); ++i) {
      CHECK(mg[i] == Approx(c.mg(wt[i], ht[i])).epsilon(1e-12));
      // Typical PK for everyone: Cmax per mg is the same for every patient.
      CHECK(cmax[i] / mg[i] == Approx(cmax[0] / mg[0]).epsilon(1e-12));
      capped = capped || 0.007184 * std::pow(wt[i], 0.425) * std::pow(ht[i], 0.725) > 1.9;
    }
    CHECK(capped);  // the cap case has patients above it
  }
}

TEST_CASE("body-size dosing: without dose_unit there is no dose_mg column", "[validation]") {
  trial::MemorySink sink;
  trial::run(trial::load_scenario_text(scenario("steady_state: false"), "b.yaml"), sink, {});
  CHECK(sink.results().design("arm")->table("patients")->find("dose_mg") == nullptr);
}
