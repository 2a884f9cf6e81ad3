// [reliability] Replays, through exactly the code the libFuzzer targets run
// (fuzz/fuzz_inputs.hpp), every input a fuzzer ever crashed on
// (tests/reliability/fuzz_regressions/<target>/), the seed corpus, and a
// deterministic sweep of truncated and bit-flipped result files. Under the
// sanitizer build (make test) any memory error or UB here fails the pass.
#include <catch2/catch.hpp>

#include <filesystem>

#include "fuzz_inputs.hpp"
#include "reliability_support.hpp"

using namespace twinsim;

namespace {

std::vector<std::string> regression_inputs(const std::string& target) {
  std::vector<std::string> out;
  const auto dir = std::filesystem::path(test::source_dir()) / "tests/reliability/fuzz_regressions" / target;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.is_regular_file() && e.path().filename() != "README.md") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

bool scenario_file(const std::string& path) {
  const std::string bytes = test::read_all(path);
  return fuzz::scenario_bytes(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

bool result_bytes(const std::string& scratch, const std::string& bytes) {
  return fuzz::result_file_bytes(scratch, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

TEST_CASE("scenario fuzz regressions and seeds end in a typed error or a valid scenario", "[reliability]") {
  for (const auto& path : regression_inputs("scenario")) {
    INFO(path);
    CHECK_NOTHROW(scenario_file(path));
  }
  // The seeds: every example is accepted, every malformed case is refused.
  for (const auto& path : test::files_in(test::source_dir() + "/configs", ".yaml")) {
    INFO(path);
    CHECK(scenario_file(path));
  }
  for (const auto& path : test::files_in(test::source_dir() + "/tests/config/cases", ".yaml")) {
    INFO(path);
    CHECK_FALSE(scenario_file(path));
  }
}

TEST_CASE("result-file fuzz regressions, truncations and bit flips end in a typed error", "[reliability]") {
  test::TempDir dir("fuzzreg");
  const std::string scratch = dir.file("scratch.h5");
  for (const auto& path : regression_inputs("result_file")) {
    INFO(path);
    CHECK_NOTHROW(result_bytes(scratch, test::read_all(path)));
  }
  // A real result file is read; every prefix of it (1/32 steps) and every
  // 1/64th with one byte inverted must be refused or read, never crash.
  const std::string yaml = dir.file("s.yaml"), good = dir.file("good.h5");
  test::write_file(yaml, test::read_all(test::source_dir() + "/configs/design_only_3p3_boin_crm.yaml"));
  const auto r = test::run_cli("run " + test::quote(yaml) + " -o " + test::quote(good) + " --replicates 20 --quiet");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const std::string bytes = test::read_all(good);
  CHECK(result_bytes(scratch, bytes));
  int refused = 0;
  for (int k = 0; k < 32; ++k) {
    const std::size_t n = bytes.size() * static_cast<std::size_t>(k) / 32;
    INFO("prefix of " << n << " bytes");
    const bool read = result_bytes(scratch, bytes.substr(0, n));
    refused += !read;
  }
  CHECK(refused == 32);  // a truncated file is never taken for a result
  for (int k = 0; k < 64; ++k) {
    std::string flipped = bytes;
    const std::size_t at = bytes.size() * static_cast<std::size_t>(k) / 64;
    flipped[at] = static_cast<char>(~flipped[at]);
    INFO("byte " << at << " inverted");
    CHECK_NOTHROW(result_bytes(scratch, flipped));
  }
}
