// [config] Bad values for every key of the three_plus_three, boin, crm, mtpi2 and i3+3
// designs: each gives its exact diagnostic with file:line:col and key path.
// The scenario around the design is fixed; the design's keys start on line 8,
// indented by 4, so a key's value sits at column 5 + len(key) + 2.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "twinsim/core/error.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace {

std::string scenario(const std::string& type, const std::string& keys) {
  return "name: t\n"
         "dose_levels: [1, 2, 3, 4, 5]\n"
         "toxicity:\n"
         "  true_dlt_probabilities: [0.05, 0.1, 0.2, 0.3, 0.5]\n"
         "designs:\n"
         "  - name: d\n"
         "    type: " +
         type + "\n" + keys;
}

std::vector<std::string> diagnostics(const std::string& text) {
  std::vector<std::string> out;
  try {
    (void)twinsim::trial::load_scenario_text(text, "test.yaml");
  } catch (const twinsim::core::ScenarioError& e) {
    for (const auto& d : e.diagnostics()) out.push_back(d.format());
  }
  return out;
}

// The scenario must be rejected with exactly this diagnostic among its errors.
void expect_error(const std::string& type, const std::string& keys, const std::string& want) {
  const auto got = diagnostics(scenario(type, keys));
  INFO("keys:\n" << keys << "diagnostics:\n" << [&] {
    std::string s;
    for (const auto& g : got) s += g + "\n";
    return s;
  }());
  REQUIRE_FALSE(got.empty());
  CHECK(std::find(got.begin(), got.end(), want) != got.end());
}

void expect_ok(const std::string& type, const std::string& keys) {
  const auto got = diagnostics(scenario(type, keys));
  INFO("keys:\n" << keys);
  for (const auto& g : got) INFO(g);
  CHECK(got.empty());
}

}  // namespace

TEST_CASE("three_plus_three keys", "[config][3+3]") {
  expect_ok("three_plus_three", "");
  expect_ok("three_plus_three", "    start_dose: 4\n    target: 0.3\n");
  expect_error("three_plus_three", "    start_dose: 5\n",
               "test.yaml:8:17: error: designs[0].start_dose: must be in [0, 4] (got 5)");
  expect_error("three_plus_three", "    start_dose: 1.5\n",
               "test.yaml:8:17: error: designs[0].start_dose: expected an integer, got '1.5'");
  expect_error("three_plus_three", "    target: 0\n", "test.yaml:8:13: error: designs[0].target: must be in (0, 1) (got 0)");
  // The cohort size of 3+3 is not an option.
  expect_error("three_plus_three", "    cohort_size: 3\n",
               "test.yaml:8:5: error: designs[0].cohort_size: unknown key 'cohort_size'");
}

TEST_CASE("boin keys", "[config][boin]") {
  expect_ok("boin", "    target: 0.3\n");
  expect_ok("boin",
            "    target: 0.25\n    p_saf: 0.15\n    p_tox: 0.35\n    cohort_size: 1\n    max_patients: 36\n"
            "    n_earlystop: 12\n    n_earlystop_rule: simple\n    start_dose: 2\n    cutoff_eli: 0.9\n"
            "    extrasafe: true\n    offset: 0.1\n    bound_mtd: true\n");
  expect_error("boin", "", "test.yaml:6:5: error: designs[0].target: required key is missing");
  expect_error("boin", "    target: 1.3\n", "test.yaml:8:13: error: designs[0].target: must be in (0, 1) (got 1.3)");
  expect_error("boin", "    target: high\n",
               "test.yaml:8:13: error: designs[0].target: expected a finite number, got 'high'");
  expect_error("boin", "    target: [0.3]\n",
               "test.yaml:8:13: error: designs[0].target: expected a number, got a list");
  expect_error("boin", "    target: 0.3\n    p_saf: 0.35\n",
               "test.yaml:9:12: error: designs[0].p_saf: must be in (0, 0.3) (got 0.35)");
  expect_error("boin", "    target: 0.3\n    p_tox: 0.2\n",
               "test.yaml:9:12: error: designs[0].p_tox: must be in (0.3, 1) (got 0.2)");
  expect_error("boin", "    target: 0.3\n    cohort_size: 0\n",
               "test.yaml:9:18: error: designs[0].cohort_size: must be in [1, 100000] (got 0)");
  expect_error("boin", "    target: 0.3\n    max_patients: -3\n",
               "test.yaml:9:19: error: designs[0].max_patients: must be in [1, 100000] (got -3)");
  expect_error("boin", "    target: 0.3\n    n_earlystop: 0\n",
               "test.yaml:9:18: error: designs[0].n_earlystop: must be in [1, 100000] (got 0)");
  expect_error("boin", "    target: 0.3\n    n_earlystop_rule: always\n",
               "test.yaml:9:23: error: designs[0].n_earlystop_rule: unknown value 'always'; expected one of: "
               "with_stay, simple");
  expect_error("boin", "    target: 0.3\n    start_dose: 7\n",
               "test.yaml:9:17: error: designs[0].start_dose: must be in [0, 4] (got 7)");
  expect_error("boin", "    target: 0.3\n    cutoff_eli: 1\n",
               "test.yaml:9:17: error: designs[0].cutoff_eli: must be in (0, 1) (got 1)");
  expect_error("boin", "    target: 0.3\n    extrasafe: maybe\n",
               "test.yaml:9:16: error: designs[0].extrasafe: expected true or false, got 'maybe'");
  expect_error("boin", "    target: 0.3\n    offset: 0.05\n",
               "test.yaml:9:13: error: designs[0].offset: only used with extrasafe: true");
  expect_error("boin", "    target: 0.3\n    extrasafe: true\n    offset: 0.5\n",
               "test.yaml:10:13: error: designs[0].offset: must be in [0, 0.5) (got 0.5)");
  expect_error("boin", "    target: 0.3\n    cohortsize: 3\n",
               "test.yaml:9:5: error: designs[0].cohortsize: unknown key 'cohortsize' (did you mean 'cohort_size'?)");
}

