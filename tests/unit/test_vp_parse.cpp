// parse_population: a complete block parses into the expected spec, and each
// kind of bad input gives its exact diagnostic (file:line:col, key path, text).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "twinsim/core/config.hpp"
#include "twinsim/vp/parse_population.hpp"

using namespace twinsim;

namespace {

const std::vector<std::string> kParams = {"CL", "V1", "Q", "V2", "KA", "F", "ANC.SLOPE"};

vp::PopulationContext context() {
  vp::PopulationContext ctx;
  ctx.parameter_names = kParams;
  ctx.typical_values = {10, 50, 5, 100, 1, 0.8, 0.03};
  ctx.output_names = {"Cc", "ANC", "TUMOR"};
  ctx.n_cycles = 3;
  return ctx;
}

// Parses `text` (a whole scenario file) and returns the formatted diagnostics.
std::vector<std::string> diagnostics_of(const std::string& text, std::optional<vp::PopulationSpec>* out = nullptr) {
  const auto doc = core::ConfigNode::load_string(text, "pop.yaml");
  core::Diagnostics diag;
  auto spec = vp::parse_population(doc.get("population"), diag, context());
  CHECK(spec.has_value() == diag.empty());
  if (out) *out = std::move(spec);
  std::vector<std::string> lines;
  for (const auto& d : diag.items()) lines.push_back(d.format());
  return lines;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

}  // namespace

TEST_CASE("a complete population block parses into the spec", "[unit]") {
  const std::string text = R"(population:
  covariates:
    - {name: WT, distribution: lognormal, median: 70, cv: 0.2, lower: 40, upper: 150}
    - {name: HT, distribution: normal, mean: 170, sd: 10, lower: 140, upper: 200}
    - {name: AGE, distribution: uniform, lower: 18, upper: 85}
    - {name: SEX, distribution: categorical, levels: [male, female], probabilities: [0.5, 0.5]}
    - {name: SCR, distribution: lognormal, median: 0.9, cv: 0.25}
  correlation: [[WT, HT, 0.5], [WT, AGE, 0.1]]
  derived: [{name: BSA, formula: mosteller}, {name: CRCL, formula: cockcroft_gault}, {name: BMI, formula: bmi}]
  effects:
    - {parameter: CL, covariate: WT, type: power, reference: 70, exponent: 0.75}
    - {parameter: V1, covariate: WT, type: linear, reference: 70, slope: 0.01}
    - {parameter: CL, covariate: AGE, type: exponential, reference: 60, coefficient: -0.005}
    - {parameter: CL, covariate: SEX, type: categorical, multipliers: [1.0, 0.85]}
  iiv:
    parameters: [CL, V1, KA, F]
    cv: [0.3, 0.3, 0.3]
    variances: [0.09, 0.09, 0.09, 0.25]
    distribution: [lognormal, lognormal, normal, logit]
  iov: {parameters: [CL], cv: [0.1]}
  residual_error:
    - {variable: Cc, model: proportional, proportional: 0.2}
    - {variable: ANC, model: combined, additive: 0.1, proportional: 0.15}
  adherence: {p_miss_dose: 0.05}
  dropout: {hazard_per_cycle: 0.02}
  dose_modification: {after_dlt: hold_and_reduce, reduce_levels: 2, recover_to_grade: 1, recheck_interval_h: 24, max_hold_h: 504}
)";
  // cv and variances together are rejected; fix that and parse again.
  CHECK(contains(diagnostics_of(text),
                 "pop.yaml:18:5: error: population.iiv.variances: give exactly one of `cv`, `variances` and `omega`"));
  std::string good = text;
  good.erase(good.find("    cv: [0.3, 0.3, 0.3]\n"), std::string("    cv: [0.3, 0.3, 0.3]\n").size());
  std::optional<vp::PopulationSpec> spec;
  const auto d = diagnostics_of(good, &spec);
  INFO(joined(d));
  REQUIRE(spec.has_value());
  CHECK(spec->covariate_names() ==
        std::vector<std::string>{"WT", "HT", "AGE", "SEX", "SCR", "BSA", "CRCL", "BMI"});
  CHECK(spec->covariates[0].marginal.location() == Approx(std::log(70.0)));
  CHECK(spec->covariates[0].marginal.scale() == Approx(std::sqrt(std::log(1.04))));
  CHECK(spec->covariates[0].marginal.truncated());
  CHECK(spec->covariates[3].categorical);
  CHECK(spec->covariate_correlation(0, 1) == 0.5);  // WT, HT
  CHECK(spec->covariate_correlation(2, 0) == 0.1);  // AGE, WT
  CHECK(spec->covariate_correlation(1, 2) == 0.0);
  REQUIRE(spec->derived.size() == 3);
  CHECK(spec->derived[1].formula == vp::DerivedFormula::kCockcroftGault);
  CHECK(spec->derived[1].female_code == 1.0);
  CHECK(spec->derived[1].creatinine == 4);
  REQUIRE(spec->effects.size() == 4);
  CHECK(spec->effects[2].parameter_index == 0);
  CHECK(spec->effects[2].covariate_index == 2);
  CHECK(spec->effects[2].coefficient == -0.005);
  CHECK(spec->iiv.parameter_indices == std::vector<std::size_t>{0, 1, 4, 5});
  CHECK(spec->iiv.distributions[3] == vp::EtaDistribution::kLogit);
  CHECK(spec->iiv.omega(3, 3) == Approx(0.25));
  CHECK(spec->iov.distributions[0] == vp::EtaDistribution::kLognormal);
  CHECK(spec->iov.omega(0, 0) == Approx(std::log(1.01)));  // omega^2 = ln(1 + CV^2)
  REQUIRE(spec->residual_errors.size() == 2);
  CHECK(spec->residual_errors[1].model == vp::ResidualModel::kCombined);
  CHECK(spec->residual_errors[1].additive == 0.1);
  CHECK(spec->adherence.p_miss_dose == 0.05);
  CHECK(spec->dropout.hazard_per_cycle == 0.02);
  CHECK(spec->dose_modification.after_dlt == vp::DltAction::kHoldAndReduce);
  CHECK(spec->dose_modification.reduce_levels == 2);
  CHECK(spec->dose_modification.recover_to_grade == 1);
  CHECK(spec->dose_modification.recheck_interval_h == 24.0);
  CHECK(spec->dose_modification.max_hold_h == 504.0);
  CHECK(spec->n_cycles == 3);
}

