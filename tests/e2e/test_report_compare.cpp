// [e2e] `twinsim report` and `twinsim compare` on real runs and on broken files.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "test_support.hpp"
#include "twinsim/core/h5.hpp"

using namespace twinsim;

namespace {

const char* kDemo = R"(name: demo
seed: 1
replicates: 400
dose_levels: [1, 2, 3]
toxicity: {true_dlt_probabilities: [0.1, 0.25, 0.5]}
designs:
  - {name: a1, type: fixed, dose: 1, patients: 3}
  - {name: a2, type: fixed, dose: 2, patients: 6}
)";

std::string run_demo(const test::TempDir& dir, const std::string& name, const std::string& extra = "") {
  const std::string yaml = dir.file(name + ".yaml"), out = dir.file(name + ".h5");
  test::write_file(yaml, kDemo);
  const auto r = test::run_cli("run " + test::quote(yaml) + " -o " + test::quote(out) + " --quiet" + extra);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return out;
}

bool have_python() { return std::filesystem::exists("/usr/bin/python3"); }

// Exit code of python's json.load on the text.
int json_check(const test::TempDir& dir, const std::string& text) {
  const std::string f = dir.file("out.json");
  test::write_file(f, text);
  return test::run_command("/usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' < " + test::quote(f))
      .exit_code;
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t p = 0;
  while (p < s.size()) {
    const std::size_t e = s.find('\n', p);
    out.push_back(s.substr(p, e == std::string::npos ? std::string::npos : e - p));
    p = e == std::string::npos ? s.size() : e + 1;
  }
  return out;
}

void check_csv(const std::string& text, const std::string& header_start) {
  const auto rows = lines(text);
  REQUIRE(rows.size() > 1);
  CHECK(rows[0].rfind(header_start, 0) == 0);
  const auto commas = std::count(rows[0].begin(), rows[0].end(), ',');
  for (const auto& r : rows) CHECK(std::count(r.begin(), r.end(), ',') == commas);
}

// One line on stderr/stdout, "twinsim: error: ..." containing `what`.
void check_error(const test::CommandResult& r, int code, const std::string& what) {
  INFO(r.output);
  CHECK(r.exit_code == code);
  CHECK(r.output.rfind("twinsim: error: ", 0) == 0);
  CHECK(lines(r.output).size() == 1);
  CHECK_THAT(r.output, Catch::Contains(what));
}

}  // namespace

TEST_CASE("report prints the OC table in every format", "[e2e]") {
  test::TempDir dir("report");
  const std::string out = run_demo(dir, "demo");

  const auto t = test::run_cli("report " + test::quote(out));
  INFO(t.output);
  REQUIRE(t.exit_code == 0);
  CHECK_THAT(t.output, Catch::Contains("design a1 (fixed), 400 trials"));
  CHECK_THAT(t.output, Catch::Contains("design a2 (fixed), 400 trials"));
  CHECK_THAT(t.output, Catch::Contains("100.0 % ± 0.0 %"));  // fixed arms never select a dose
  CHECK_THAT(t.output, Catch::Contains("6.00 ± 0.00"));      // a2 always treats 6 patients
  CHECK_THAT(t.output, Catch::Contains("fixed arm: it selects no dose, so PCS, acceptable dose and treated above "
                                       "target are n/a"));
  CHECK_THAT(t.output, Catch::Contains("0.25"));  // true P(DLT) column
  CHECK_THAT(t.output, !Catch::Contains("twinsim: warning"));

  const auto md = test::run_cli("report " + test::quote(out) + " --format markdown");
  REQUIRE(md.exit_code == 0);
  CHECK_THAT(md.output, Catch::Contains("## design a2") && Catch::Contains("|---|"));

  const auto csv = test::run_cli("report " + test::quote(out) + " --format csv");
  REQUIRE(csv.exit_code == 0);
  check_csv(csv.output, "design,type,target,metric");
  CHECK_THAT(csv.output, Catch::Contains("a2,fixed,,mean_patients,1,2,0.25,6,0"));
  CHECK_THAT(csv.output, Catch::Contains("a1,fixed,,p_no_selection,,,,1,0"));

  const auto js = test::run_cli("report " + test::quote(out) + " --format json");
  REQUIRE(js.exit_code == 0);
  CHECK_THAT(js.output, Catch::Contains("\"pcs\": null"));
  if (have_python()) CHECK(json_check(dir, js.output) == 0);
}