TEST_CASE("crm keys", "[config][crm]") {
  const std::string sk = "    skeleton: [0.05, 0.12, 0.25, 0.40, 0.55]\n";
  expect_ok("crm", "    target: 0.25\n" + sk);
  expect_ok("crm", "    target: 0.25\n" + sk +
                       "    model: logistic\n    intercept: 3\n    prior_var: 0.75\n    cohort_size: 1\n"
                       "    max_patients: 24\n    start_dose: 1\n    restrict: false\n"
                       "    stop_overdose: {threshold: 0.9}\n");
  expect_error("crm", sk, "test.yaml:6:5: error: designs[0].target: required key is missing");
  expect_error("crm", "    target: 0.25\n", "test.yaml:6:5: error: designs[0].skeleton: required key is missing");
  expect_error("crm", "    target: 0.25\n    skeleton: [0.05, 0.12, 0.25, 0.40]\n",
               "test.yaml:9:15: error: designs[0].skeleton: has 4 values for 5 dose levels");
  expect_error("crm", "    target: 0.25\n    skeleton: [0.05, 0.25, 0.12, 0.40, 0.55]\n",
               "test.yaml:9:28: error: designs[0].skeleton[2]: skeleton must increase strictly (0.12 after 0.25)");
  expect_error("crm", "    target: 0.25\n    skeleton: [0.05, 0.12, 0.25, 0.40, 1.2]\n",
               "test.yaml:9:40: error: designs[0].skeleton[4]: must be in (0, 1) (got 1.2)");
  expect_error("crm", "    target: 0.25\n    skeleton: 0.05\n",
               "test.yaml:9:15: error: designs[0].skeleton: expected a list of numbers, got '0.05'");
  expect_error("crm", "    target: 0.25\n" + sk + "    model: probit\n",
               "test.yaml:10:12: error: designs[0].model: unknown value 'probit'; expected one of: empiric, logistic");
  expect_error("crm", "    target: 0.25\n" + sk + "    intercept: 3\n",
               "test.yaml:10:16: error: designs[0].intercept: only used with model: logistic");
  expect_error("crm", "    target: 0.25\n" + sk + "    model: logistic\n    intercept: 0.1\n",
               "test.yaml:11:16: error: designs[0].intercept: the logistic model needs intercept > logit(0.55) = "
               "0.2007 (intercept is 0.1)");
  expect_error("crm", "    target: 0.25\n" + sk + "    prior_var: 0\n",
               "test.yaml:10:16: error: designs[0].prior_var: must be > 0 (got 0)");
  expect_error("crm", "    target: 0.25\n" + sk + "    restrict: 1\n",
               "test.yaml:10:15: error: designs[0].restrict: expected true or false, got '1'");
  expect_error("crm", "    target: 0.25\n" + sk + "    stop_overdose: {threshold: 1.5}\n",
               "test.yaml:10:32: error: designs[0].stop_overdose.threshold: must be in (0, 1) (got 1.5)");
  expect_error("crm", "    target: 0.25\n" + sk + "    stop_overdose: {level: 0.9}\n",
               "test.yaml:10:21: error: designs[0].stop_overdose.level: unknown key 'level'");
  expect_error("crm", "    target: 0.25\n" + sk + "    stop_overdose: 0.9\n",
               "test.yaml:10:20: error: designs[0].stop_overdose: expected true, false or a map of keys (threshold, "
               "tox_threshold), got '0.9'");
  expect_error("crm", "    target: 0.25\n" + sk + "    skelton: [0.1]\n",
               "test.yaml:10:5: error: designs[0].skelton: unknown key 'skelton' (did you mean 'skeleton'?)");
}

