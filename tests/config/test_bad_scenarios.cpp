// [config] Every file in tests/config/cases/ is a malformed scenario whose first
// line says which diagnostic it must produce: "# expect: LINE:COL: TEXT".
// The loader must report exactly that diagnostic (among possibly others), and
// `twinsim validate` must print it and exit with code 2, never crash.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

#include "expect_case.hpp"
#include "test_support.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

using namespace twinsim;

TEST_CASE("every malformed scenario gives its exact diagnostic", "[config]") {
  const auto cases = test::files_in(test::source_dir() + "/tests/config/cases", ".yaml");
  REQUIRE(cases.size() >= 15);
  for (const auto& path : cases) {
    INFO(path);
    test::check_rejected_with(path, [&] { (void)trial::load_scenario_file(path); });
  }
}

TEST_CASE("twinsim validate exits 2 and prints file:line:col for every malformed scenario", "[config]") {
  for (const auto& path : test::files_in(test::source_dir() + "/tests/config/cases", ".yaml")) {
    INFO(path);
    const auto r = test::run_cli("validate " + test::quote(path));
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(test::expected_diagnostic(path)) != std::string::npos);
  }
}

TEST_CASE("all errors of a file are reported in one pass", "[config]") {
  const std::string text =
      "name: many-errors\n"
      "replicates: 0\n"
      "dose_levels: [1, 2]\n"
      "toxicity:\n"
      "  true_dlt_probabilities: [0.1]\n"
      "designs:\n"
      "  - {name: a, type: fixed, dose: 3, patients: 3}\n"
      "colour: blue\n";
  try {
    (void)trial::load_scenario_text(text, "many.yaml");
    FAIL("accepted");
  } catch (const core::ScenarioError& e) {
    std::vector<std::string> got;
    for (const auto& d : e.diagnostics()) got.push_back(d.format());
    CHECK(got.size() == 4);
    CHECK(std::count(got.begin(), got.end(), "many.yaml:2:13: error: replicates: must be in [1, 100000000] (got 0)") == 1);
    CHECK(std::count(got.begin(), got.end(),
                     "many.yaml:5:27: error: toxicity.true_dlt_probabilities: has 1 probabilities for 2 dose levels") == 1);
    CHECK(std::count(got.begin(), got.end(),
                     "many.yaml:7:34: error: designs[0].dose: dose 3 is not one of dose_levels [1, 2]") == 1);
    CHECK(std::count(got.begin(), got.end(), "many.yaml:8:1: error: colour: unknown key 'colour'") == 1);
  }
}

TEST_CASE("the CLI rejects bad usage with exit code 2", "[config]") {
  CHECK(test::run_cli("").exit_code == 2);
  CHECK(test::run_cli("frobnicate").exit_code == 2);
  CHECK(test::run_cli("run").exit_code == 2);
  const auto missing = test::run_cli("validate /nonexistent/scenario.yaml");
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("/nonexistent/scenario.yaml: error: does not exist") != std::string::npos);
}
