// [config] `twinsim forecast` on bad input (docs/fit.md, "Forecast"): every
// file in tests/config/forecast_cases/ (cases 240-251, 258) is a malformed forecast
// file whose first line names its diagnostic ("# expect: LINE:COL: TEXT");
// the CLI must print it and exit 2. Cases 252-257 and 259 are bad fit files,
// output names and --draws, with their exact messages.
#include <catch2/catch.hpp>

#include <filesystem>

#include "expect_case.hpp"
#include "test_support.hpp"
#include "twinsim/trial/scenario/forecast_spec.hpp"

using namespace twinsim;

namespace {

const std::string kConfig = test::source_dir() + "/configs/digital_twin_fit.yaml";
const std::string kData = test::source_dir() + "/configs/data/digital_twin_patients.csv";
const std::string kCycle2 = test::source_dir() + "/configs/forecast/digital_twin_cycle2.yaml";

std::string write_fit(const test::TempDir& dir) {
  const std::string out = dir.file("fit.h5");
  const auto r = test::run_cli("fit " + test::quote(kConfig) + " --data " + test::quote(kData) + " -o " + test::quote(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return out;
}

}  // namespace

TEST_CASE("every malformed forecast file gives its exact diagnostic and exit code 2 (cases 240-251, 258)", "[config]") {
  test::TempDir dir("forecast-cases");
  const std::string fit = write_fit(dir);
  const trial::Scenario s = trial::load_scenario_file(kConfig);
  const auto cases = test::files_in(test::source_dir() + "/tests/config/forecast_cases", ".yaml");
  REQUIRE(cases.size() >= 13);
  for (const auto& path : cases) {
    INFO(path);
    const auto r = test::run_cli("forecast " + test::quote(fit) + " --regimen " + test::quote(path) + " --draws 2");
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(test::expected_diagnostic(path)) != std::string::npos);
    // The file's own rules are the reader's (250 needs a patient's history).
    if (path.find("250_") == std::string::npos)
      test::check_rejected_with(path, [&] { (void)trial::load_forecast_spec(path, s); });
  }
}

TEST_CASE("forecast refuses a missing, a non-HDF5 and a non-fit file, a missing forecast file, too many draws "
          "(cases 252-255, 259)",
          "[config]") {
  test::TempDir dir("forecast-files");
  const std::string fit = write_fit(dir);
  auto refused = [&](const std::string& args, const std::string& message) {
    const auto r = test::run_cli(args);
    INFO(args << "\n" << r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("twinsim: error: " + message) != std::string::npos);
  };
  // 252
  refused("forecast /nonexistent/fit.h5 --regimen " + test::quote(kCycle2), "/nonexistent/fit.h5: does not exist");
  // 253: a text file
  const std::string text = dir.file("notes.h5");
  test::write_file(text, "not HDF5\n");
  refused("forecast " + test::quote(text) + " --regimen " + test::quote(kCycle2),
          text + ": is not an HDF5 file (write a fit file with twinsim fit -o)");
  // 254: a result file of twinsim run
  const std::string run = dir.file("run.h5");
  REQUIRE(test::run_cli("run " + test::quote(test::source_dir() + "/configs/design_only_3p3_boin_crm.yaml") +
                        " --replicates 5 --quiet -o " + test::quote(run)).exit_code == 0);
  refused("forecast " + test::quote(run) + " --regimen " + test::quote(kCycle2),
          run + ": is not a fit file (no /fit group; write one with twinsim fit -o)");
  // 259: --draws past the cap of draws x candidates (kMaxForecastDrawsTimesCandidates)
  std::string eleven = "start_h: 504\ndraws: 10\ncandidates:\n";
  for (int d = 1; d <= 11; ++d) eleven += "  - {dose: " + std::to_string(10 * d) + "}\n";
  test::write_file(dir.file("eleven.yaml"), eleven);
  refused("forecast " + test::quote(fit) + " --regimen " + test::quote(dir.file("eleven.yaml")) + " --draws 1000000",
          "--draws 1000000 for 11 candidates: at most 10000000 draws x candidates");
  // 255: no forecast file
  const auto missing = test::run_cli("forecast " + test::quote(fit) + " --regimen /nonexistent/cycle2.yaml");
  INFO(missing.output);
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("/nonexistent/cycle2.yaml: error: does not exist") != std::string::npos);
}

TEST_CASE("fit -o keeps an existing file without --force and never writes over its inputs (cases 256-257)", "[config]") {
  test::TempDir dir("fit-output");
  const std::string fit = write_fit(dir);
  const auto size = std::filesystem::file_size(fit);
  const std::string base = "fit " + test::quote(kConfig) + " --data " + test::quote(kData) + " -o ";
  // 256
  const auto again = test::run_cli(base + test::quote(fit));
  INFO(again.output);
  CHECK(again.exit_code == 2);
  CHECK(again.output.find("twinsim: error: output file '" + fit + "' exists; pass --force to overwrite it") !=
        std::string::npos);
  CHECK(std::filesystem::file_size(fit) == size);
  CHECK(test::run_cli(base + test::quote(fit) + " --force").exit_code == 0);
  // 257: the data set as the output, even with --force
  const auto onto = test::run_cli(base + test::quote(kData) + " --force");
  INFO(onto.output);
  CHECK(onto.exit_code == 2);
  CHECK(onto.output.find("is the data set") != std::string::npos);
  CHECK(test::files_in(dir.path().string(), ".h5").size() == 1);  // no temporary file left
}
