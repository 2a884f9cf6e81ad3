// [unit] Operating characteristics and paired differences recomputed from
// per-trial tables (trial_sim/src/oc_report.cpp), on hand-made fixtures whose
// expected values are worked out by hand in the comments.
#include <catch2/catch.hpp>

#include <cmath>

#include "test_support.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/core/h5.hpp"
#include "twinsim/trial/oc_format.hpp"
#include "twinsim/trial/oc_report.hpp"

using namespace twinsim;
using trial::DesignTables;

namespace {

struct Patient {
  int dose;
  int dlt;
};
struct Trial {
  int number;
  int selected;
  std::vector<Patient> patients;
};

DesignTables tables(const std::string& name, std::optional<double> target, const std::vector<Trial>& trials) {
  DesignTables t;
  t.name = name;
  t.type = "test";
  t.target = target;
  for (const auto& tr : trials) {
    t.trial.push_back(tr.number);
    t.selected_dose.push_back(tr.selected);
    t.n_patients.push_back(static_cast<std::int64_t>(tr.patients.size()));
    std::int64_t dlts = 0;
    for (const auto& p : tr.patients) {
      t.patient_trial.push_back(tr.number);
      t.patient_dose_index.push_back(p.dose);
      t.patient_dlt.push_back(p.dlt);
      dlts += p.dlt;
    }
    t.n_dlts.push_back(dlts);
  }
  return t;
}

const std::vector<double> kDoses{10, 20, 40};
const std::vector<double> kTruth{0.10, 0.25, 0.50};  // target 0.25 -> true target dose index 1

// Design A, 4 trials (cohorts of 3 at dose index 0, 1, 2):
//   trial 0: 3 @0 (0 DLT), 3 @1 (1 DLT)             select 1   n 6  DLT 1
//   trial 1: 3 @0 (0),     3 @1 (2)                 select 0   n 6  DLT 2
//   trial 2: 3 @0 (0),     3 @1 (0),  3 @2 (2)      select 1   n 9  DLT 2
//   trial 3: 3 @0 (2)                               select -1  n 3  DLT 2
std::vector<Trial> design_a() {
  const std::vector<Patient> c00{{0, 0}, {0, 0}, {0, 0}};
  return {{0, 1, {c00[0], c00[1], c00[2], {1, 1}, {1, 0}, {1, 0}}},
          {1, 0, {c00[0], c00[1], c00[2], {1, 1}, {1, 1}, {1, 0}}},
          {2, 1, {c00[0], c00[1], c00[2], {1, 0}, {1, 0}, {1, 0}, {2, 1}, {2, 0}, {2, 1}}},
          {3, -1, {{0, 1}, {0, 0}, {0, 1}}}};
}

// Design B on the same 4 virtual-patient sets, stored in a shuffled trial order:
//   trial 0: 3 @0 (0), 6 @1 (1)   select 1   n 9  DLT 1
//   trial 1: 3 @0 (0), 3 @1 (1)   select 1   n 6  DLT 1
//   trial 2: 3 @0 (0), 3 @1 (0)   select 1   n 6  DLT 0
//   trial 3: 3 @0 (2)             select -1  n 3  DLT 2
std::vector<Trial> design_b() {
  const Patient n0{0, 0}, n1{1, 0}, y1{1, 1};
  return {{2, 1, {n0, n0, n0, n1, n1, n1}},
          {0, 1, {n0, n0, n0, y1, n1, n1, n1, n1, n1}},
          {3, -1, {{0, 1}, {0, 0}, {0, 1}}},
          {1, 1, {n0, n0, n0, y1, n1, n1}}};
}

}  // namespace