TEST_CASE("mtpi2 and i3+3 keys", "[config][mtpi2][i3+3]") {
  for (const char* name : {"mtpi2", "i3+3"}) {
    const std::string type = name;
    INFO(type);
    expect_ok(type, "    target: 0.3\n");
    expect_ok(type,
              "    target: 0.25\n    epsilon1: 0.03\n    epsilon2: 0.07\n    cohort_size: 1\n    max_patients: 36\n"
              "    start_dose: 2\n    cutoff_eli: 0.9\n    exclusion_min_n: 2\n    n_earlystop: 12\n");
    expect_error(type, "", "test.yaml:6:5: error: designs[0].target: required key is missing");
    expect_error(type, "    target: 1\n", "test.yaml:8:13: error: designs[0].target: must be in (0, 1) (got 1)");
    expect_error(type, "    target: 0.3\n    epsilon1: 0\n",
                 "test.yaml:9:15: error: designs[0].epsilon1: must be > 0 (got 0)");
    expect_error(type, "    target: 0.3\n    epsilon1: 0.3\n",
                 "test.yaml:9:15: error: designs[0].epsilon1: the equivalence interval must lie inside (0, 1): "
                 "target - epsilon1 = 0");
    expect_error(type, "    target: 0.5\n    epsilon2: 0.5\n",
                 "test.yaml:9:15: error: designs[0].epsilon2: the equivalence interval must lie inside (0, 1): "
                 "target + epsilon2 = 1");
    expect_error(type, "    target: 0.3\n    cohort_size: 0\n",
                 "test.yaml:9:18: error: designs[0].cohort_size: must be in [1, 1000] (got 0)");
    expect_error(type, "    target: 0.3\n    max_patients: 1001\n",
                 "test.yaml:9:19: error: designs[0].max_patients: must be in [1, 1000] (got 1001)");
    expect_error(type, "    target: 0.3\n    start_dose: 5\n",
                 "test.yaml:9:17: error: designs[0].start_dose: must be in [0, 4] (got 5)");
    expect_error(type, "    target: 0.3\n    cutoff_eli: 0\n",
                 "test.yaml:9:17: error: designs[0].cutoff_eli: must be in (0, 1) (got 0)");
    expect_error(type, "    target: 0.3\n    exclusion_min_n: 0\n",
                 "test.yaml:9:22: error: designs[0].exclusion_min_n: must be in [1, 1000] (got 0)");
    expect_error(type, "    target: 0.3\n    n_earlystop: -1\n",
                 "test.yaml:9:18: error: designs[0].n_earlystop: must be in [0, 1000] (got -1)");
    expect_error(type, "    target: 0.3\n    cuttoff_eli: 0.9\n",
                 "test.yaml:9:5: error: designs[0].cuttoff_eli: unknown key 'cuttoff_eli' (did you mean 'cutoff_eli'?)");
  }
}

