// [config] Every file in tests/config/data_cases/ is a malformed NONMEM-format
// data set whose first line names the diagnostic it must produce
// ("# expect: LINE:COL: TEXT", a comment line to the reader); a second line
// "# options: fitting" reads it as `twinsim fit` does. The model is that of
// nonmem_fixtures.hpp: CMT 1 = depot (bolus only), 2 = central; outputs Cc, ANC.
#include <catch2/catch.hpp>

#include <fstream>

#include "expect_case.hpp"
#include "nonmem_fixtures.hpp"
#include "test_support.hpp"
#include "twinsim/core/nonmem_data.hpp"

using namespace twinsim;

namespace {

core::DataSetOptions options_for(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::getline(in, line);
  return line == "# options: fitting" ? test::fit_options() : test::oral_options();
}

}  // namespace

TEST_CASE("every malformed data set gives its exact diagnostic", "[config]") {
  const auto cases = test::files_in(test::source_dir() + "/tests/config/data_cases", ".csv");
  REQUIRE(cases.size() >= 25);
  for (const auto& path : cases) {
    INFO(path);
    const auto options = options_for(path);
    test::check_rejected_with(path, [&] { (void)core::read_data_set_file(path, options); });
  }
}

TEST_CASE("each malformed data set breaks one rule only", "[config]") {
  // So that a case tests its rule alone: no other diagnostic comes with it.
  for (const auto& path : test::files_in(test::source_dir() + "/tests/config/data_cases", ".csv")) {
    INFO(path);
    const auto options = options_for(path);
    CHECK(test::only_error([&] { (void)core::read_data_set_file(path, options); }) != "accepted");
  }
}