TEST_CASE("estimates: mean with sd/sqrt(R), proportion with sqrt(p(1-p)/R), paired and unpaired differences",
          "[unit]") {
  // x = 6, 6, 9, 3: mean 6; squared deviations 0 + 0 + 9 + 9 = 18; sd^2 = 18/3 = 6; SE = sqrt(6/4).
  const auto m = trial::mean_estimate({6, 6, 9, 3});
  CHECK(m.value == Approx(6.0));
  CHECK(m.se == Approx(std::sqrt(1.5)));
  // p = 1/4: SE = sqrt(0.25 * 0.75 / 4) = 0.2165063509.
  const auto p = trial::proportion_estimate({0, 1, 0, 0});
  CHECK(p.value == Approx(0.25));
  CHECK(p.se == Approx(0.2165063509));
  // a - b = 1, 2, 3: mean 2, sd 1, SE 1/sqrt(3).
  const auto d = trial::paired_difference({3, 5, 7}, {2, 3, 4});
  CHECK(d.value == Approx(2.0));
  CHECK(d.se == Approx(1.0 / std::sqrt(3.0)));
  const auto u = trial::unpaired_difference({0.5, 0.3}, {0.2, 0.4});
  CHECK(u.value == Approx(0.3));
  CHECK(u.se == Approx(0.5));
  // One trial: a mean but no SE; no trials or mismatched sizes: n/a.
  CHECK(std::isnan(trial::mean_estimate({4.0}).se));
  CHECK_FALSE(trial::mean_estimate({}).available());
  CHECK_FALSE(trial::paired_difference({1, 2}, {1}).available());
  CHECK_FALSE(trial::unpaired_difference({}, {1, 1}).available());
}

TEST_CASE("true target dose: closest true DLT probability, ties to the lower dose", "[unit]") {
  CHECK(trial::true_target_dose({0.10, 0.25, 0.50}, 0.25) == 1);
  CHECK(trial::true_target_dose({0.05, 0.10, 0.20, 0.30, 0.50}, 0.30) == 3);
  CHECK(trial::true_target_dose({0.20, 0.30}, 0.25) == 0);  // |0.2-0.25| == |0.3-0.25| up to rounding
  CHECK(trial::true_target_dose({0.6, 0.7}, 0.25) == 0);
  CHECK(trial::true_target_dose({}, 0.25) == -1);
}

TEST_CASE("design OCs from per-trial tables match hand-computed values", "[unit]") {
  const auto oc = trial::compute_design_oc(tables("A", 0.25, design_a()), kDoses, kTruth);
  REQUIRE(oc.trials == 4);
  CHECK(oc.target_dose == 1);
  CHECK(oc.warnings.empty());
  REQUIRE(oc.doses.size() == 3);
  // P(select): dose 0 in 1/4 trials, dose 1 in 2/4, dose 2 never.
  CHECK(oc.doses[0].p_select.value == Approx(0.25));
  CHECK(oc.doses[0].p_select.se == Approx(0.2165063509));
  CHECK(oc.doses[1].p_select.value == Approx(0.5));
  CHECK(oc.doses[1].p_select.se == Approx(0.25));  // sqrt(0.5 * 0.5 / 4)
  CHECK(oc.doses[2].p_select.value == 0.0);
  CHECK(oc.doses[2].p_select.se == 0.0);
  // Patients at dose 1: 3, 3, 3, 0 -> mean 2.25; deviations .75 .75 .75 -2.25, SS 6.75, sd^2 2.25, SE .75.
  CHECK(oc.doses[1].mean_patients.value == Approx(2.25));
  CHECK(oc.doses[1].mean_patients.se == Approx(0.75));
  CHECK(oc.doses[0].mean_patients.value == Approx(3.0));
  CHECK(oc.doses[0].mean_patients.se == Approx(0.0).margin(1e-15));
  // DLTs at dose 1: 1, 2, 0, 0 -> mean .75; SS .0625+1.5625+.5625+.5625 = 2.75; SE sqrt(2.75/3/4) = .4787135539.
  CHECK(oc.doses[1].mean_dlts.value == Approx(0.75));
  CHECK(oc.doses[1].mean_dlts.se == Approx(0.4787135539));
  // DLTs at dose 0: 0, 0, 0, 2 -> mean .5; SS 3; sd^2 1; SE .5.
  CHECK(oc.doses[0].mean_dlts.value == Approx(0.5));
  CHECK(oc.doses[0].mean_dlts.se == Approx(0.5));
  CHECK(oc.doses[0].true_dlt_probability == Approx(0.10));
  // PCS: correct = 1, 0, 1, 0 -> 0.5 ± sqrt(.25/4) = 0.25.
  CHECK(oc.pcs.value == Approx(0.5));
  CHECK(oc.pcs.se == Approx(0.25));
  // No selection: 1/4 -> 0.25 ± 0.2165.
  CHECK(oc.p_no_selection.value == Approx(0.25));
  CHECK(oc.p_no_selection.se == Approx(0.2165063509));
  // Total N: 6, 6, 9, 3 -> 6 ± sqrt(1.5); total DLTs: 1, 2, 2, 2 -> 1.75, SS .75, sd^2 .25, SE .25.
  CHECK(oc.mean_total_patients.value == Approx(6.0));
  CHECK(oc.mean_total_patients.se == Approx(1.2247448714));
  CHECK(oc.mean_total_dlts.value == Approx(1.75));
  CHECK(oc.mean_total_dlts.se == Approx(0.25));
  // Above the target dose (index 2): a = 0, 0, 3, 0 of n = 6, 6, 9, 3 -> q = 3/24 = .125.
  // z_r = q + (a_r - q n_r) / 6 = 0, 0, .4375, .0625 (mean .125); SS .1328125, sd^2 .0442708,
  // SE sqrt(.0442708/4) = .1052032.
  CHECK(oc.above_target.value == Approx(0.125));
  CHECK(oc.above_target.se == Approx(0.1052031749));
  CHECK(oc.per_trial.above_target == std::vector<double>{0.0, 0.0, 0.4375, 0.0625});
}

