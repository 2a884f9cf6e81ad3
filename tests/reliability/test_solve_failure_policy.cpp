// [reliability] endpoints.dlt.on_solve_failure end to end, on the frozen fault
// scenario with a normal random effect of variance 4 on CL (about 30 % of the
// patients get CL < 0: invalid_parameter, hostile case 27) and two
// dose-finding designs. dlt: failed patients are DLTs in the design's counts
// and the designs stop lower; no_dlt: the figures of the binary before the key
// existed; error: exit 1 naming the first failed patient, no output file.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "h5_compare.hpp"
#include "reliability_support.hpp"
#include "twinsim/core/h5.hpp"

using namespace twinsim;

namespace {

// tests/reliability/data/pkpd_fault_base.yaml with CL ~ normal(10, 4 * 10^2)
// per patient, designs 3+3 and BOIN, a reference cohort of `truth` patients
// per dose and, unless empty, `on_solve_failure: <policy>`.
std::string scenario(const std::string& policy, int truth = 200) {
  std::string text = test::read_all(test::source_dir() + "/tests/reliability/data/pkpd_fault_base.yaml");
  text.replace(text.find("regimen:"), 8,
               "population:\n  iiv:\n    parameters: [CL]\n    variances: [4.0]\n    distribution: normal\nregimen:");
  const std::string crit = "      - {variable: ANC, grade_at_least: 4, min_duration_h: 120}\n";
  REQUIRE(text.find(crit) != std::string::npos);
  std::string extra = "    truth_cohort_size: " + std::to_string(truth) + "\n";
  if (!policy.empty()) extra += "    on_solve_failure: " + policy + "\n";
  text.insert(text.find(crit) + crit.size(), extra);
  text.erase(text.find("designs:"));
  return text + "designs:\n  - {name: 3+3, type: three_plus_three}\n"
                "  - {name: boin, type: boin, target: 0.3, cohort_size: 3, max_patients: 18}\n";
}

struct Run {
  int exit_code = -1;
  std::string log;
  bool output_exists = false;
  bool temp_left = false;
};

Run run(const test::TempDir& dir, const std::string& name, const std::string& yaml_text, int threads = 2) {
  const std::string yaml = dir.file(name + ".yaml"), out = dir.file(name + ".h5"), log = dir.file(name + ".log");
  test::write_file(yaml, yaml_text);
  const auto r = test::run_child(
      {test::cli_path(), "run", yaml, "-o", out, "--quiet", "--replicates", "30", "--threads", std::to_string(threads)},
      log);
  Run o;
  o.exit_code = r.exit_code;
  o.log = test::read_all(log);
  o.output_exists = std::filesystem::exists(out);
  o.temp_left = test::has_temp_file(dir.path());
  return o;
}

// Per design: what the trials table and the patients table say.
struct DesignFigures {
  std::int64_t patients = 0, failed = 0, dlts = 0, failed_with_dlt = 0, selected_sum = 0, no_selection = 0;
  std::int64_t replaced = 0;  // on_solve_failure: replace; not in patients/
  std::string policy;
};

std::map<std::string, DesignFigures> figures(const std::string& file) {
  core::H5Reader h5(file);
  std::map<std::string, DesignFigures> all;
  for (const auto& d : h5.children("/designs")) {
    const std::string g = "/designs/" + d;
    INFO(g);
    DesignFigures f;
    const auto trial = h5.read_ints(g + "/patients/trial");
    const auto dlt = h5.read_ints(g + "/patients/dlt");
    const auto status = h5.read_ints(g + "/patients/solve_status");
    const auto n_dlts = h5.read_ints(g + "/trials/n_dlts");
    const auto selected = h5.read_ints(g + "/trials/selected_dose");
    // The trials table counts exactly the DLTs the patients table records.
    std::vector<std::int64_t> per_trial(n_dlts.size(), 0);
    for (std::size_t i = 0; i < dlt.size(); ++i) {
      per_trial[static_cast<std::size_t>(trial[i])] += dlt[i];
      f.failed += status[i] != 0;
      f.dlts += dlt[i];
      f.failed_with_dlt += status[i] != 0 && dlt[i] != 0;
    }
    CHECK(per_trial == n_dlts);
    f.patients = static_cast<std::int64_t>(dlt.size());
    for (auto s : selected) {
      if (s < 0) ++f.no_selection;
      else f.selected_sum += s;
    }
    if (h5.has_attribute(g, "replaced_patients")) f.replaced = h5.attribute_int(g, "replaced_patients");
    CHECK(h5.attribute_int(g, "failed_patients") == f.failed + f.replaced);
    f.policy = h5.attribute_string(g, "on_solve_failure");
    all[d] = f;
  }
  return all;
}

}  // namespace

