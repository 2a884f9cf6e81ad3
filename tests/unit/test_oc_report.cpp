// [unit] Operating characteristics and paired differences recomputed from
// per-trial tables (trial_sim/results/src/oc_report.cpp), on hand-made result files
// whose expected values are worked out by hand in the comments
// (oc_fixtures.hpp). Reading in blocks and broken tables: test_oc_stream.cpp.
#include <catch2/catch.hpp>

#include <cmath>

#include "oc_fixtures.hpp"
#include "test_support.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/core/h5.hpp"
#include "twinsim/trial/report/oc_format.hpp"
#include "twinsim/trial/io/result_reader.hpp"

using namespace twinsim;
using namespace twinsim::test::oc;

TEST_CASE("estimates: mean with sd/sqrt(R), proportion with sqrt(p(1-p)/R), paired and unpaired differences",
          "[unit]") {
  // x = 6, 6, 9, 3: mean 6; squared deviations 0 + 0 + 9 + 9 = 18; sd^2 = 18/3 = 6; SE = sqrt(6/4).
  const auto m = trial::mean_estimate(4, sums_of({6, 6, 9, 3}));
  CHECK(m.value == Approx(6.0));
  CHECK(m.se == Approx(std::sqrt(1.5)));
  // p = 1/4: SE = sqrt(0.25 * 0.75 / 4) = 0.2165063509.
  const auto p = trial::proportion_estimate(4, 1);
  CHECK(p.value == Approx(0.25));
  CHECK(p.se == Approx(0.2165063509));
  // a - b = 1, 2, 3: mean 2, sd 1, SE 1/sqrt(3). Σab = 6 + 15 + 28 = 49.
  const auto d = trial::paired_difference(3, sums_of({3, 5, 7}), sums_of({2, 3, 4}), 49);
  CHECK(d.value == Approx(2.0));
  CHECK(d.se == Approx(1.0 / std::sqrt(3.0)));
  const auto u = trial::unpaired_difference({0.5, 0.3}, {0.2, 0.4});
  CHECK(u.value == Approx(0.3));
  CHECK(u.se == Approx(0.5));
  // One trial: a mean but no SE; no trials: n/a.
  CHECK(std::isnan(trial::mean_estimate(1, sums_of({4})).se));
  CHECK_FALSE(trial::mean_estimate(0, {}).available());
  CHECK_FALSE(trial::paired_difference(0, {}, {}, 0).available());
  CHECK_FALSE(trial::unpaired_difference({}, {1, 1}).available());
}

TEST_CASE("exact sums: no cancellation where naive double sums of x and x^2 lose everything", "[unit]") {
  // 10^6 values 10^9 + (0 or 1): the variance 0.25 is 4·10^-19 of E[x^2]; double sums of
  // x and x^2 would give 0 or garbage, the exact sums give SE sqrt(0.25 · R/(R-1) / R).
  trial::Sums s;
  const std::int64_t R = 1000000, base = 1000000000;
  for (std::int64_t r = 0; r < R; ++r) s.add(base + (r & 1));
  const auto e = trial::mean_estimate(R, s);
  CHECK(e.value == Approx(base + 0.5));
  CHECK(e.se == Approx(std::sqrt(0.25 * R / (R - 1.0) / R)).epsilon(1e-12));
}

TEST_CASE("correct selection: closest true DLT probability, ties to the lower dose", "[unit]") {
  auto correct = [](const std::vector<double>& truth, double target) {
    const auto t = trial::true_decision(truth, target, {});
    return t.scored ? t.correct_dose : -99;
  };
  CHECK(correct({0.10, 0.25, 0.50}, 0.25) == 1);
  CHECK(correct({0.05, 0.10, 0.20, 0.30, 0.50}, 0.30) == 3);
  CHECK(correct({0.20, 0.30}, 0.25) == 0);  // |0.2-0.25| == |0.3-0.25| up to rounding
  CHECK(correct({}, 0.25) == -99);           // no truth: not scored
}

TEST_CASE("design OCs from per-trial tables match hand-computed values", "[unit]") {
  const auto rep = read_designs({tables("A", 0.25, design_a())});
  REQUIRE(rep.designs.size() == 1);
  const auto& oc = rep.designs[0];
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
  CHECK(oc.doses[0].mean_patients.se == 0.0);  // exact sums: no rounding residue
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
  // The sums behind them: patients per dose 12, 9, 3 in all.
  CHECK(oc.sums.patients == std::vector<trial::Int128>{12, 9, 3});
  CHECK(oc.sums.selected == std::vector<std::int64_t>{1, 1, 2, 0});
}

TEST_CASE("no target or no truth: PCS and above-target are n/a, the rest is computed", "[unit]") {
  const auto no_target = read_designs({tables("A", std::nullopt, design_a())}).designs.at(0);
  CHECK_FALSE(no_target.pcs.available());
  CHECK_FALSE(no_target.above_target.available());
  CHECK_FALSE(no_target.scored);
  CHECK(no_target.mean_total_patients.value == Approx(6.0));
  const auto no_truth = read_designs({tables("A", 0.25, design_a())}, "").designs.at(0);
  CHECK_FALSE(no_truth.pcs.available());
  CHECK_FALSE(no_truth.doses[0].true_dlt_probability.has_value());
  CHECK(no_truth.p_no_selection.value == Approx(0.25));
}