TEST_CASE("compare pairs designs of one run and of files sharing seed and scenario", "[e2e]") {
  test::TempDir dir("compare");
  const std::string a = run_demo(dir, "demo");
  const auto one = test::run_cli("compare " + test::quote(a));
  INFO(one.output);
  REQUIRE(one.exit_code == 0);
  CHECK_THAT(one.output, Catch::Contains("a2 vs a1: paired"));
  CHECK_THAT(one.output, Catch::Contains("a2 - a1 mean total N: +3.00 ± 0.00"));
  CHECK_THAT(one.output, Catch::Contains("a2 - a1 PCS: n/a"));

  // Same scenario and seed in another file: the same virtual patients, so paired,
  // and a1 versus itself differs by exactly zero.
  const std::string b = run_demo(dir, "again");
  const std::string c = run_demo(dir, "seed2", " --seed 2");
  const auto three = test::run_cli("compare " + test::quote(a) + " " + test::quote(b) + " " + test::quote(c));
  INFO(three.output);
  REQUIRE(three.exit_code == 0);
  CHECK_THAT(three.output, Catch::Contains(b + ":a1 - " + a + ":a1 mean total DLTs: +0.00 ± 0.00"));
  CHECK_THAT(three.output, Catch::Contains(c + ":a1 vs " + a + ":a1: unpaired: different seeds (1 vs 2)"));
  CHECK_THAT(three.output, Catch::Contains("(unpaired)"));

  const auto csv = test::run_cli("compare " + test::quote(a) + " " + test::quote(c) + " --format csv");
  REQUIRE(csv.exit_code == 0);
  check_csv(csv.output, "design,reference,metric");
  CHECK_THAT(csv.output, Catch::Contains(",unpaired\n") && Catch::Contains(",reference\n"));
  const auto js = test::run_cli("compare " + test::quote(a) + " " + test::quote(c) + " --format json");
  REQUIRE(js.exit_code == 0);
  if (have_python()) CHECK(json_check(dir, js.output) == 0);
  const auto md = test::run_cli("compare " + test::quote(a) + " --format markdown");
  REQUIRE(md.exit_code == 0);
  CHECK_THAT(md.output, Catch::Contains("| a2 - a1 | mean total N | +3.00 ± 0.00 | paired |"));
}

namespace {

// A file shaped like a dose-finding run (3 doses, 4 trials) with hand-checked
// OCs (see tests/unit/test_oc_report.cpp): "3+3" has no target, "boin" 0.25.
// 3+3 selects 1, 0, 1, none (PCS 2/4); boin selects 1, 1, 1, none (PCS 3/4).
void write_dose_finding_fixture(const std::string& path) {
  core::H5Writer w(path, false);
  w.attribute("/", "schema_version", std::int64_t{1});
  w.attribute("/", "scenario_name", std::string("fixture"));
  w.attribute("/", "scenario_yaml",
              std::string("name: fixture\nseed: 3\ndose_levels: [10, 20, 40]\n"
                          "toxicity: {true_dlt_probabilities: [0.1, 0.25, 0.5]}\n"
                          "designs:\n  - {name: 3+3, type: three_plus_three}\n  - {name: boin, type: boin}\n"));
  w.attribute("/", "seed", std::int64_t{3});
  w.attribute("/", "replicates", std::int64_t{4});
  w.attribute("/", "mode", std::string("design_only"));
  w.write("/dose_levels", std::vector<double>{10, 20, 40});
  w.write("/truth/dlt_probability", std::vector<double>{0.1, 0.25, 0.5});
  using V = std::vector<std::int64_t>;
  auto design = [&](const std::string& g, const V& sel, const V& n, const V& y, const V& pt, const V& pd,
                    const V& pdlt) {
    w.create_group(g);
    w.write(g + "/trials/trial", V{0, 1, 2, 3});
    w.write(g + "/trials/selected_dose", sel);
    w.write(g + "/trials/n_patients", n);
    w.write(g + "/trials/n_dlts", y);
    w.write(g + "/patients/trial", pt);
    w.write(g + "/patients/dose_index", pd);
    w.write(g + "/patients/dlt", pdlt);
  };
  design("/designs/3+3", {1, 0, 1, -1}, {6, 6, 9, 3}, {1, 2, 2, 2},
         {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3},
         {0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 0, 0},
         {0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 1});
  w.attribute("/designs/3+3", "type", std::string("three_plus_three"));
  design("/designs/boin", {1, 1, 1, -1}, {9, 6, 6, 3}, {1, 1, 0, 2},
         {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3},
         {0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0},
         {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1});
  w.attribute("/designs/boin", "type", std::string("boin"));
  w.attribute("/designs/boin", "target", 0.25);
  w.commit();
}

}  // namespace

