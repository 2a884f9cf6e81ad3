// [determinism] The same scenario on 1 and 2 threads gives bit-identical datasets.
#include <catch2/catch.hpp>

#include <cstring>

#include "h5_compare.hpp"
#include "test_support.hpp"
#include "twinsim/core/h5.hpp"

using namespace twinsim;


TEST_CASE("1 and 2 threads give bit-identical results for every config", "[e2e][determinism]") {
  for (const auto& cfg : test::files_in(test::source_dir() + "/configs", ".yaml")) {
    INFO(cfg);
    test::TempDir dir("det");
    const std::string one = dir.file("one.h5"), two = dir.file("two.h5");
    const std::string common = "run " + test::quote(cfg) + " --replicates 60 --quiet -o ";
    REQUIRE(test::run_cli(common + test::quote(one) + " --threads 1").exit_code == 0);
    REQUIRE(test::run_cli(common + test::quote(two) + " --threads 2").exit_code == 0);
    core::H5Reader a(one), b(two);
    test::compare_groups(a, b, "/");
  }
}
