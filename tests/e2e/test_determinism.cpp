// [determinism] The same scenario on 1 and 2 threads gives bit-identical datasets.
#include <catch2/catch.hpp>

#include <cstring>

#include "test_support.hpp"
#include "twinsim/core/h5.hpp"

using namespace twinsim;

namespace {
void compare_groups(const core::H5Reader& a, const core::H5Reader& b, const std::string& group) {
  for (const auto& child : a.children(group)) {
    const std::string path = group + (group == "/" ? "" : "/") + child;
    INFO(path);
    REQUIRE(b.exists(path));
    bool is_group = true;
    try {
      (void)a.dims(path);
      is_group = false;
    } catch (const std::exception&) {
    }
    if (is_group) {
      compare_groups(a, b, path);
      continue;
    }
    const auto da = a.read_doubles(path);
    const auto db = b.read_doubles(path);
    REQUIRE(da.size() == db.size());
    for (std::size_t i = 0; i < da.size(); ++i) {
      // Bit-identical, NaN included.
      REQUIRE(std::memcmp(&da[i], &db[i], sizeof(double)) == 0);
    }
  }
}
}  // namespace

TEST_CASE("1 and 2 threads give bit-identical results for every config", "[e2e][determinism]") {
  for (const auto& cfg : test::files_in(test::source_dir() + "/configs", ".yaml")) {
    INFO(cfg);
    test::TempDir dir("det");
    const std::string one = dir.file("one.h5"), two = dir.file("two.h5");
    const std::string common = "run " + test::quote(cfg) + " --replicates 60 --quiet -o ";
    REQUIRE(test::run_cli(common + test::quote(one) + " --threads 1").exit_code == 0);
    REQUIRE(test::run_cli(common + test::quote(two) + " --threads 2").exit_code == 0);
    core::H5Reader a(one), b(two);
    compare_groups(a, b, "/");
  }
}