TEST_CASE("no target or no truth: PCS and above-target are n/a, the rest is computed", "[unit]") {
  const auto no_target = trial::compute_design_oc(tables("A", std::nullopt, design_a()), kDoses, kTruth);
  CHECK_FALSE(no_target.pcs.available());
  CHECK_FALSE(no_target.above_target.available());
  CHECK(no_target.target_dose == -1);
  CHECK(no_target.mean_total_patients.value == Approx(6.0));
  const auto no_truth = trial::compute_design_oc(tables("A", 0.25, design_a()), kDoses, std::nullopt);
  CHECK_FALSE(no_truth.pcs.available());
  CHECK_FALSE(no_truth.doses[0].true_dlt_probability.has_value());
  CHECK(no_truth.p_no_selection.value == Approx(0.25));
}

TEST_CASE("designs without a target are scored against a given or shared target", "[unit]") {
  std::vector<trial::OcReport> reps(1);
  reps[0].designs.push_back(trial::compute_design_oc(tables("3+3", std::nullopt, design_a()), kDoses, kTruth));
  reps[0].designs.push_back(trial::compute_design_oc(tables("boin", 0.25, design_b()), kDoses, kTruth));
  CHECK_FALSE(reps[0].designs[0].pcs.available());
  // No --target: the 3+3 takes the target BOIN has (0.25 -> dose index 1), so PCS = 0.5 as in design A.
  CHECK(trial::assume_targets(reps, std::nullopt) == Approx(0.25));
  const auto& d33 = reps[0].designs[0];
  CHECK(d33.target_assumed);
  CHECK(d33.target_dose == 1);
  CHECK(d33.pcs.value == Approx(0.5));
  CHECK(d33.above_target.value == Approx(0.125));
  CHECK_FALSE(reps[0].designs[1].target_assumed);
  // An explicit target re-scores only designs without their own: 0.5 -> dose index 2,
  // which design A selects in no trial.
  trial::assume_targets(reps, 0.5);
  CHECK(reps[0].designs[0].target_dose == 2);
  CHECK(reps[0].designs[0].pcs.value == 0.0);
  CHECK(reps[0].designs[1].target == Approx(0.25));
  // Designs whose own targets disagree: no shared target, nothing assumed.
  std::vector<trial::OcReport> mixed(1);
  mixed[0].designs.push_back(trial::compute_design_oc(tables("3+3", std::nullopt, design_a()), kDoses, kTruth));
  mixed[0].designs.push_back(trial::compute_design_oc(tables("b1", 0.25, design_b()), kDoses, kTruth));
  mixed[0].designs.push_back(trial::compute_design_oc(tables("b2", 0.30, design_b()), kDoses, kTruth));
  CHECK_FALSE(trial::assume_targets(mixed, std::nullopt).has_value());
  CHECK_FALSE(mixed[0].designs[0].pcs.available());
}

