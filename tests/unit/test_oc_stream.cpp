// [unit] report/compare read the per-trial tables in blocks of trials
// (trial_sim/io/src/oc_stream.cpp): tables longer than a block, tables that are
// broken or out of trial order, designs with different numbers of trials.
#include <catch2/catch.hpp>

#include <cmath>

#include "oc_fixtures.hpp"
#include "test_support.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/trial/io/result_reader.hpp"

using namespace twinsim;
using namespace twinsim::test::oc;

TEST_CASE("tables longer than a read block give the OCs of their repeated pattern", "[unit]") {
  // Designs A and B repeated 10,000 times: 40,000 trials and 250,000 patient
  // rows, several read blocks of each (blocks end inside trials' patients).
  // Means are those of the 4-trial tables; a sum of squares SS over the 4
  // becomes 10^4 SS over R = 40,000, so SE = sqrt(10^4 SS / (R - 1) / R).
  const int k = 10000;
  std::vector<Trial> a, b;
  for (int i = 0; i < k; ++i)
    for (int r = 0; r < 4; ++r) {
      a.push_back(design_a()[static_cast<std::size_t>(r)]);
      b.push_back(design_b()[static_cast<std::size_t>(r)]);
      a.back().number = b.back().number = 4 * i + r;
    }
  const std::vector<trial::OcReport> reps{read_designs({tables("A", 0.25, a), tables("B", 0.25, b)})};
  const double R = 4.0 * k;
  auto se = [&](double ss4) { return std::sqrt(k * ss4 / (R - 1) / R); };
  const auto& oc = reps[0].designs[0];
  REQUIRE(oc.trials == 4 * k);
  REQUIRE(oc.warnings.size() == 1);  // the fixture's replicates attribute says 4; no other finding
  CHECK_THAT(oc.warnings[0], Catch::Contains("40000 trials but the file says 4 replicates"));
  CHECK(oc.doses[1].mean_patients.value == Approx(2.25));
  CHECK(oc.doses[1].mean_patients.se == Approx(se(6.75)));
  CHECK(oc.doses[1].mean_dlts.se == Approx(se(2.75)));
  CHECK(oc.doses[0].p_select.se == Approx(std::sqrt(0.25 * 0.75 / R)));
  CHECK(oc.mean_total_patients.se == Approx(se(18)));
  CHECK(oc.above_target.value == Approx(0.125));
  CHECK(oc.above_target.se == Approx(se(0.1328125)));
  const trial::Comparison c = trial::compare_reports(reps);
  REQUIRE(c.differences.at(0).paired);
  CHECK(c.differences[0].pcs.se == Approx(se(0.75)));
  CHECK(c.differences[0].mean_total_patients.se == Approx(se(18)));
  CHECK(c.differences[0].mean_total_dlts.se == Approx(se(2.75)));
  CHECK(c.differences[0].above_target.se == Approx(se(0.1328125)));
}

TEST_CASE("inconsistent tables are a clear RuntimeError, not a crash", "[unit]") {
  test::TempDir dir("oc");
  const auto t = tables("A", 0.25, design_a());
  auto read_bad = [&](const DesignTables& bad) {
    write_fixture(dir.file("bad.h5"), 1, 7, {bad});
    return trial::read_oc_report(dir.file("bad.h5"));
  };
  auto bad = t;
  bad.trial[1] = 0;  // repeated trial number
  CHECK_THROWS_WITH(read_bad(bad), Catch::Contains("'A': trials/trial is not 0..3 in order (row 1 holds trial 0)"));
  bad = t;
  bad.trial.back() = 4;  // a trial missing (3), another out of range
  CHECK_THROWS_WITH(read_bad(bad), Catch::Contains("row 3 holds trial 4"));
  bad = t;
  bad.selected_dose[0] = 3;
  CHECK_THROWS_WITH(read_bad(bad), Catch::Contains("selected_dose 3"));
  bad = t;
  bad.patient_dose_index[0] = 7;
  CHECK_THROWS_WITH(read_bad(bad), Catch::Contains("dose_index 7"));
  bad = t;
  bad.patient_trial.back() = 9;
  CHECK_THROWS_WITH(read_bad(bad), Catch::Contains("patients/trial 9 is not a trial"));
  bad = t;
  bad.patient_trial[0] = -1;
  CHECK_THROWS_WITH(read_bad(bad), Catch::Contains("patients/trial -1 is not a trial"));
  bad = t;
  std::swap(bad.patient_trial[5], bad.patient_trial[6]);  // a row of trial 1 among trial 0's
  CHECK_THROWS_WITH(read_bad(bad),
                    Catch::Contains("patients/ rows are not in trial order (a row of trial 0 after one of trial 1)"));
  bad = t;
  bad.patient_dlt[0] = 2;
  CHECK_THROWS_WITH(read_bad(bad), Catch::Contains("patients/dlt 2 is not 0 or 1"));
  bad = t;
  bad.n_patients[0] = -6;
  CHECK_THROWS_WITH(read_bad(bad), Catch::Contains("trials/n_patients -6 is not a patient count"));
  bad = t;
  bad.n_dlts[0] = std::int64_t{1} << 40;  // its square times R would overflow the exact sums
  CHECK_THROWS_WITH(read_bad(bad), Catch::Contains("is not a DLT count"));
  bad = t;
  bad.n_dlts.pop_back();
  CHECK_THROWS_WITH(read_bad(bad), Catch::Contains("trials/ columns have different lengths"));
  bad = t;
  bad.trial.clear();
  CHECK_THROWS_WITH(read_bad(bad), Catch::Contains("no trials"));
  // Counts that disagree between trials/ and patients/ are a warning.
  bad = t;
  bad.n_patients[2] = 8;
  const auto rep = read_bad(bad);
  REQUIRE(rep.designs[0].warnings.size() == 1);
  CHECK_THAT(rep.designs[0].warnings[0],
             Catch::Contains("trial 2: trials/ says 8 patients and 2 DLTs, patients/ has 9 and 2"));
}

TEST_CASE("designs with different numbers of trials are compared unpaired, and say why", "[unit]") {
  const auto b = design_b();
  const auto three = tables("B", 0.25, {b[0], b[1], b[2]});  // trial 3 missing
  const std::vector<trial::OcReport> reps{read_designs({tables("A", 0.25, design_a()), three})};
  CHECK(reps[0].designs[1].trials == 3);
  CHECK_THAT(reps[0].designs[1].warnings.at(0), Catch::Contains("3 trials but the file says 4 replicates"));
  const trial::Comparison c = trial::compare_reports(reps);
  REQUIRE(c.differences.size() == 1);
  CHECK_FALSE(c.differences[0].paired);
  CHECK(c.differences[0].unpaired_reason == "different numbers of trials");
  CHECK(c.differences[0].pcs.value == Approx(1.0 - 0.5));  // B selects dose 1 in 3 of 3 trials
}
