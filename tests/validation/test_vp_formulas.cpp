// [validation] Derived covariates against the published formulas, with
// examples whose arithmetic is written out here so anyone can check it by hand.
//
// References:
//   Cockcroft DW, Gault MH. Prediction of creatinine clearance from serum
//     creatinine. Nephron 1976;16:31-41. Abstract: Ccr = (140 - age)(wt kg) /
//     (72 x Scr mg/100 mL), "15% less in females".
//   Mosteller RD. Simplified calculation of body-surface area. N Engl J Med
//     1987;317:1098: BSA (m^2) = sqrt(height cm x weight kg / 3600).
//   Du Bois D, Du Bois EF. A formula to estimate the approximate surface area
//     if height and weight be known. Arch Intern Med 1916;17:863-71:
//     BSA (m^2) = 0.007184 x W^0.425 x H^0.725 (W kg, H cm).
#include <catch2/catch.hpp>

#include <cmath>

#include "twinsim/core/config.hpp"
#include "twinsim/vp/derived_covariates.hpp"
#include "twinsim/vp/parse_population.hpp"
#include "twinsim/vp/population.hpp"

using namespace twinsim;

namespace {
bool close(double got, double want, double rel = 1e-12) {
  return std::abs(got - want) <= rel * std::max(std::abs(want), 1.0);
}
}  // namespace

TEST_CASE("Cockcroft-Gault creatinine clearance matches hand-checked examples", "[validation]") {
  // 40 y, 72 kg, Scr 1.0 mg/dL: (140 - 40) * 72 / (72 * 1.0) = 100 mL/min; a woman: 0.85 * 100 = 85.
  CHECK(close(vp::crcl_cockcroft_gault(40, 72, 1.0, false), 100.0));
  CHECK(close(vp::crcl_cockcroft_gault(40, 72, 1.0, true), 85.0));
  // 70 y man, 75 kg, Scr 1.0: 70 * 75 / 72 = 5250 / 72 = 72.9166... mL/min (the usual textbook example).
  CHECK(close(vp::crcl_cockcroft_gault(70, 75, 1.0, false), 5250.0 / 72.0));
  // 60 y man, 80 kg, Scr 1.2: 80 * 80 / 86.4 = 74.074... mL/min.
  CHECK(close(vp::crcl_cockcroft_gault(60, 80, 1.2, false), 6400.0 / 86.4));
  // 45 y woman, 65 kg, Scr 0.9: 95 * 65 / 64.8 * 0.85 = 80.999... mL/min.
  CHECK(close(vp::crcl_cockcroft_gault(45, 65, 0.9, true), 6175.0 / 64.8 * 0.85));
  // The paper's structure: clearance falls linearly with age, to 0 at 140 y,
  // and is inversely proportional to serum creatinine.
  CHECK(close(vp::crcl_cockcroft_gault(140, 70, 1.0, false), 0.0));
  CHECK(close(vp::crcl_cockcroft_gault(50, 70, 2.0, false), 0.5 * vp::crcl_cockcroft_gault(50, 70, 1.0, false)));
}

TEST_CASE("Mosteller and Du Bois body-surface area match hand-checked examples", "[validation]") {
  // Mosteller: 180 cm, 80 kg -> sqrt(14400 / 3600) = sqrt(4) = 2 m^2 exactly.
  CHECK(close(vp::bsa_mosteller(80, 180), 2.0));
  // 170 cm, 70 kg -> sqrt(11900 / 3600) = sqrt(3.30555...) = 1.818118685772619 m^2.
  CHECK(close(vp::bsa_mosteller(70, 170), 1.818118685772619));
  // Du Bois: 0.007184 * 70^0.425 * 170^0.725 = 0.007184 * 6.0838... * 41.408... = 1.80971 m^2
  // (and 1.99642 m^2 at 80 kg, 180 cm); the two formulas agree within 0.5 % for such adults.
  CHECK(close(vp::bsa_dubois(70, 170), 1.809707801753247, 1e-12));
  CHECK(close(vp::bsa_dubois(80, 180), 1.9964210222750447, 1e-12));
  CHECK(std::abs(vp::bsa_dubois(70, 170) / vp::bsa_mosteller(70, 170) - 1.0) < 0.005);
  // BMI: 70 kg, 175 cm -> 70 / 1.75^2 = 22.857142... kg/m^2.
  CHECK(close(vp::bmi(70, 175), 70.0 / (1.75 * 1.75)));
}

TEST_CASE("derived covariates are computed per patient from the sampled ones", "[validation]") {
  const auto doc = core::ConfigNode::load_string(R"(population:
  covariates:
    - {name: WT, distribution: lognormal, median: 70, cv: 0.2, lower: 35, upper: 160}
    - {name: HT, distribution: normal, mean: 170, sd: 10, lower: 140, upper: 205}
    - {name: AGE, distribution: uniform, lower: 18, upper: 85}
    - {name: SEX, distribution: categorical, levels: [male, female], probabilities: [0.5, 0.5]}
    - {name: SCR, distribution: lognormal, median: 0.9, cv: 0.25, lower: 0.3, upper: 3}
  derived:
    - {name: BSA, formula: mosteller}
    - {name: BSA_DB, formula: dubois}
    - {name: BMI, formula: bmi}
    - {name: CRCL, formula: cockcroft_gault}
)", "d.yaml");
  core::Diagnostics diag;
  auto spec = vp::parse_population(doc.get("population"), diag, std::vector<std::string>{"CL"}, 1);
  REQUIRE(spec.has_value());
  const vp::Population pop(std::move(*spec));
  vp::VirtualPatient p;
  int women = 0;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    pop.generate(11, 0, i, p);
    const auto& x = p.covariates;  // WT HT AGE SEX SCR BSA BSA_DB BMI CRCL
    REQUIRE(x.size() == 9);
    const bool female = x[3] == 1.0;
    women += female;
    CHECK(x[5] == vp::bsa_mosteller(x[0], x[1]));
    CHECK(x[6] == vp::bsa_dubois(x[0], x[1]));
    CHECK(x[7] == vp::bmi(x[0], x[1]));
    CHECK(x[8] == vp::crcl_cockcroft_gault(x[2], x[0], x[4], female));
  }
  CHECK(women > 400);
  CHECK(women < 600);
}