TEST_CASE("compare prints paired PCS differences of dose-finding designs", "[e2e]") {
  test::TempDir dir("compare-df");
  const std::string f = dir.file("df.h5");
  write_dose_finding_fixture(f);
  const auto rep = test::run_cli("report " + test::quote(f));
  INFO(rep.output);
  REQUIRE(rep.exit_code == 0);
  CHECK_THAT(rep.output, Catch::Contains("design boin (boin, target 0.25), 4 trials"));
  CHECK_THAT(rep.output, Catch::Contains("75.0 % ± 21.7 %"));  // boin PCS: sqrt(.75 * .25 / 4)
  CHECK_THAT(rep.output, Catch::Contains("20 *"));              // true target dose marked
  CHECK_THAT(rep.output, !Catch::Contains("twinsim: warning"));
  const auto rep33 = test::run_cli("report " + test::quote(f) + " --target 0.25");
  CHECK_THAT(rep33.output, Catch::Contains("design 3+3 (three_plus_three, assumed target 0.25)"));
  CHECK_THAT(rep33.output, Catch::Contains("50.0 % ± 25.0 %"));

  const auto cmp = test::run_cli("compare " + test::quote(f));
  INFO(cmp.output);
  REQUIRE(cmp.exit_code == 0);
  // Per-trial differences 0, 1, 0, 0: mean .25, SE sd/sqrt(4) = .5/2 = .25.
  CHECK_THAT(cmp.output, Catch::Contains("boin - 3+3 PCS: +25.0 % ± 25.0 %"));
  CHECK_THAT(cmp.output, Catch::Contains("boin - 3+3 mean total DLTs: -0.75 ± 0.48"));
  CHECK_THAT(cmp.output, Catch::Contains("boin - 3+3 treated above target: -12.5 % ± 10.5 %"));
  CHECK_THAT(cmp.output, Catch::Contains("0.25 (assumed)"));
  const auto js = test::run_cli("compare " + test::quote(f) + " --format json");
  REQUIRE(js.exit_code == 0);
  if (have_python()) CHECK(json_check(dir, js.output) == 0);
}

TEST_CASE("compare on a real 3+3 / BOIN / CRM run (DESIGN.md scenario)", "[e2e]") {
  test::TempDir dir("compare-designs");
  const std::string yaml = dir.file("designs.yaml"), out = dir.file("designs.h5");
  test::write_file(yaml, R"(name: boin-vs-3+3
seed: 42
replicates: 2000
dose_levels: [1, 2, 3, 4, 5]
toxicity:
  true_dlt_probabilities: [0.05, 0.10, 0.20, 0.30, 0.50]
designs:
  - {name: 3+3, type: three_plus_three}
  - {name: boin, type: boin, target: 0.30, cohort_size: 3, max_patients: 30}
  - {name: crm, type: crm, target: 0.30, skeleton: [0.05, 0.12, 0.25, 0.40, 0.55], cohort_size: 3, max_patients: 30}
)");
  const auto r = test::run_cli("run " + test::quote(yaml) + " -o " + test::quote(out) + " --quiet");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const auto rep = test::run_cli("report " + test::quote(out));
  INFO(rep.output);
  REQUIRE(rep.exit_code == 0);
  CHECK_THAT(rep.output, !Catch::Contains("twinsim: warning"));  // oc/ agrees with the recomputed OCs
  CHECK_THAT(rep.output, Catch::Contains("design boin (boin, target 0.3), 2000 trials"));
  CHECK_THAT(rep.output, Catch::Contains("correct selection: 4"));
  const auto cmp = test::run_cli("compare " + test::quote(out));
  INFO(cmp.output);
  REQUIRE(cmp.exit_code == 0);
  CHECK_THAT(cmp.output, Catch::Contains("0.3 (assumed)"));  // the 3+3 is scored at the shared target
  CHECK_THAT(cmp.output, Catch::Contains("boin - 3+3 PCS: +") && Catch::Contains("crm - 3+3 PCS: +"));
  CHECK_THAT(cmp.output, Catch::Contains("boin vs 3+3: paired"));
  for (const char* fmt : {"json", "csv", "markdown"}) {
    const auto f = test::run_cli("compare " + test::quote(out) + " --format " + fmt);
    CHECK(f.exit_code == 0);
    if (std::string(fmt) == "json" && have_python()) CHECK(json_check(dir, f.output) == 0);
    if (std::string(fmt) == "csv") check_csv(f.output, "design,reference,metric");
  }
}

