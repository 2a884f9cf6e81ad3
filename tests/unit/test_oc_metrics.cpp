// [unit] The definitions of oc_metrics.hpp: correct selection (no dose when
// every dose is an overdose), acceptable dose, stopped early, trial duration,
// the scoring-target rule, and their paired differences, on the hand-made
// 4-trial tables of oc_fixtures.hpp, worked out by hand in the comments:
//   design A: selects 1, 0, 1, none; N = 6, 6, 9, 3 in 2, 2, 3, 1 cohorts
//   design B: selects 1, 1, 1, none; N = 9, 6, 6, 3 in 3, 2, 2, 1 cohorts
#include <catch2/catch.hpp>

#include <cmath>

#include "oc_fixtures.hpp"
#include "twinsim/trial/report/oc_format.hpp"
#include "twinsim/trial/results/oc_metrics.hpp"
#include "twinsim/trial/sweep/sweep_report.hpp"

using namespace twinsim;
using namespace twinsim::test::oc;

namespace {
// sqrt(p(1-p)/4) at p = 1/4 or 3/4.
const double kSeQuarter = std::sqrt(0.25 * 0.75 / 4);
}  // namespace

TEST_CASE("true decision: no dose when all are above 1.4 x target, never an overdose, ties low", "[unit]") {
  const trial::ScoringOptions def;
  // All toxic (lowest 0.45 > 0.35): selecting no dose is correct; no dose is acceptable.
  auto t = trial::true_decision({0.45, 0.55, 0.65, 0.75}, 0.25, def);
  CHECK(t.scored);
  CHECK(t.correct_dose == -1);
  CHECK(t.overdose_limit == Approx(0.35));
  CHECK(t.acceptable == std::vector<bool>{false, false, false, false});
  // The closest dose (0.36, 0.11 away) is an overdose; 0.12 (0.13 away) is the correct one.
  CHECK(trial::true_decision({0.05, 0.12, 0.36}, 0.25, def).correct_dose == 1);
  // A limit of 1.5 x 0.25 = 0.375 admits 0.36.
  CHECK(trial::true_decision({0.05, 0.12, 0.36}, 0.25, {1.5, 0.05}).correct_dose == 2);
  // Exactly at the limit is not above it (0.35 = 1.4 x 0.25 up to rounding).
  CHECK(trial::true_decision({0.35, 0.5}, 0.25, def).correct_dose == 0);
  // Ties go to the lower dose; the margin is inclusive (0.2 and 0.3 are 0.05 from 0.25).
  t = trial::true_decision({0.1, 0.2, 0.3, 0.5}, 0.25, def);
  CHECK(t.correct_dose == 1);
  CHECK(t.acceptable == std::vector<bool>{false, true, true, false});
  // A dose of unknown toxicity (NaN) or no truth: nothing to score against.
  CHECK_FALSE(trial::true_decision({0.1, std::nan("")}, 0.25, def).scored);
  CHECK_FALSE(trial::true_decision({}, 0.25, def).scored);
}

TEST_CASE("scoring targets: own, else the shared one or --target; fixed arms never", "[unit]") {
  using I = trial::DesignTargetInfo;
  auto t = trial::scoring_targets({I{true, {}}, I{true, 0.3}, I{true, 0.3}, I{false, {}}});
  CHECK(t[0].target == Approx(0.3));
  CHECK(t[0].assumed);
  CHECK_FALSE(t[1].assumed);
  CHECK_FALSE(t[3].target.has_value());
  t = trial::scoring_targets({I{true, {}}, I{true, 0.25}, I{true, 0.3}});
  CHECK_FALSE(t[0].target.has_value());  // the others disagree
  t = trial::scoring_targets({I{true, {}}, I{true, 0.25}, I{true, 0.3}, I{false, {}}}, 0.2);
  CHECK(t[0].target == Approx(0.2));
  CHECK(t[2].target == Approx(0.3));  // --target never overrides a design's own
  CHECK_FALSE(t[3].target.has_value());
}

