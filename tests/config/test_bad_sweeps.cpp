// [config] Every file in tests/config/sweep_cases/ is a bad sweep file whose
// first line gives the diagnostic it must produce: "# expect: LINE:COL: TEXT"
// ({dir} stands for the folder of the case). `twinsim sweep` must print it,
// exit with code 2 and create nothing: no variant runs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "test_support.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/trial/sweep.hpp"

using namespace twinsim;

namespace {
std::string expected_line(const std::string& path) {
  std::ifstream in(path);
  std::string first;
  std::getline(in, first);
  const std::string tag = "# expect: ";
  REQUIRE(first.rfind(tag, 0) == 0);
  std::string rest = first.substr(tag.size());
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const auto at = rest.find("{dir}");
  if (at != std::string::npos) rest.replace(at, 5, dir);
  const auto second_colon = rest.find(':', rest.find(':') + 1);
  return path + ":" + rest.substr(0, second_colon) + ": error:" + rest.substr(second_colon + 1);
}
}  // namespace

TEST_CASE("every bad sweep file gives its exact diagnostic and runs nothing", "[config]") {
  const auto cases = test::files_in(test::source_dir() + "/tests/config/sweep_cases", ".yaml");
  REQUIRE(cases.size() >= 8);
  for (const auto& path : cases) {
    INFO(path);
    const std::string want = expected_line(path);
    std::vector<std::string> got;
    try {
      (void)trial::load_sweep_file(path);
      FAIL("sweep was accepted");
    } catch (const core::ScenarioError& e) {
      for (const auto& d : e.diagnostics()) got.push_back(d.format());
    }
    INFO("diagnostics:\n" << [&] {
      std::string s;
      for (const auto& g : got) s += g + "\n";
      return s;
    }());
    CHECK(std::find(got.begin(), got.end(), want) != got.end());

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
