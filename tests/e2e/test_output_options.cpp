// output.patients: false drops the per-patient tables and nothing else.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "h5_compare.hpp"
#include "test_support.hpp"
#include "twinsim/core/h5.hpp"

using namespace twinsim;

namespace {
const char* const kScenario = R"(name: patients-off
seed: 11
replicates: 300
dose_levels: [1, 2, 3, 4, 5]
toxicity:
  true_dlt_probabilities: [0.05, 0.10, 0.20, 0.30, 0.50]
designs:
  - {name: 3+3, type: three_plus_three}
  - {name: boin, type: boin, target: 0.3, cohort_size: 3, max_patients: 30}
)";
}  // namespace

TEST_CASE("output.patients false keeps trials and OC bit-identical and drops patients/", "[e2e]") {
  test::TempDir dir("patients-off");
  {
    std::ofstream(dir.file("on.yaml")) << kScenario;
    std::ofstream(dir.file("off.yaml")) << kScenario << "output:\n  patients: false\n";
  }
  for (const char* name : {"on", "off"}) {
    const auto r = test::run_cli("run " + dir.file(std::string(name) + ".yaml") + " -o " + dir.file(std::string(name) + ".h5") +
                                 " --quiet --threads 2");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
  }
  const core::H5Reader on(dir.file("on.h5"));
  const core::H5Reader off(dir.file("off.h5"));
  for (const char* design : {"3+3", "boin"}) {
    const std::string g = std::string("/designs/") + design;
    INFO(g);
    CHECK(on.exists(g + "/patients/dlt"));
    CHECK_FALSE(off.exists(g + "/patients"));
    test::compare_groups(on, off, g + "/oc");
    test::compare_groups(on, off, g + "/trials");
    // The patients table still adds up to the trial totals when it is written.
    const auto n = on.read_ints(g + "/trials/n_patients");
    std::int64_t total = 0;
    for (auto x : n) total += x;
    CHECK(static_cast<std::int64_t>(on.read_ints(g + "/patients/trial").size()) == total);
  }
}

TEST_CASE("output.compression changes the file size, never the data", "[e2e]") {
  test::TempDir dir("compression");
  for (const char* level : {"0", "6"}) {
    std::ofstream(dir.file(std::string("c") + level + ".yaml"))
        << kScenario << "output:\n  compression: " << level << "\n";
    const auto r = test::run_cli("run " + dir.file(std::string("c") + level + ".yaml") + " -o " +
                                 dir.file(std::string("c") + level + ".h5") + " --quiet");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
  }
  const core::H5Reader c0(dir.file("c0.h5"));
  const core::H5Reader c6(dir.file("c6.h5"));
  test::compare_groups(c0, c6, "/designs");
  test::compare_groups(c6, c0, "/designs");
  CHECK(std::filesystem::file_size(dir.file("c6.h5")) < std::filesystem::file_size(dir.file("c0.h5")));
}