TEST_CASE("report and compare run on every config's result", "[e2e]") {
  for (const auto& cfg : test::files_in(test::source_dir() + "/configs", ".yaml")) {
    INFO(cfg);
    test::TempDir dir("report-cfg");
    const std::string out = dir.file("out.h5");
    const auto r = test::run_cli("run " + test::quote(cfg) + " -o " + test::quote(out) + " --replicates 50 --quiet");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    for (const char* fmt : {"table", "csv", "json", "markdown"}) {
      const auto rep = test::run_cli("report " + test::quote(out) + " --format " + fmt);
      INFO(rep.output);
      CHECK(rep.exit_code == 0);
      CHECK_THAT(rep.output, !Catch::Contains("twinsim: warning"));  // oc/ agrees with trials/ and patients/
      if (std::string(fmt) == "json" && have_python()) CHECK(json_check(dir, rep.output) == 0);
      const auto cmp = test::run_cli("compare " + test::quote(out) + " --format " + fmt);
      CHECK(cmp.exit_code == 0);
    }
  }
}

TEST_CASE("report and compare reject broken files with one clear line and exit 1", "[e2e]") {
  test::TempDir dir("report-bad");
  const std::string good = run_demo(dir, "demo");
  {
    std::ifstream in(good, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(bytes.size() > 1000);
    test::write_file(dir.file("truncated.h5"), bytes.substr(0, 1000));
    test::write_file(dir.file("half.h5"), bytes.substr(0, bytes.size() / 2));
  }
  test::write_file(dir.file("garbage.h5"), "this is not an HDF5 file\n");
  test::write_file(dir.file("empty.h5"), "");
  {
    core::H5Writer w(dir.file("v2.h5"), false);
    w.attribute("/", "schema_version", std::int64_t{2});
    w.commit();
  }
  {
    core::H5Writer w(dir.file("noversion.h5"), false);
    w.write("/dose_levels", std::vector<double>{1, 2});
    w.commit();
  }
  {
    // A valid header but a design without its trials/ tables.
    core::H5Reader src(good);
    core::H5Writer w(dir.file("nodata.h5"), false);
    for (const char* a : {"scenario_name", "scenario_yaml", "mode"})
      w.attribute("/", a, src.attribute_string("/", a));
    for (const char* a : {"schema_version", "seed", "replicates"}) w.attribute("/", a, src.attribute_int("/", a));
    w.write("/dose_levels", src.read_doubles("/dose_levels"));
    w.write("/designs/a1/patients/trial", src.read_ints("/designs/a1/patients/trial"));
    w.commit();
  }
  for (const char* cmd : {"report ", "compare "}) {
    INFO(cmd);
    check_error(test::run_cli(cmd + test::quote(dir.file("missing.h5"))), 1, "no such file");
    check_error(test::run_cli(cmd + test::quote(dir.file("truncated.h5"))), 1, "truncated or corrupt");
    check_error(test::run_cli(cmd + test::quote(dir.file("half.h5"))), 1, "truncated or corrupt");
    check_error(test::run_cli(cmd + test::quote(dir.file("garbage.h5"))), 1, "is not an HDF5 file");
    check_error(test::run_cli(cmd + test::quote(dir.file("empty.h5"))), 1, "is not an HDF5 file");
    check_error(test::run_cli(cmd + test::quote(dir.path().string())), 1, "is not an HDF5 file");
    check_error(test::run_cli(cmd + test::quote(dir.file("v2.h5"))), 1,
                "unsupported schema_version 2 (this twinsim reads schema_version 1)");
    check_error(test::run_cli(cmd + test::quote(dir.file("noversion.h5"))), 1, "no schema_version attribute");
    check_error(test::run_cli(cmd + test::quote(dir.file("nodata.h5"))), 1, "no dataset '/designs/a1/trials/trial'");
  }
  // A broken file anywhere in the list fails the comparison.
  check_error(test::run_cli("compare " + test::quote(good) + " " + test::quote(dir.file("garbage.h5"))), 1,
              "garbage.h5");
}

TEST_CASE("report and compare reject bad flags with exit 2", "[e2e]") {
  test::TempDir dir("report-flags");
  const std::string good = run_demo(dir, "demo");
  CHECK(test::run_cli("report " + test::quote(good) + " --format xml").exit_code == 2);
  CHECK(test::run_cli("compare " + test::quote(good) + " --format").exit_code == 2);
  CHECK(test::run_cli("report").exit_code == 2);
  CHECK(test::run_cli("compare").exit_code == 2);
  CHECK(test::run_cli("report " + test::quote(good) + " --bogus").exit_code == 2);
  CHECK(test::run_cli("report " + test::quote(good) + " " + test::quote(good)).exit_code == 2);
}