TEST_CASE("all-toxic truth: PCS is the fraction of trials selecting no dose, paired differences agree", "[unit]") {
  FileOptions opt;
  opt.truth = {0.40, 0.50, 0.60};
  const auto rep = read_with({tables("A", 0.25, design_a()), tables("B", 0.25, design_b())}, opt);
  const auto& a = rep.designs[0];
  REQUIRE(a.scored);
  CHECK(a.target_dose == -1);
  // Only trial 3 selects no dose: PCS 1/4 ± sqrt(.25 .75 / 4).
  CHECK(a.pcs.value == Approx(0.25));
  CHECK(a.pcs.se == Approx(kSeQuarter));
  CHECK(a.p_acceptable.value == 0.0);
  // Every dose is above the correct decision: all treated patients count, 1 ± 0.
  CHECK(a.above_target.value == Approx(1.0));
  CHECK(a.above_target.se == Approx(0.0).margin(1e-12));
  CHECK(a.warnings.empty());
  // B also stops in trial 3 only: B - A = 0 ± 0, trial by trial.
  const auto c = trial::compare_reports({rep});
  CHECK(c.differences[0].pcs.value == 0.0);
  CHECK(c.differences[0].pcs.se == 0.0);
  // Under the old rule (closest dose 0.40) A would score 1/4 for selecting dose 0 in trial 1.
  CHECK(trial::format_report(rep, trial::OcFormat::kTable).find("correct selection: no dose") != std::string::npos);
}

TEST_CASE("acceptable dose: true P(DLT) within target ± margin, the margin from the file", "[unit]") {
  // kTruth 0.10, 0.25, 0.50 at target 0.25: margin 0.05 accepts dose 1 only -> A 2/4.
  const auto narrow = read_designs({tables("A", 0.25, design_a())}).designs[0];
  CHECK(narrow.p_acceptable.value == Approx(0.5));
  CHECK(narrow.p_acceptable.se == Approx(0.25));
  FileOptions opt;
  opt.acceptable_margin = 0.15;  // 0.10 is 0.15 away: doses 0 and 1 -> A 3/4 (trials 0, 1, 2), B 3/4
  const auto rep = read_with({tables("A", 0.25, design_a()), tables("B", 0.25, design_b())}, opt);
  CHECK(rep.designs[0].p_acceptable.value == Approx(0.75));
  CHECK(rep.designs[0].p_acceptable.se == Approx(kSeQuarter));
  CHECK(rep.designs[0].pcs.value == Approx(0.5));  // the margin does not change PCS
  const auto c = trial::compare_reports({rep});
  CHECK(c.differences[0].p_acceptable.value == 0.0);  // per trial 0, 0, 0, 0
  CHECK(c.differences[0].p_acceptable.se == 0.0);
  opt.overdose_factor = 3.0;  // a limit of 0.75 changes nothing here: the correct dose stays 1
  CHECK(read_with({tables("A", 0.25, design_a())}, opt).designs[0].target_dose == 1);
}

TEST_CASE("stopped early: fewer patients than max_patients; n/a without one", "[unit]") {
  auto a = tables("A", 0.25, design_a()), b = tables("B", 0.25, design_b());
  CHECK_FALSE(read_designs({a}).designs[0].p_stopped_early.available());
  a.max_patients = b.max_patients = 9;
  const auto rep = read_designs({a, b});
  // A: N = 6, 6, 9, 3 -> early in trials 0, 1, 3; B: N = 9, 6, 6, 3 -> trials 1, 2, 3. Both 3/4.
  CHECK(rep.designs[0].p_stopped_early.value == Approx(0.75));
  CHECK(rep.designs[0].p_stopped_early.se == Approx(kSeQuarter));
  CHECK(rep.designs[1].p_stopped_early.value == Approx(0.75));
  // B - A per trial: -1, 0, +1, 0 -> 0, SS 2, sd^2 2/3, SE sqrt(2/3/4) = 0.4082.
  const auto c = trial::compare_reports({rep});
  CHECK(c.differences[0].p_stopped_early.value == 0.0);
  CHECK(c.differences[0].p_stopped_early.se == Approx(std::sqrt(2.0 / 3.0 / 4.0)));
  // A trial with more patients than max_patients is a broken file.
  a.max_patients = 8;
  test::TempDir dir("oc");
  write_fixture(dir.file("f.h5"), 1, 7, {a});
  CHECK_THROWS_WITH(trial::read_oc_report(dir.file("f.h5")),
                    Catch::Contains("trial 2: trials/n_patients 9 is more than the design's max_patients 8"));
}