TEST_CASE("blrm keys", "[config][blrm]") {
  expect_ok("blrm", "");
  expect_ok("blrm",
            "    reference_dose: 3\n    prior: {mean_log_alpha: -1.1, mean_log_beta: 0.1, sd_log_alpha: 1.5,"
            " sd_log_beta: 0.8, correlation: -0.3}\n    target_interval: [0.2, 0.35]\n    ewoc: 0.3\n"
            "    max_increase: 0.5\n    allow_skipping: false\n    cohort_size: 2\n    max_patients: 24\n"
            "    start_dose: 1\n    min_patients_at_mtd: 9\n    stop_target_prob: 0.4\n    target: 0.25\n");
  expect_ok("blrm", "    prior:\n      - {weight: 0.8, mean_log_alpha: -1.1, sd_log_alpha: 0.5}\n"
                    "      - {weight: 0.2, sd_log_alpha: 2, sd_log_beta: 1}\n");
  expect_error("blrm", "    reference_dose: 0\n",
               "test.yaml:8:21: error: designs[0].reference_dose: must be > 0 (got 0)");
  expect_error("blrm", "    prior: 3\n",
               "test.yaml:8:12: error: designs[0].prior: expected a map of prior keys or a non-empty list of them "
               "(a mixture), got '3'");
  expect_error("blrm", "    prior: []\n",
               "test.yaml:8:12: error: designs[0].prior: expected a map of prior keys or a non-empty list of them "
               "(a mixture), got a list");
  expect_error("blrm", "    prior: [1]\n",
               "test.yaml:8:13: error: designs[0].prior[0]: expected a map of prior keys, got '1'");
  expect_error("blrm", "    prior: {sd_log_alpha: 0}\n",
               "test.yaml:8:27: error: designs[0].prior.sd_log_alpha: must be > 0 (got 0)");
  expect_error("blrm", "    prior: {sd_log_beta: -1}\n",
               "test.yaml:8:26: error: designs[0].prior.sd_log_beta: must be > 0 (got -1)");
  expect_error("blrm", "    prior: {correlation: 1}\n",
               "test.yaml:8:26: error: designs[0].prior.correlation: must be in (-1, 1) (got 1)");
  expect_error("blrm", "    prior: {mean_log_alpha: low}\n",
               "test.yaml:8:29: error: designs[0].prior.mean_log_alpha: expected a finite number, got 'low'");
  expect_error("blrm", "    prior: {weight: 1}\n",
               "test.yaml:8:13: error: designs[0].prior.weight: unknown key 'weight'");
  expect_error("blrm", "    prior: [{weight: 0}]\n",
               "test.yaml:8:22: error: designs[0].prior[0].weight: must be > 0 (got 0)");
  expect_error("blrm", "    prior: {mean_log_alfa: 0}\n",
               "test.yaml:8:13: error: designs[0].prior.mean_log_alfa: unknown key 'mean_log_alfa' (did you mean "
               "'mean_log_alpha'?)");
  expect_error("blrm", "    target_interval: [0.3, 0.2]\n",
               "test.yaml:8:28: error: designs[0].target_interval[1]: the upper bound must be above the lower (0.2 "
               "after 0.3)");
  expect_error("blrm", "    target_interval: [0.16]\n",
               "test.yaml:8:22: error: designs[0].target_interval: expected [lower, upper], got 1 values");
  expect_error("blrm", "    target_interval: [0, 0.33]\n",
               "test.yaml:8:23: error: designs[0].target_interval[0]: must be in (0, 1) (got 0)");
  expect_error("blrm", "    ewoc: 0\n", "test.yaml:8:11: error: designs[0].ewoc: must be in (0, 1] (got 0)");
  expect_error("blrm", "    max_increase: 0\n",
               "test.yaml:8:19: error: designs[0].max_increase: must be > 0 (got 0)");
  expect_error("blrm", "    allow_skipping: maybe\n",
               "test.yaml:8:21: error: designs[0].allow_skipping: expected true or false, got 'maybe'");
  expect_error("blrm", "    cohort_size: 0\n",
               "test.yaml:8:18: error: designs[0].cohort_size: must be in [1, 100000] (got 0)");
  expect_error("blrm", "    max_patients: 2\n",
               "test.yaml:8:19: error: designs[0].max_patients: must be >= cohort_size 3 (got 2)");
  expect_error("blrm", "    start_dose: 5\n", "test.yaml:8:17: error: designs[0].start_dose: must be in [0, 4] (got 5)");
  expect_error("blrm", "    min_patients_at_mtd: 0\n",
               "test.yaml:8:26: error: designs[0].min_patients_at_mtd: must be in [1, 100000] (got 0)");
  expect_error("blrm", "    stop_target_prob: 1.5\n",
               "test.yaml:8:23: error: designs[0].stop_target_prob: must be in [0, 1] (got 1.5)");
  expect_error("blrm", "    target: 1\n", "test.yaml:8:13: error: designs[0].target: must be in (0, 1) (got 1)");
  expect_error("blrm", "    ewok: 0.25\n",
               "test.yaml:8:5: error: designs[0].ewok: unknown key 'ewok' (did you mean 'ewoc'?)");
}