TEST_CASE("paired differences use trial r of each design, whatever the storage order", "[unit]") {
  const auto a = trial::compute_design_oc(tables("A", 0.25, design_a()), kDoses, kTruth);
  const auto b = trial::compute_design_oc(tables("B", 0.25, design_b()), kDoses, kTruth);
  CHECK(b.pcs.value == Approx(0.75));  // correct = 1, 1, 1, 0
  CHECK(b.per_trial.n_patients == std::vector<double>{9, 6, 6, 3});
  // PCS B - A: per trial 1-1, 1-0, 1-1, 0-0 = 0, 1, 0, 0 -> .25; SS .75, sd^2 .25, SE .25
  // (unpaired it would be sqrt(.25^2 + .2165^2) = .3307).
  const auto pcs = trial::paired_difference(b.per_trial.correct, a.per_trial.correct);
  CHECK(pcs.value == Approx(0.25));
  CHECK(pcs.se == Approx(0.25));
  CHECK(trial::unpaired_difference(b.pcs, a.pcs).se == Approx(0.3307189139));
  // N: 3, 0, -3, 0 -> 0 ± sqrt(6/4); DLTs: 0, -1, -2, 0 -> -.75, SS 2.75, SE .4787.
  const auto n = trial::paired_difference(b.per_trial.n_patients, a.per_trial.n_patients);
  CHECK(n.value == Approx(0.0).margin(1e-12));
  CHECK(n.se == Approx(1.2247448714));
  const auto dlt = trial::paired_difference(b.per_trial.n_dlts, a.per_trial.n_dlts);
  CHECK(dlt.value == Approx(-0.75));
  CHECK(dlt.se == Approx(0.4787135539));
  // Above target: B never goes above dose 1 (z = 0), so B - A = -z_A: -.125 ± .1052.
  const auto above = trial::paired_difference(b.per_trial.above_target, a.per_trial.above_target);
  CHECK(above.value == Approx(-0.125));
  CHECK(above.se == Approx(0.1052031749));
}

TEST_CASE("inconsistent tables are a clear RuntimeError, not a crash", "[unit]") {
  auto t = tables("A", 0.25, design_a());
  auto bad = t;
  bad.trial[1] = 0;  // repeated trial number
  CHECK_THROWS_WITH(trial::compute_design_oc(bad, kDoses, kTruth), Catch::Contains("not a permutation"));
  bad = t;
  bad.selected_dose[0] = 3;
  CHECK_THROWS_WITH(trial::compute_design_oc(bad, kDoses, kTruth), Catch::Contains("selected_dose 3"));
  bad = t;
  bad.patient_dose_index[0] = 7;
  CHECK_THROWS_WITH(trial::compute_design_oc(bad, kDoses, kTruth), Catch::Contains("dose_index 7"));
  bad = t;
  bad.n_dlts.pop_back();
  CHECK_THROWS_AS(trial::compute_design_oc(bad, kDoses, kTruth), core::RuntimeError);
  bad = t;
  bad.trial.clear();
  CHECK_THROWS_WITH(trial::compute_design_oc(bad, kDoses, kTruth), Catch::Contains("no trials"));
  // Counts that disagree between trials/ and patients/ are a warning.
  bad = t;
  bad.n_patients[2] = 8;
  CHECK(trial::compute_design_oc(bad, kDoses, kTruth).warnings.size() == 1);
}