TEST_CASE("on_solve_failure: no_dlt keeps the results of the binary before the key", "[reliability]") {
  test::TempDir dir("policy-no-dlt");
  const Run r = run(dir, "no_dlt", scenario("no_dlt"));
  INFO(r.log);
  REQUIRE(r.exit_code == 0);
  CHECK(r.log.find("design '3+3': 140 of 450 patients failed to solve (invalid_parameter 140); they are recorded "
                   "with patients/solve_status != 0 and NaN exposures and counted as no DLT "
                   "(endpoints.dlt.on_solve_failure: no_dlt)") != std::string::npos);
  const auto f = figures(dir.file("no_dlt.h5"));
  // The figures of commit d1a558e (before the key existed), same scenario
  // without the key: failed patients were recorded with dlt = 0.
  const auto& t = f.at("3+3");
  CHECK(t.policy == "no_dlt");
  CHECK(t.patients == 450);
  CHECK(t.failed == 140);
  CHECK(t.failed_with_dlt == 0);
  CHECK(t.dlts == 6);
  CHECK(t.selected_sum == 87);
  CHECK(t.no_selection == 0);
  const auto& b = f.at("boin");
  CHECK(b.patients == 540);
  CHECK(b.failed == 159);
  CHECK(b.failed_with_dlt == 0);
  CHECK(b.dlts == 8);
  CHECK(b.selected_sum == 89);
  CHECK(b.no_selection == 0);
  core::H5Reader h5(dir.file("no_dlt.h5"));
  CHECK(h5.attribute_int("/truth/dlt_probability", "failed_patients") == 228);
}

TEST_CASE("on_solve_failure: dlt (the default) counts failed patients as DLTs and the designs stop lower",
          "[reliability]") {
  test::TempDir dir("policy-dlt");
  const Run dlt = run(dir, "dlt", scenario("dlt"));
  const Run none = run(dir, "no_dlt", scenario("no_dlt"));
  const Run dflt = run(dir, "default", scenario(""));
  INFO(dlt.log);
  REQUIRE(dlt.exit_code == 0);
  REQUIRE(none.exit_code == 0);
  REQUIRE(dflt.exit_code == 0);
  CHECK(dlt.log.find("and counted as DLTs (endpoints.dlt.on_solve_failure: dlt)") != std::string::npos);
  const auto with = figures(dir.file("dlt.h5"));
  const auto without = figures(dir.file("no_dlt.h5"));
  for (const char* d : {"3+3", "boin"}) {
    INFO(d);
    const auto& w = with.at(d);
    const auto& o = without.at(d);
    CHECK(w.policy == "dlt");
    // Every failed patient is a DLT in the file and in the design's counts ...
    CHECK(w.failed > 0);
    CHECK(w.failed_with_dlt == w.failed);
    CHECK(o.failed_with_dlt == 0);
    // ... so the designs see ~30 % more toxicity and select lower doses or
    // none (counted as index -1: stopping below the lowest dose).
    const auto score = [](const DesignFigures& f) { return static_cast<double>(f.selected_sum - f.no_selection) / 30; };
    INFO("mean selected index " << score(w) << " vs " << score(o) << "; no selection " << w.no_selection << " vs "
                                << o.no_selection << "; patients " << w.patients << " vs " << o.patients);
    CHECK(score(w) < score(o) - 1);
    CHECK(w.patients < o.patients);
  }
  // No key means dlt, bit for bit.
  core::H5Reader a(dir.file("dlt.h5")), b(dir.file("default.h5"));
  test::compare_groups(a, b, "/designs");
  // The truth leaves failed reference patients out under both rules.
  core::H5Reader c(dir.file("no_dlt.h5"));
  CHECK(a.read_doubles("/truth/dlt_probability") == c.read_doubles("/truth/dlt_probability"));
  CHECK(a.attribute_int("/truth/dlt_probability", "failed_patients") ==
        c.attribute_int("/truth/dlt_probability", "failed_patients"));
}

TEST_CASE("on_solve_failure: replace keeps failed patients from the designs and the tables, report agrees",
          "[reliability]") {
  test::TempDir dir("policy-replace");
  const Run rep = run(dir, "replace", scenario("replace"));
  const Run dlt = run(dir, "dlt", scenario("dlt"));
  INFO(rep.log);
  REQUIRE(rep.exit_code == 0);
  REQUIRE(dlt.exit_code == 0);
  CHECK(rep.log.find("were replaced by new patients and are not in patients/") != std::string::npos);
  const auto replaced = figures(dir.file("replace.h5"));
  const auto counted = figures(dir.file("dlt.h5"));
  for (const char* d : {"3+3", "boin"}) {
    INFO(d);
    const auto& r = replaced.at(d);
    CHECK(r.policy == "replace");
    // CL < 0 strikes ~30 % of patients at any dose: replacements are rarely
    // exhausted, and the few failures recorded are DLTs (beyond the cap).
    CHECK(r.replaced > 0);
    CHECK(r.replaced > r.failed);
    CHECK(r.failed_with_dlt == r.failed);
    // The designs no longer read the failures as toxicity: they select
    // higher doses than when failures count as DLTs.
    const auto score = [](const DesignFigures& f) { return static_cast<double>(f.selected_sum - f.no_selection) / 30; };
    INFO("mean selected index " << score(r) << " vs " << score(counted.at(d)));
    CHECK(score(r) > score(counted.at(d)) + 1);
  }
  // trials/ and patients/ agree, so report recomputes the run's own OC
  // without a warning.
  const auto report = test::run_child({test::cli_path(), "report", dir.file("replace.h5")}, dir.file("report.log"));
  const std::string out = test::read_all(dir.file("report.log"));
  INFO(out);
  CHECK(report.exit_code == 0);
  CHECK(out.find("warning") == std::string::npos);
}

