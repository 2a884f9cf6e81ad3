// [reliability] Every example scenario, shrunk (3 replicates, a 100-patient
// reference cohort for the PK/PD dose-toxicity truth), through run, report
// and compare. Same code paths as the full-size e2e loops over configs/, at a
// cost the sanitizer pass can afford (scripts/sanitize-test.sh runs this
// instead of those).
#include <catch2/catch.hpp>

#include "reliability_support.hpp"

using namespace twinsim;

namespace {
std::string shrink(std::string text) {
  const std::string key = "truth_cohort_size:";
  if (const auto at = text.find(key); at != std::string::npos) {
    const auto eol = text.find('\n', at);
    text.replace(at, eol - at, key + " 100");
  } else if (const auto w = text.find("    window_h:"); w != std::string::npos) {
    text.insert(text.find('\n', w) + 1, "    " + key + " 100\n");
  }
  return text;
}
}  // namespace

TEST_CASE("every config runs, reports and compares at a small size", "[reliability]") {
  const auto files = test::files_in(test::source_dir() + "/configs", ".yaml");
  REQUIRE(files.size() >= 4);
  for (const auto& cfg : files) {
    INFO(cfg);
    test::TempDir dir("small-config");
    const std::string yaml = dir.file("s.yaml"), out = dir.file("out.h5");
    test::write_file(yaml, shrink(test::read_all(cfg)));
    const auto run = test::run_cli("run " + test::quote(yaml) + " -o " + test::quote(out) + " --replicates 3");
    INFO(run.output);
    REQUIRE(run.exit_code == 0);
    CHECK(run.output.find("failed to solve") == std::string::npos);
    const auto rep = test::run_cli("report " + test::quote(out) + " --format json");
    INFO(rep.output);
    CHECK(rep.exit_code == 0);
    CHECK(rep.output.find("twinsim: warning") == std::string::npos);
    const auto cmp = test::run_cli("compare " + test::quote(out) + " " + test::quote(out));
    INFO(cmp.output);
    CHECK(cmp.exit_code == 0);
  }
}
