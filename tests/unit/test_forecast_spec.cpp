// [unit] The forecast file's defaults (trial/scenario/forecast_spec.hpp) come
// from the fitted scenario's regimen, a candidate's own schedule overrides
// them, and the default start is the next cycle boundary after the history.
#include <catch2/catch.hpp>

#include "test_support.hpp"
#include "twinsim/trial/fit/forecast.hpp"

using namespace twinsim;

TEST_CASE("forecast file: defaults from the scenario's regimen, a candidate's own schedule", "[unit][fit]") {
  const trial::Scenario s = trial::load_scenario_file(test::source_dir() + "/configs/digital_twin_fit.yaml");
  test::TempDir dir("forecast-spec");
  const std::string path = dir.file("f.yaml");
  test::write_file(path, "candidates:\n  - {dose: 150}\n  - {name: bid, dose: 60, interval_h: 12, doses_per_cycle: 42}\n");
  const trial::ForecastSpec f = trial::load_forecast_spec(path, s);
  CHECK_FALSE(f.start_h);
  CHECK(f.cycle_length_h == 504);
  CHECK(f.draws == 1000);
  CHECK_FALSE(f.seed);
  REQUIRE(f.candidates.size() == 2);
  CHECK(f.candidates[0].name == "150 mg");
  CHECK(f.candidates[0].interval_h == 24);
  CHECK(f.candidates[0].doses == 21);
  const auto bid = f.doses(1, 1008);
  REQUIRE(bid.size() == 42);
  CHECK(bid.front().time_h == 1008);
  CHECK(bid.back().time_h == 1008 + 41 * 12);
  CHECK(*bid.back().amount_mg == 60);
  CHECK(bid.front().route == pkpd::Route::kOral);

  // The data's last dose is at 480 h (ADDL 20 of II 24): the next cycle starts at 504 h.
  const core::DataSet data = core::read_data_set_file(test::source_dir() + "/configs/data/digital_twin_patients.csv",
                                                     trial::fit_data_set_options(s));
  const trial::IndividualObjective history(s, data, 0);
  CHECK(history.history_doses().size() == 21);
  CHECK(trial::forecast_start(f, history, 1) == 504);
}