TEST_CASE("on_solve_failure: error stops the run at the first failed patient, exit 1, no output", "[reliability]") {
  test::TempDir dir("policy-error");
  // Where the first failure is: the first failed row of the first design in the no_dlt file.
  const Run none = run(dir, "no_dlt", scenario("no_dlt", 0));
  REQUIRE(none.exit_code == 0);
  core::H5Reader h5(dir.file("no_dlt.h5"));
  const auto status = h5.read_ints("/designs/3+3/patients/solve_status");
  std::size_t first = 0;
  while (first < status.size() && status[first] == 0) ++first;
  REQUIRE(first < status.size());
  const std::string want =
      "twinsim: error: design '3+3': trial " + std::to_string(h5.read_ints("/designs/3+3/patients/trial")[first]) +
      ", patient " + std::to_string(h5.read_ints("/designs/3+3/patients/patient")[first]) + " at dose index " +
      std::to_string(h5.read_ints("/designs/3+3/patients/dose_index")[first]) +
      " failed to solve (invalid_parameter) and endpoints.dlt.on_solve_failure is 'error'\n";
  for (int threads : {1, 2}) {
    INFO(threads << " threads");
    const Run r = run(dir, "error" + std::to_string(threads), scenario("error", 0), threads);
    CHECK(r.exit_code == 1);
    CHECK(r.log == want);  // the whole output: one line, the same for any thread count
    CHECK_FALSE(r.output_exists);
    CHECK_FALSE(r.temp_left);
  }
  // With a reference cohort, its first failed patient stops the run before any design.
  const Run t = run(dir, "truth", scenario("error", 200));
  CHECK(t.exit_code == 1);
  CHECK(t.log.find("twinsim: error: reference cohort of /truth/dlt_probability: patient ") == 0);
  CHECK(t.log.find(" at dose index 0 failed to solve (invalid_parameter)") != std::string::npos);
  CHECK_FALSE(t.output_exists);
  CHECK_FALSE(t.temp_left);
}

TEST_CASE("a sweep warns about failed patients per variant and merge keeps the counts", "[reliability]") {
  test::TempDir dir("failure-sweep");
  std::string base = scenario("dlt", 20);
  REQUIRE(base.find("\nreplicates: 1\n") != std::string::npos);
  base.replace(base.find("\nreplicates: 1\n"), 15, "\nreplicates: 3\n");
  test::write_file(dir.file("base.yaml"), base);
  test::write_file(dir.file("sweep.yaml"), "base: base.yaml\naxes:\n  seed: [1, 2]\n");
  const auto r = test::run_child({test::cli_path(), "sweep", dir.file("sweep.yaml"), "-o", dir.file("out"), "--quiet"},
                                 dir.file("sweep.log"));
  const std::string log = test::read_all(dir.file("sweep.log"));
  INFO(log);
  REQUIRE(r.exit_code == 0);
  // One warning line per variant and design that had failures, naming the variant.
  CHECK(log.find("twinsim: warning: variant v000-") != std::string::npos);
  CHECK(log.find("twinsim: warning: variant v001-") != std::string::npos);
  CHECK(log.find("counted as DLTs (endpoints.dlt.on_solve_failure: dlt)") != std::string::npos);
  const auto m = test::run_child({test::cli_path(), "merge", dir.file("out"), "-o", dir.file("merged.h5")},
                                 dir.file("merge.log"));
  INFO(test::read_all(dir.file("merge.log")));
  REQUIRE(m.exit_code == 0);
  const core::H5Reader merged(dir.file("merged.h5"));
  const auto variants = merged.children("/variants");
  REQUIRE(variants.size() == 2);
  for (const auto& v : variants) {
    const core::H5Reader single(dir.file("out/" + v + ".h5"));
    for (const char* d : {"/designs/3+3", "/designs/boin"}) {
      const std::string g = "/variants/" + v + d;
      INFO(g);
      CHECK(merged.attribute_string(g, "on_solve_failure") == "dlt");
      CHECK(merged.attribute_int(g, "failed_patients") == single.attribute_int(d, "failed_patients"));
      CHECK(merged.attribute_int(g, "failed_patients") > 0);
      CHECK(merged.attribute_int(g, "failed_invalid_parameter") == single.attribute_int(d, "failed_invalid_parameter"));
    }
    CHECK(merged.attribute_int("/variants/" + v + "/truth/dlt_probability", "failed_patients") ==
          single.attribute_int("/truth/dlt_probability", "failed_patients"));
  }
}
