// [config] regimen.events (issue 15): a malformed table of dosing records is
// rejected with the reader's diagnostic at its CSV line and column, through
// the scenario loader and `twinsim validate` (exit 2). The model is an oral
// one-compartment model (ADVAN2: CMT 1 = depot, bolus only; 2 = central), the
// model of the reader's own cases, so the negative time, unsorted times,
// RATE into a bolus-only compartment, unknown CMT and missing column cases
// of tests/config/data_cases/ apply unchanged; tests/config/event_cases/
// holds the rules of regimen.events itself (a second line
// "# cycle_length_h: L" sets the regimen's cycle length).
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

#include "expect_case.hpp"
#include "test_support.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

using namespace twinsim;

namespace {

std::string scenario_for(const std::string& csv) {
  std::ifstream in(csv);
  std::string line, cycle;
  std::getline(in, line);
  std::getline(in, line);
  const std::string tag = "# cycle_length_h: ";
  if (line.rfind(tag, 0) == 0) cycle = ", cycle_length_h: " + line.substr(tag.size());
  return "name: events\ndose_levels: [100]\nmodel:\n"
         "  pk: {compartments: 1, absorption: first_order, parameters: {CL: 10, V: 50, KA: 1}}\n"
         "regimen: {events: " + csv + cycle + "}\n"
         "designs:\n  - {name: arm, type: fixed, dose: 100, patients: 1}\n";
}

// The same model with an ordinary regimen (twinsim simulate uses the model only).
const char* kModelScenario =
    "name: simulate\ndose_levels: [100]\nmodel:\n"
    "  pk: {compartments: 1, absorption: first_order, parameters: {CL: 10, V: 50, KA: 1}}\n"
    "regimen: {route: oral, interval_h: 24, doses_per_cycle: 1, cycle_length_h: 24}\n"
    "designs:\n  - {name: arm, type: fixed, dose: 100, patients: 1}\n";

std::vector<std::string> cases() {
  const std::string data = test::source_dir() + "/tests/config/data_cases/";
  std::vector<std::string> c = {data + "01_missing_columns.csv", data + "06_negative_time.csv",
                                data + "07_unsorted_times.csv", data + "12_rate_bolus_route.csv",
                                data + "13_unknown_cmt.csv", data + "14_addl_without_ii.csv"};
  for (const auto& f : test::files_in(test::source_dir() + "/tests/config/event_cases", ".csv")) c.push_back(f);
  return c;
}

}  // namespace

TEST_CASE("regimen.events: every malformed table gives its diagnostic at the CSV field", "[config]") {
  const auto all = cases();
  REQUIRE(all.size() >= 9);
  for (const auto& csv : all) {
    INFO(csv);
    std::string want = test::expected_diagnostic(csv);
    // Without ID the reader asks for TIME and AMT only.
    const auto id = want.find("ID, TIME and AMT");
    if (id != std::string::npos) want.replace(id, 16, "TIME and AMT");
    std::vector<std::string> got;
    try {
      (void)trial::load_scenario_text(scenario_for(csv), "events.yaml");
      FAIL("accepted");
    } catch (const core::ScenarioError& e) {
      for (const auto& d : e.diagnostics()) got.push_back(d.format());
    }
    std::string text;
    for (const auto& g : got) text += g + "\n";
    INFO(text);
    CHECK(std::find(got.begin(), got.end(), want) != got.end());
  }
}

TEST_CASE("regimen.events: twinsim validate exits 2 naming the CSV line and column", "[config]") {
  const std::string csv = test::source_dir() + "/tests/config/data_cases/06_negative_time.csv";
  const test::TempDir dir("events");
  const std::string yaml = dir.file("events.yaml");
  test::write_file(yaml, scenario_for(csv));
  const auto r = test::run_cli("validate " + test::quote(yaml));
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find(csv + ":3:3: error: TIME: must be >= 0 (got -0.5)") != std::string::npos);
}

TEST_CASE("twinsim simulate --data: bad records exit 2 naming the CSV line and column", "[config]") {
  const test::TempDir dir("simulate");
  const std::string yaml = dir.file("model.yaml");
  // The reader's cases, then what simulate itself refuses.
  test::write_file(yaml, kModelScenario);
  const std::string ss = dir.file("ss.csv");
  test::write_file(ss, "ID,TIME,AMT,CMT,II,SS\n1,0,100,1,24,2\n");
  const std::string data = test::source_dir() + "/tests/config/data_cases/";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {data + "06_negative_time.csv", ":3:3: error: TIME: must be >= 0 (got -0.5)"},
      {data + "07_unsorted_times.csv", ":5:3: error: TIME: 1 is before 2 on line 4"},
      {data + "12_rate_bolus_route.csv", ":3:11: error: RATE: CMT 1 (depot) takes bolus doses only: RATE must be 0 (got 100)"},
      {data + "13_unknown_cmt.csv", ":3:9: error: CMT: unknown compartment 4 (this model's compartments: 1 = depot, 2 = central)"},
      {ss, ":2:14: error: SS: a steady-state dose added to the amounts (SS 2) is not supported by twinsim simulate; "
           "SS 1 (replacing them) is"},
  };
  for (const auto& [csv, message] : cases) {
    INFO(csv);
    const auto r = test::run_cli("simulate " + test::quote(yaml) + " --data " + test::quote(csv));
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(csv + message) != std::string::npos);
  }
}

TEST_CASE("twinsim simulate --data --format csv: one row per observation record, ID,TIME then the outputs",
          "[config]") {
  const test::TempDir dir("simulate-ok");
  const std::string yaml = dir.file("model.yaml"), csv = dir.file("d.csv");
  test::write_file(yaml, kModelScenario);
  test::write_file(csv, "ID,TIME,AMT,CMT,EVID\n1,0,100,1,1\n1,2,0,2,0\n1,4,0,2,0\n2,0,100,2,1\n2,1,0,2,0\n");
  const auto r = test::run_cli("simulate " + test::quote(yaml) + " --data " + test::quote(csv) + " --format csv");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.rfind("ID,TIME,Cc\n1,2,", 0) == 0);
  CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 4);
  CHECK(r.output.find("\n2,1,") != std::string::npos);
}

TEST_CASE("twinsim simulate --data: resets (EVID 3, 4) and SS 1 doses are simulated, not refused", "[config]") {
  const test::TempDir dir("simulate-reset");
  const std::string yaml = dir.file("model.yaml"), csv = dir.file("d.csv");
  test::write_file(yaml, kModelScenario);
  // A reset at 12 h (TIME then goes back with EVID 4), an SS 1 dose at 30 h.
  test::write_file(csv, "ID,TIME,AMT,CMT,EVID,II,SS\n1,0,100,1,1,.,.\n1,12,0,1,3,.,.\n1,12,0,2,0,.,.\n"
                        "1,6,100,1,4,.,.\n1,8,0,2,0,.,.\n1,30,100,1,1,24,1\n1,30,0,2,0,.,.\n");
  const auto r = test::run_cli("simulate " + test::quote(yaml) + " --data " + test::quote(csv) + " --format csv");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.rfind("ID,TIME,Cc\n1,12,0\n1,8,", 0) == 0);
  CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 4);
}