TEST_CASE("cv with correlation builds Omega = D R D", "[unit]") {
  std::optional<vp::PopulationSpec> spec;
  const auto d = diagnostics_of(R"(population:
  iiv:
    parameters: [CL, V1]
    cv: [0.3, 0.5]
    correlation: [[1, 0.4], [0.4, 1]]
)", &spec);
  INFO(joined(d));
  REQUIRE(spec.has_value());
  const double w1 = std::log(1.09), w2 = std::log(1.25);
  CHECK(spec->iiv.omega(0, 0) == Approx(w1));
  CHECK(spec->iiv.omega(1, 1) == Approx(w2));
  CHECK(spec->iiv.omega(0, 1) == Approx(0.4 * std::sqrt(w1 * w2)));
}

TEST_CASE("no population block means typical patients", "[unit]") {
  std::optional<vp::PopulationSpec> spec;
  CHECK(diagnostics_of("name: x\n", &spec).empty());
  REQUIRE(spec.has_value());
  CHECK(spec->typical_only());
  CHECK(spec->covariate_names().empty());
}

TEST_CASE("bad population blocks give exact diagnostics", "[unit]") {
  struct Case {
    const char* yaml;
    const char* expected;
    std::size_t count = 1;  // diagnostics in all: no noise after the real error
  };
  const Case cases[] = {
      {"population:\n  iiv:\n    parameters: [CL, V1, KA]\n    cv: [0.3, 0.3, 0.3]\n"
       "    correlation: [[1, -0.6, -0.6], [-0.6, 1, -0.6], [-0.6, -0.6, 1]]\n",
       "pop.yaml:5:18: error: population.iiv.correlation: correlation matrix is not positive definite "
       "(smallest eigenvalue -0.2): the correlations are impossible together; weaken some of them"},
      {"population:\n  iiv:\n    parameters: [CL, V1]\n    omega: [[0.1, 0.02], [0.03, 0.1]]\n",
       "pop.yaml:4:12: error: population.iiv.omega: omega is not symmetric: row 1, column 2 is 0.02 but "
       "row 2, column 1 is 0.03"},
      {"population:\n  iiv:\n    parameters: [CL, V1]\n    omega: [[0.1, 0.2], [0.2, 0.1]]\n",
       "pop.yaml:4:12: error: population.iiv.omega: omega is not positive definite (smallest eigenvalue -0.1): "
       "the correlations are impossible together; weaken some of them"},
      {"population:\n  iiv:\n    parameters: [CL, v1]\n    cv: [0.3, 0.3]\n",
       "pop.yaml:3:22: error: population.iiv.parameters[1]: unknown parameter 'v1' (did you mean 'V1'?); "
       "the model's parameters are: CL, V1, Q, V2, KA, F, ANC.SLOPE"},
      {"population:\n  covariates:\n    - {name: SEX, distribution: categorical, levels: [M, F], "
       "probabilities: [0.5, 0.4]}\n",
       "pop.yaml:3:77: error: population.covariates[0].probabilities: probabilities sum to 0.9; they must sum to 1"},
      {"population:\n  covariates:\n    - {name: WT, distribution: lognormal, median: 70, cv: 0.2, lower: 80}\n",
       "pop.yaml:3:71: error: population.covariates[0].lower: lower bound 80 is above the median 70; the "
       "truncation bounds must contain it"},
      {"population:\n  covariates:\n    - {name: HT, distribution: normal, mean: 170, sd: 10, upper: 160}\n",
       "pop.yaml:3:66: error: population.covariates[0].upper: upper bound 160 is below the mean 170; the "
       "truncation bounds must contain it"},
      {"population:\n  covariates:\n    - {name: WT, distribution: normal, mean: 70, sdd: 10}\n",
       "pop.yaml:3:50: error: population.covariates[0].sdd: unknown key 'sdd' (did you mean 'sd'?)", 2},
      {"population:\n  covariates:\n    - {name: WT, distribution: normal, mean: 70, sd: 10}\n"
       "    - {name: SEX, distribution: categorical, levels: [M, F], probabilities: [0.5, 0.5]}\n"
       "  correlation: [[WT, SEX, 0.2]]\n",
       "pop.yaml:5:22: error: population.correlation[0][1]: correlations are only between sampled continuous "
       "covariates; SEX is categorical"},
      {"population:\n  covariates:\n    - {name: WT, distribution: normal, mean: 70, sd: 10, lower: 30}\n"
       "    - {name: HT, distribution: normal, mean: 170, sd: 10}\n"
       "    - {name: AGE, distribution: uniform, lower: 18, upper: 85}\n"
       "  correlation: [[WT, HT, 0.9], [WT, AGE, 0.9], [HT, AGE, -0.9]]\n",
       "pop.yaml:6:16: error: population.correlation: covariate correlation matrix is not positive definite "
       "(smallest eigenvalue -0.8): the correlations are impossible together; weaken some of them"},
      {"population:\n  covariates:\n    - {name: WT, distribution: lognormal, median: 70, cv: 0.2}\n"
       "    - {name: AGE, distribution: uniform, lower: 18, upper: 85}\n"
       "    - {name: SEX, distribution: categorical, levels: [male, female], probabilities: [0.5, 0.5]}\n"
       "  derived: [{name: CRCL, formula: cockcroft_gault}]\n",
       "pop.yaml:6:35: error: population.derived[0].formula: cockcroft_gault needs covariate SCR (serum "
       "creatinine, mg/dL), which is not defined; define it or name another covariate with `creatinine: ...`"},
      {"population:\n  covariates:\n    - {name: WT, distribution: lognormal, median: 70, cv: 0.2}\n"
       "    - {name: AGE, distribution: uniform, lower: 18, upper: 85}\n"
       "    - {name: SCR, distribution: lognormal, median: 0.9, cv: 0.25}\n"
       "    - {name: SEX, distribution: categorical, levels: [M, F], probabilities: [0.5, 0.5]}\n"
       "  derived: [{name: CRCL, formula: cockcroft_gault}]\n",
       "pop.yaml:7:35: error: population.derived[0].formula: SEX has no level 'female' (its levels are M, F); "
       "name the female level with `female: ...`"},
      {"population:\n  covariates:\n    - {name: AGE, distribution: normal, mean: 60, sd: 10}\n"
       "  effects:\n    - {parameter: CL, covariate: AGE, type: power, reference: 60, exponent: -0.3}\n",
       "pop.yaml:5:34: error: population.effects[0].covariate: a power effect needs AGE > 0 for every patient, "
       "but its distribution allows values <= 0 (give it a lower bound > 0)"},
      {"population:\n  covariates:\n    - {name: WT, distribution: lognormal, median: 70, cv: 0.2}\n"
       "  effects:\n    - {parameter: CL, covariate: WT, type: linear, reference: 70, slope: -0.02}\n",
       "pop.yaml:5:74: error: population.effects[0].slope: the factor 1 + slope * (WT - 70) is <= 0 at WT = inf, "
       "which its distribution allows; bound WT or use a power or exponential effect"},
      {"population:\n  covariates:\n    - {name: SEX, distribution: categorical, levels: [M, F], "
       "probabilities: [0.5, 0.5]}\n"
       "  effects:\n    - {parameter: CL, covariate: SEX, type: categorical, multipliers: [1.0]}\n",
       "pop.yaml:5:71: error: population.effects[0].multipliers: 1 multipliers for the 2 levels of SEX; give one "
       "per level"},
      {"population:\n  iiv: {parameters: [F], cv: [0.2], distribution: logit}\n",
       "pop.yaml:2:30: error: population.iiv.cv: a CV does not define the variance of a logit-normal parameter "
       "(F); give `variances` instead"},
      {"population:\n  iiv: {parameters: [CL, V1], cv: [0.3]}\n",
       "pop.yaml:2:35: error: population.iiv.cv: 1 values for 2 parameters; give one per parameter"},
      {"population:\n  iiv: {parameters: [CL], cv: [0.3]}\n  iov: {parameters: [CL], cv: [0.1], "
       "distribution: normal}\n",
       "pop.yaml:3:52: error: population.iov.distribution: CL has lognormal IIV; its IOV must be lognormal too"},
      {"population:\n  iiv: {parameters: [CL], variances: [0.1], distribution: [logit]}\n",
       "pop.yaml:2:60: error: population.iiv.distribution[0]: logit-normal variability needs a typical value in "
       "(0, 1); CL is 10"},
      {"population:\n  residual_error:\n    - {variable: Cc, model: proportionnal, proportional: 0.2}\n",
       "pop.yaml:3:29: error: population.residual_error[0].model: unknown value 'proportionnal' (did you mean "
       "'proportional'?); expected one of: additive, proportional, combined, exponential"},
      {"population:\n  residual_error:\n    - {variable: CC, model: additive, additive: 0.2}\n",
       "pop.yaml:3:18: error: population.residual_error[0].variable: unknown variable 'CC' (did you mean 'Cc'?); "
       "the model's outputs are: Cc, ANC, TUMOR"},
      {"population:\n  adherence: {p_miss_dose: 1.2}\n",
       "pop.yaml:2:28: error: population.adherence.p_miss_dose: must be in [0, 1) (got 1.2)"},
      {"population:\n  iiv_: {parameters: [CL], cv: [0.3]}\n",
       "pop.yaml:2:3: error: population.iiv_: unknown key 'iiv_' (did you mean 'iiv'?)"},
      {"population:\n  covariates:\n    - {name: CL, distribution: uniform, lower: 1, upper: 2}\n",
       "pop.yaml:3:14: error: population.covariates[0].name: covariate 'CL' has the name of a model parameter"},
      {"population:\n  dose_modification: {after_dlt: discontinue, reduce_levels: 1}\n",
       "pop.yaml:2:47: error: population.dose_modification.reduce_levels: `reduce_levels` only applies with "
       "`after_dlt: hold_and_reduce`"},
  };
  for (const auto& c : cases) {
    INFO(c.yaml);
    const auto got = diagnostics_of(c.yaml);
    INFO("got:\n" << joined(got));
    CHECK(contains(got, c.expected));
    CHECK(got.size() == c.count);
  }
}

TEST_CASE("the population examples in docs/population.md are valid", "[unit]") {
  std::ifstream in(std::string(TWINSIM_SOURCE_DIR) + "/docs/population.md");
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  vp::PopulationContext ctx = context();
  ctx.base_dir = std::string(TWINSIM_SOURCE_DIR) + "/configs";
  int checked = 0;
  for (std::size_t at = doc.find("```yaml\n"); at != std::string::npos; at = doc.find("```yaml\n", at + 1)) {
    const std::size_t begin = at + 8, end = doc.find("```", begin);
    const std::string block = doc.substr(begin, end - begin);
    if (block.rfind("population:", 0) != 0 && block.rfind("  ", 0) != 0) continue;
    // Fragments indented under `population:` get the parent key back.
    const std::string text = block.rfind("population:", 0) == 0 ? block : "population:\n" + block;
    INFO(text);
    const auto node = core::ConfigNode::load_string(text, "doc.yaml");
    core::Diagnostics diag;
    const auto spec = vp::parse_population(node.get("population"), diag, ctx);
    for (const auto& d : diag.items()) FAIL_CHECK(d.format());
    CHECK(spec.has_value());
    ++checked;
  }
  CHECK(checked >= 4);
}