TEST_CASE("trial duration: (N - C) x gap + C x window per trial, mean, SE and paired difference", "[unit]") {
  FileOptions opt;
  opt.patients_per_month = 2;  // gap 30.4375 / 2 = 15.21875 days
  opt.dlt_window_days = 28;
  const auto rep = read_with({tables("A", 0.25, design_a()), tables("B", 0.25, design_b())}, opt);
  // A: 4g + 56, 4g + 56, 6g + 84, 2g + 28 = 116.875, 116.875, 175.3125, 58.4375: mean 116.875,
  // deviations 0, 0, ±58.4375: SE 58.4375 sqrt(2/3/4) = 23.8570.
  const double se = 58.4375 * std::sqrt(2.0 / 3.0 / 4.0);
  CHECK(rep.designs[0].mean_duration_days.value == Approx(116.875));
  CHECK(rep.designs[0].mean_duration_days.se == Approx(se));
  // B: 175.3125, 116.875, 116.875, 58.4375; B - A: 58.4375, 0, -58.4375, 0 -> 0 ± the same SE.
  CHECK(rep.designs[1].mean_duration_days.value == Approx(116.875));
  const auto c = trial::compare_reports({rep});
  CHECK(c.differences[0].mean_duration_days.value == Approx(0.0).margin(1e-9));
  CHECK(c.differences[0].mean_duration_days.se == Approx(se));
  // Without accrual attributes: n/a.
  CHECK_FALSE(read_designs({tables("A", 0.25, design_a())}).designs[0].mean_duration_days.available());
}

TEST_CASE("designs scored against different targets: target-dependent differences are n/a", "[unit]") {
  const auto rep = read_designs({tables("A", 0.25, design_a()), tables("B", 0.30, design_b())});
  const auto c = trial::compare_reports({rep});
  const auto& d = c.differences[0];
  CHECK(rep.designs[1].pcs.available());
  CHECK_FALSE(d.pcs.available());
  CHECK_FALSE(d.p_acceptable.available());
  CHECK(d.not_comparable == "scored against different targets (0.3 vs 0.25)");
  CHECK(d.mean_total_patients.available());  // target-free OCs still compare
  CHECK(trial::format_difference_line(d, "pcs") == "B - A PCS: n/a (scored against different targets (0.3 vs 0.25))");
}

TEST_CASE("cross-check: a stored PCS that contradicts the tables is flagged, another target's is not", "[unit]") {
  auto oc = read_designs({tables("A", 0.25, design_a())}).designs.at(0);
  oc.warnings.clear();
  trial::StoredOc s;
  s.true_target_dose = 1;
  s.scoring_target = 0.25;
  s.metrics["pcs"] = {0.5, std::sqrt(0.25 / 3)};  // R-1 convention of oc/
  trial::cross_check_oc(oc, s);
  CHECK(oc.warnings.empty());
  s.metrics["pcs"] = {0.99, std::sqrt(0.25 / 3)};
  trial::cross_check_oc(oc, s);
  REQUIRE(oc.warnings.size() == 1);
  CHECK_THAT(oc.warnings[0], Catch::Contains("oc/pcs = 0.99 but trials/ and patients/ give 0.5"));
  oc.warnings.clear();
  s.scoring_target = 0.3;  // the run scored another target: nothing to compare
  trial::cross_check_oc(oc, s);
  CHECK(oc.warnings.empty());
  s.scoring_target = 0.25;
  s.true_target_dose = 0;  // the truth in the file moved the correct dose
  s.metrics.clear();
  trial::cross_check_oc(oc, s);
  REQUIRE(oc.warnings.size() == 1);
  CHECK_THAT(oc.warnings[0], Catch::Contains("oc/true_target_dose = 0"));
}

TEST_CASE("a merged sweep file whose truth is not a probability is refused", "[unit]") {
  test::TempDir dir("oc");
  const std::string f = dir.file("sweep.h5");
  {
    core::H5Writer w(f, true);
    w.attribute("/", "kind", std::string("sweep"));
    w.attribute("/", "schema_version", std::int64_t{1});
    w.write("/variant_table/id", std::vector<std::string>{"v000-0"});
    w.write("/variant_table/index", std::vector<std::int64_t>{0});
    w.write("/variants/v000-0/dose_levels", kDoses);
    w.write("/variants/v000-0/truth/dlt_probability", std::vector<double>{0.1, 7.5, 0.5});
    w.create_group("/variants/v000-0/designs/boin");
    w.attribute("/variants/v000-0/designs/boin", "type", std::string("boin"));
    w.attribute("/variants/v000-0/designs/boin", "target", 0.25);
    w.write("/variants/v000-0/designs/boin/oc/p_select", std::vector<double>{0.25, 0.5, 0.25});
    w.write_scalar("/variants/v000-0/designs/boin/oc/trials", std::int64_t{4});
    w.commit();
  }
  REQUIRE(trial::is_sweep_file(f));
  CHECK_THROWS_WITH(trial::read_sweep_report(f),
                    Catch::Contains("/variants/v000-0/truth/dlt_probability[1] = 7.5 is not a probability in [0, 1]"));
}
