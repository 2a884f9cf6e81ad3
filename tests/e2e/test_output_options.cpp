// output.patients: false drops the per-patient tables and nothing else.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "h5_compare.hpp"
#include "test_support.hpp"
#include "twinsim/core/config.hpp"
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

TEST_CASE("report and compare read a file without patients/ from trials/ and the stored oc/", "[e2e]") {
  test::TempDir dir("patients-off-report");
  {
    std::ofstream(dir.file("on.yaml")) << kScenario;
    std::ofstream(dir.file("off.yaml")) << kScenario << "output:\n  patients: false\n";
  }
  std::map<std::string, std::map<std::string, std::pair<double, double>>> csv;  // file -> key -> (value, se)
  for (const char* name : {"on", "off"}) {
    const std::string h5 = dir.file(std::string(name) + ".h5");
    const auto r = test::run_cli("run " + dir.file(std::string(name) + ".yaml") + " -o " + h5 + " --quiet");
    REQUIRE(r.exit_code == 0);
    const auto cmp = test::run_cli("compare " + h5);
    INFO(cmp.output);
    REQUIRE(cmp.exit_code == 0);
    CHECK(cmp.output.find("boin - 3+3 PCS: +") != std::string::npos);
    const auto rep = test::run_cli("report " + h5 + " --format csv");
    INFO(rep.output);
    REQUIRE(rep.exit_code == 0);
    // design,type,target,metric,dose_index,dose,true_dlt_probability,value,se
    std::istringstream lines(rep.output);
    for (std::string line; std::getline(lines, line);) {
      std::vector<std::string> f;
      std::istringstream cells(line);
      for (std::string c; std::getline(cells, c, ',');) f.push_back(c);
      if (f.size() != 9 || f[0] == "design" || f[7].empty()) continue;
      csv[name][f[0] + " " + f[3] + " " + f[4]] = {std::stod(f[7]), std::stod(f[8])};
    }
  }
  // Every estimate of the full file, the same from the file without patient
  // rows (the run's own sums in oc/ against the report's exact sums).
  REQUIRE(csv["on"].size() > 30);
  for (const auto& [key, on] : csv["on"]) {
    INFO(key);
    REQUIRE(csv["off"].count(key) == 1);
    const auto off = csv["off"].at(key);
    CHECK(off.first == Approx(on.first).epsilon(1e-12).margin(1e-15));
    CHECK(off.second == Approx(on.second).epsilon(1e-9).margin(1e-15));
  }
  CHECK(csv["off"].count("boin above_target ") == 1);
  // The 3+3 is scored against BOIN's target in every command: its stored "treated above
  // target" (scored so by the run) is shown by compare as by report, not n/a.
  REQUIRE(csv["off"].count("3+3 above_target ") == 1);
  const auto cmp = test::run_cli("compare " + dir.file("off.h5") + " --format csv");
  const std::string want = "3+3,3+3,above_target,,," + core::format_number(csv["off"].at("3+3 above_target ").first);
  CHECK(cmp.output.find(want) != std::string::npos);
}