TEST_CASE("cross-check against stored oc/ flags disagreements only", "[unit]") {
  auto oc = trial::compute_design_oc(tables("A", 0.25, design_a()), kDoses, kTruth);
  trial::StoredOc s;
  s.p_select = {0.25, 0.5, 0.0};
  // The writer's proportion SE uses the R-1 variance: sqrt(p(1-p)/(R-1)).
  s.p_select_se = {std::sqrt(0.25 * 0.75 / 3), std::sqrt(0.25 / 3), 0.0};
  s.mean_total_patients = 6.0;
  s.mean_total_patients_se = std::sqrt(1.5);
  s.trials = 4;
  trial::cross_check_oc(oc, s);
  CHECK(oc.warnings.empty());
  s.mean_total_dlts = 1.5;  // truth is 1.75
  trial::cross_check_oc(oc, s);
  REQUIRE(oc.warnings.size() == 1);
  CHECK_THAT(oc.warnings[0], Catch::Contains("mean_total_dlts") && Catch::Contains("1.75"));
}

namespace {

// Writes a result file in the schema_version 1 layout holding the given designs.
void write_fixture(const std::string& path, std::int64_t schema_version, std::int64_t seed,
                   const std::vector<DesignTables>& designs, const std::string& yaml_extra = "",
                   const std::string& truth_text = "[0.1, 0.25, 0.5]") {
  core::H5Writer w(path, true);
  w.attribute("/", "schema_version", schema_version);
  w.attribute("/", "scenario_name", std::string("fixture"));
  std::string yaml = "name: fixture\nseed: " + std::to_string(seed) +
                     "\ndose_levels: [10, 20, 40]\ntoxicity: {true_dlt_probabilities: " + truth_text + "}\n" +
                     yaml_extra + "designs:\n";
  for (const auto& d : designs) yaml += "  - {name: " + d.name + ", type: test}\n";
  w.attribute("/", "scenario_yaml", yaml);
  w.attribute("/", "seed", seed);
  w.attribute("/", "replicates", std::int64_t{4});
  w.attribute("/", "mode", std::string("design_only"));
  w.write("/dose_levels", kDoses);
  w.write("/truth/dlt_probability", kTruth);
  for (const auto& d : designs) {
    const std::string g = "/designs/" + d.name;
    w.create_group(g);
    w.attribute(g, "type", d.type);
    if (d.target) w.attribute(g, "target", *d.target);
    w.write(g + "/trials/trial", d.trial);
    w.write(g + "/trials/selected_dose", d.selected_dose);
    w.write(g + "/trials/n_patients", d.n_patients);
    w.write(g + "/trials/n_dlts", d.n_dlts);
    w.write(g + "/patients/trial", d.patient_trial);
    w.write(g + "/patients/dose_index", d.patient_dose_index);
    w.write(g + "/patients/dlt", d.patient_dlt);
    w.write_scalar(g + "/oc/p_no_selection", 0.25);
  }
  w.commit();
}

}  // namespace

