// output.patients: false drops the per-patient tables and nothing else.
#include <catch2/catch.hpp>

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
