// [config] Every file in tests/config/sweep_cases/ is a bad sweep file whose
// first line gives the diagnostic it must produce: "# expect: LINE:COL: TEXT"
// ({dir} stands for the folder of the case). `twinsim sweep` must print it,
// exit with code 2 and create nothing: no variant runs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "expect_case.hpp"
#include "test_support.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/trial/sweep/sweep.hpp"

using namespace twinsim;


TEST_CASE("every bad sweep file gives its exact diagnostic and runs nothing", "[config]") {
  const auto cases = test::files_in(test::source_dir() + "/tests/config/sweep_cases", ".yaml");
  REQUIRE(cases.size() >= 8);
  for (const auto& path : cases) {
    INFO(path);
    test::check_rejected_with(path, [&] { (void)trial::load_sweep_file(path); });
    const std::string want = test::expected_diagnostic(path);

    test::TempDir dir("bad-sweep");
    const std::string out = dir.file("out");
    const auto r = test::run_cli("sweep " + test::quote(path) + " -o " + test::quote(out) + " --quiet");
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(want) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(out));
  }
}

TEST_CASE("bad sweep command lines exit 2", "[config]") {
  test::TempDir dir("bad-sweep-cli");
  const std::string sweep = test::source_dir() + "/configs/sweeps/design_only_zip.yaml";
  const std::string out = dir.file("out");
  for (const std::string shard : {"3/3", "-1/2", "1", "a/b", "0/0"}) {
    const auto r = test::run_cli("sweep " + test::quote(sweep) + " -o " + test::quote(out) + " --shard " + shard);
    INFO(shard << ": " << r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("--shard") != std::string::npos);
  }
  const auto both = test::run_cli("sweep " + test::quote(sweep) + " -o " + test::quote(out) + " --resume --force");
  CHECK(both.exit_code == 2);
  CHECK_FALSE(std::filesystem::exists(out));
  const auto merge =
      test::run_cli("merge " + test::quote(dir.file("nothing")) + " -o " + test::quote(dir.file("m.h5")));
  CHECK(merge.exit_code == 2);
  CHECK(merge.output.find("not a sweep output folder") != std::string::npos);
}