TEST_CASE("read_oc_report reads a file, keeps scenario order, pairs files that share patients", "[unit]") {
  test::TempDir dir("oc");
  // "zeta" before "alpha" in the scenario: HDF5 lists them alphabetically, the report must not.
  const auto zeta = tables("zeta", 0.25, design_a());
  const auto alpha = tables("alpha", 0.25, design_b());
  write_fixture(dir.file("a.h5"), 1, 7, {zeta, alpha});
  const trial::OcReport rep = trial::read_oc_report(dir.file("a.h5"));
  REQUIRE(rep.designs.size() == 2);
  CHECK(rep.designs[0].name == "zeta");
  CHECK(rep.designs[1].name == "alpha");
  CHECK(rep.seed == 7);
  CHECK(rep.designs[0].pcs.value == Approx(0.5));
  CHECK(rep.designs[0].warnings.empty());  // oc/p_no_selection 0.25 agrees

  const trial::Comparison c = trial::compare_reports({rep});
  REQUIRE(c.differences.size() == 1);
  const auto& d = c.differences[0];
  CHECK(d.paired);
  CHECK(d.label == "alpha");
  CHECK(d.reference == "zeta");
  CHECK(d.pcs.value == Approx(0.25));
  CHECK(d.pcs.se == Approx(0.25));
  CHECK(trial::format_difference_line(d, "pcs") == "alpha - zeta PCS: +25.0 % ± 25.0 %");
  CHECK(trial::format_difference_line(d, "mean_total_dlts") == "alpha - zeta mean total DLTs: -0.75 ± 0.48");

  // Same seed and truth (written differently), another file: still paired.
  write_fixture(dir.file("b.h5"), 1, 7, {alpha}, "# same scenario\n");
  // Different seed: unpaired, SE sqrt(se_a^2 + se_b^2).
  write_fixture(dir.file("c.h5"), 1, 8, {alpha});
  const std::vector<trial::OcReport> reps{rep, trial::read_oc_report(dir.file("b.h5")),
                                          trial::read_oc_report(dir.file("c.h5"))};
  const trial::Comparison c3 = trial::compare_reports(reps);
  REQUIRE(c3.differences.size() == 3);
  CHECK(c3.labels[0] == dir.file("a.h5") + ":zeta");
  CHECK(c3.differences[1].paired);
  CHECK(c3.differences[1].pcs.se == Approx(0.25));
  CHECK_FALSE(c3.differences[2].paired);
  CHECK_THAT(c3.differences[2].unpaired_reason, Catch::Contains("different seeds (7 vs 8)"));
  CHECK(c3.differences[2].pcs.value == Approx(0.25));
  CHECK(c3.differences[2].pcs.se == Approx(0.3307189139));
  CHECK_THAT(trial::format_difference_line(c3.differences[2], "pcs"), Catch::EndsWith("(unpaired)"));

  // The scenario text is compared after parsing: number spelling and saved outputs do not
  // matter, a different truth does.
  write_fixture(dir.file("d.h5"), 1, 7, {alpha}, "output: {grid_h: 2}\n", "[0.10, 0.250, 5e-1]");
  write_fixture(dir.file("e.h5"), 1, 7, {alpha}, "", "[0.1, 0.3, 0.5]");
  const auto d_rep = trial::read_oc_report(dir.file("d.h5"));
  const auto e_rep = trial::read_oc_report(dir.file("e.h5"));
  CHECK_FALSE(trial::unpaired_reason(rep, d_rep).has_value());
  CHECK_THAT(trial::unpaired_reason(rep, e_rep).value_or(""), Catch::StartsWith("different scenarios"));
}

TEST_CASE("read_oc_report refuses unknown or missing schema_version and missing datasets", "[unit]") {
  test::TempDir dir("oc");
  write_fixture(dir.file("v99.h5"), 99, 1, {tables("a", 0.25, design_a())});
  CHECK_THROWS_WITH(trial::read_oc_report(dir.file("v99.h5")),
                    Catch::Contains("unsupported schema_version 99") && Catch::Contains("reads schema_version 1"));
  {
    core::H5Writer w(dir.file("none.h5"), true);
    w.write("/dose_levels", kDoses);
    w.commit();
  }
  CHECK_THROWS_WITH(trial::read_oc_report(dir.file("none.h5")), Catch::Contains("no schema_version"));
  auto broken = tables("a", 0.25, design_a());
  broken.patient_dlt.pop_back();
  write_fixture(dir.file("short.h5"), 1, 1, {broken});
  CHECK_THROWS_WITH(trial::read_oc_report(dir.file("short.h5")), Catch::Contains("different lengths"));
  CHECK_THROWS_AS(trial::read_oc_report(dir.file("missing.h5")), core::RuntimeError);
}

TEST_CASE("formats: escaping and estimates", "[unit]") {
  CHECK(trial::json_escape("a\"b\\c\n") == "\"a\\\"b\\\\c\\u000a\"");
  CHECK(trial::csv_field("plain") == "plain");
  CHECK(trial::csv_field("a,b") == "\"a,b\"");
  CHECK(trial::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(trial::format_estimate({0.182, 0.005}, 100.0, 1, " %", true) == "+18.2 % ± 0.5 %");
  CHECK(trial::format_estimate({0.1823, 0.0004}, 100.0, 1, " %") == "18.23 % ± 0.04 %");
  CHECK(trial::format_estimate({}, 1.0, 2, "") == "n/a");
  CHECK(trial::parse_oc_format("json") == trial::OcFormat::kJson);
  CHECK_THROWS_AS(trial::parse_oc_format("xml"), core::UsageError);
}
