// [e2e] `twinsim report --format html` of every configs/ file and sweep,
// opened in one headless Chromium (tests/e2e/html_report_check.py): every
// chart rendered, no console error, no http(s) reference. Screenshots stay
// in the build folder (test-artifacts/html-report/).
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include "test_support.hpp"

using namespace twinsim;

namespace {

constexpr char kChromium[] = "/usr/bin/chromium";

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A copy of a scenario or sweep file (a sweep's base made absolute) with 20
// replicates and a reference cohort of 20, so the test runs in seconds: which
// charts a report has does not depend on the counts.
std::string cheap_copy(const std::string& file, const test::TempDir& dir) {
  std::string text = read_text(file);
  const std::string folder = std::filesystem::path(file).parent_path().string();
  text = std::regex_replace(text, std::regex(R"(base: \.\./)"), "base: " + folder + "/../");
  for (const char* key : {"replicates: ", "truth_cohort_size: "}) {
    text = std::regex_replace(text, std::regex(std::string(key) + R"(\[[0-9]+\])"), std::string(key) + "[20]");
    text = std::regex_replace(text, std::regex(std::string(key) + "[0-9]+"), std::string(key) + "20");
  }
  const std::string path = dir.file("in-" + std::filesystem::path(file).filename().string());
  test::write_file(path, text);
  return path;
}

int json_int(const std::string& line, const std::string& key) {
  std::smatch m;
  if (!std::regex_search(line, m, std::regex("\"" + key + "\": (-?[0-9]+)"))) return -1;
  return std::stoi(m[1]);
}

}  // namespace

TEST_CASE("the HTML report of every config and sweep renders every chart in headless Chromium", "[e2e]") {
  if (!std::filesystem::exists(kChromium)) {
    WARN("skipped: " << kChromium << " is absent (Debian package chromium, scripts/install-deps.sh)");
    return;
  }
  test::TempDir dir("html");
  std::vector<std::string> pages;
  for (const auto& cfg : test::files_in(test::source_dir() + "/configs", ".yaml")) {
    const std::string stem = std::filesystem::path(cfg).stem().string();
    const std::string h5 = dir.file(stem + ".h5"), html = dir.file(stem + ".html");
    const auto r = test::run_cli("run " + test::quote(cheap_copy(cfg, dir)) + " -o " + test::quote(h5) + " --quiet");
    INFO(cfg << "\n" << r.output);
    REQUIRE(r.exit_code == 0);
    const auto rep = test::run_cli("report " + test::quote(h5) + " --format html -o " + test::quote(html));
    INFO(rep.output);
    REQUIRE(rep.exit_code == 0);
    pages.push_back(html);
  }
  for (const auto& sweep : test::files_in(test::source_dir() + "/configs/sweeps", ".yaml")) {
    const std::string stem = "sweep-" + std::filesystem::path(sweep).stem().string();
    const std::string out = dir.file(stem), h5 = dir.file(stem + ".h5"), html = dir.file(stem + ".html");
    const auto r = test::run_cli("sweep " + test::quote(cheap_copy(sweep, dir)) + " -o " + test::quote(out) +
                                 " --quiet && " + test::quote(test::cli_path()) + " merge " + test::quote(out) +
                                 " -o " + test::quote(h5) + " --quiet && " + test::quote(test::cli_path()) +
                                 " report " + test::quote(h5) + " --format html -o " + test::quote(html));
    INFO(sweep << "\n" << r.output);
    REQUIRE(r.exit_code == 0);
    pages.push_back(html);
  }

  for (const auto& page : pages) {
    INFO(page);
    const std::string text = read_text(page);
    CHECK(text.find("http://") == std::string::npos);
    CHECK(text.find("https://") == std::string::npos);
    CHECK(text.find("<script src") == std::string::npos);
  }

  const std::string shots = std::string(TWINSIM_BINARY_DIR) + "/test-artifacts/html-report";
  std::string cmd = "/usr/bin/python3 " + test::quote(test::source_dir() + "/tests/e2e/html_report_check.py") + " " +
                    kChromium + " " + test::quote(shots);
  for (const auto& p : pages) cmd += " " + test::quote(p);
  const auto c = test::run_command(cmd);
  INFO(c.output);
  REQUIRE(c.exit_code == 0);
  std::istringstream lines(c.output);
  std::string line;
  std::size_t checked = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("{\"file\"", 0) != 0) continue;
    INFO(line);
    ++checked;
    CHECK(line.find("\"finished\": true") != std::string::npos);
    const int charts = json_int(line, "charts");
    CHECK(charts > 0);
    CHECK(json_int(line, "rendered") == charts);
    CHECK(json_int(line, "svgs") == charts);
    CHECK(json_int(line, "sections") == charts);
    CHECK(line.find("\"problems\": []") != std::string::npos);
  }
  CHECK(checked == pages.size());
}

TEST_CASE("report --format html needs -o and never overwrites without --force", "[e2e]") {
  test::TempDir dir("html-args");
  const std::string h5 = dir.file("out.h5"), html = dir.file("r.html");
  REQUIRE(test::run_cli("run " + test::quote(test::source_dir() + "/configs/design_only_3p3_boin_crm.yaml") + " -o " +
                        test::quote(h5) + " --replicates 20 --quiet")
              .exit_code == 0);
  const auto no_output = test::run_cli("report " + test::quote(h5) + " --format html");
  CHECK(no_output.exit_code == 2);
  CHECK(no_output.output.find("--format html needs -o") != std::string::npos);
  test::write_file(html, "keep");
  const auto exists = test::run_cli("report " + test::quote(h5) + " --format html -o " + test::quote(html));
  CHECK(exists.exit_code == 2);
  CHECK(read_text(html) == "keep");
  const auto forced = test::run_cli("report " + test::quote(h5) + " --format html -o " + test::quote(html) + " --force");
  CHECK(forced.exit_code == 0);
  CHECK(read_text(html).rfind("<!DOCTYPE html>", 0) == 0);
  CHECK_FALSE(std::filesystem::exists(html + ".partial"));
}