TEST_CASE("designs without a target are scored against a given or shared target", "[unit]") {
  // Read as every command reads it: the 3+3 takes the target BOIN has (0.25 -> dose index 1),
  // so PCS = 0.5 as in design A, without any --target (the same rule in report and compare).
  std::vector<trial::OcReport> reps{
      read_designs({tables("3+3", std::nullopt, design_a()), tables("boin", 0.25, design_b())})};
  const auto& d33 = reps[0].designs[0];
  CHECK(d33.target_assumed);
  CHECK(d33.target_dose == 1);
  CHECK(d33.pcs.value == Approx(0.5));
  CHECK(d33.above_target.value == Approx(0.125));
  CHECK(d33.above_target.se == Approx(0.1052031749));
  CHECK_FALSE(reps[0].designs[1].target_assumed);
  // An explicit target re-scores only designs without their own: 0.5 -> dose index 2,
  // which design A selects in no trial.
  trial::assume_targets(reps, 0.5);
  CHECK(reps[0].designs[0].target_dose == 2);
  CHECK(reps[0].designs[0].pcs.value == 0.0);
  CHECK(reps[0].designs[1].target == Approx(0.25));
  // Designs whose own targets disagree: no shared target, nothing assumed.
  std::vector<trial::OcReport> mixed{read_designs({tables("3+3", std::nullopt, design_a()),
                                                   tables("b1", 0.25, design_b()), tables("b2", 0.30, design_b())})};
  trial::assume_targets(mixed, std::nullopt);
  CHECK_FALSE(mixed[0].designs[0].target.has_value());
  CHECK_FALSE(mixed[0].designs[0].pcs.available());
}

TEST_CASE("paired differences use trial r of each design", "[unit]") {
  const std::vector<trial::OcReport> reps{read_designs({tables("A", 0.25, design_a()), tables("B", 0.25, design_b())})};
  const auto& b = reps[0].designs[1];
  CHECK(b.pcs.value == Approx(0.75));  // correct = 1, 1, 1, 0
  const trial::Comparison c = trial::compare_reports(reps);
  REQUIRE(c.differences.size() == 1);
  const auto& d = c.differences[0];
  REQUIRE(d.paired);
  // PCS B - A: per trial 1-1, 1-0, 1-1, 0-0 = 0, 1, 0, 0 -> .25; SS .75, sd^2 .25, SE .25
  // (unpaired it would be sqrt(.25^2 + .2165^2) = .3307).
  CHECK(d.pcs.value == Approx(0.25));
  CHECK(d.pcs.se == Approx(0.25));
  CHECK(trial::unpaired_difference(b.pcs, reps[0].designs[0].pcs).se == Approx(0.3307189139));
  // No selection: both stop in trial 3 only -> 0 ± 0.
  CHECK(d.p_no_selection.value == 0.0);
  CHECK(d.p_no_selection.se == 0.0);
  // N: 3, 0, -3, 0 -> 0 ± sqrt(6/4); DLTs: 0, -1, -2, 0 -> -.75, SS 2.75, SE .4787.
  CHECK(d.mean_total_patients.value == 0.0);
  CHECK(d.mean_total_patients.se == Approx(1.2247448714));
  CHECK(d.mean_total_dlts.value == Approx(-0.75));
  CHECK(d.mean_total_dlts.se == Approx(0.4787135539));
  // Above target: B never goes above dose 1 (z = 0), so B - A = -z_A: -.125 ± .1052.
  CHECK(d.above_target.value == Approx(-0.125));
  CHECK(d.above_target.se == Approx(0.1052031749));
}

TEST_CASE("cross-check against stored oc/ flags disagreements only", "[unit]") {
  auto oc = read_designs({tables("A", 0.25, design_a())}).designs.at(0);
  oc.warnings.clear();
  trial::StoredOc s;
  s.p_select = {0.25, 0.5, 0.0};
  // The writer's proportion SE uses the R-1 variance: sqrt(p(1-p)/(R-1)).
  s.p_select_se = {std::sqrt(0.25 * 0.75 / 3), std::sqrt(0.25 / 3), 0.0};
  s.metrics["mean_total_patients"] = {6.0, std::sqrt(1.5)};
  s.trials = 4;
  trial::cross_check_oc(oc, s);
  CHECK(oc.warnings.empty());
  s.metrics["mean_total_dlts"] = {1.5, std::nullopt};  // truth is 1.75
  trial::cross_check_oc(oc, s);
  REQUIRE(oc.warnings.size() == 1);
  CHECK_THAT(oc.warnings[0], Catch::Contains("mean_total_dlts") && Catch::Contains("1.75"));
}

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
  const std::vector<std::string> paths{dir.file("a.h5"), dir.file("b.h5"), dir.file("c.h5")};
  const std::vector<trial::OcReport> reps = trial::read_oc_reports(paths);
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

  // Files read one at a time have no sums with the reference of another
  // read: unpaired, and the reason says so (never another design's sums).
  const std::vector<trial::OcReport> apart{trial::read_oc_report(dir.file("b.h5")), rep};
  const trial::Comparison ca = trial::compare_reports(apart);
  REQUIRE(ca.differences.size() == 2);
  CHECK_FALSE(ca.differences[1].paired);
  CHECK(ca.differences[1].unpaired_reason == "not read together with the reference design");
  CHECK(ca.differences[1].pcs.value == 0.0);  // alpha against itself, from another file
  CHECK(ca.differences[1].pcs.se == Approx(std::sqrt(2 * 0.75 * 0.25 / 4)));

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
