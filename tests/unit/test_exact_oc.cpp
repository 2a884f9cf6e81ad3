// [unit] exact_design_oc: the OC definitions applied to weighted trials equal
// design_oc_from_sums (the one implementation for simulated trials) when the
// weights are the frequencies of the same trials.
#include <catch2/catch.hpp>

#include "twinsim/trial/results/exact_oc.hpp"
#include "twinsim/trial/results/results.hpp"

using namespace twinsim::trial;

TEST_CASE("exact OCs of trials weighted by their frequency equal the OCs of the trials", "[unit][exact]") {
  struct T {
    int selected, cohorts;
    std::vector<int> n, y;
    int copies;
  };
  // 10 trials in all, as 4 distinct ones with their counts.
  const std::vector<T> distinct = {{1, 4, {3, 6, 3}, {0, 1, 2}, 5},
                                   {-1, 1, {3, 0, 0}, {2, 0, 0}, 2},
                                   {2, 6, {3, 3, 12}, {0, 0, 3}, 2},
                                   {0, 3, {6, 3, 0}, {1, 2, 0}, 1}};
  OcContext ctx;
  ctx.dose_levels = {10, 20, 40};
  ctx.truth = std::vector<double>{0.1, 0.3, 0.45};
  ctx.duration = duration_model(4.0, 28.0);
  const std::int64_t planned = 18;
  OcAccumulator acc(3, planned);
  std::vector<WeightedTrial> weighted;
  for (const T& t : distinct) {
    TrialRow row;
    row.selected_dose = t.selected;
    row.n_cohorts = t.cohorts;
    row.n_per_dose = t.n;
    row.dlt_per_dose = t.y;
    for (std::size_t d = 0; d < 3; ++d) {
      row.n_patients += t.n[d];
      row.n_dlts += t.y[d];
    }
    for (int k = 0; k < t.copies; ++k) acc.add(row);
    weighted.push_back({t.copies / 10.0, t.selected, t.cohorts, t.n, t.y});
  }
  ScoringTarget target;
  target.target = 0.3;
  const DesignOc sim = design_oc_from_sums("d", "boin", target, acc.sums(), ctx);
  const DesignOc ex = exact_design_oc("d", "boin", target, weighted, planned, ctx);
  REQUIRE(sim.scored);
  REQUIRE(ex.scored);
  CHECK(ex.target_dose == sim.target_dose);
  for (const auto& m : oc_metrics()) {
    INFO(m.key);
    const Estimate& a = sim.*m.field;
    const Estimate& b = ex.*m.field;
    REQUIRE(a.available() == b.available());
    if (!a.available()) continue;
    CHECK(b.value == Approx(a.value).margin(1e-12));
    CHECK(b.se == 0.0);
  }
  for (std::size_t d = 0; d < 3; ++d) {
    INFO("dose " << d);
    CHECK(ex.doses[d].p_select.value == Approx(sim.doses[d].p_select.value).margin(1e-12));
    CHECK(ex.doses[d].mean_patients.value == Approx(sim.doses[d].mean_patients.value).margin(1e-12));
    CHECK(ex.doses[d].mean_dlts.value == Approx(sim.doses[d].mean_dlts.value).margin(1e-12));
    CHECK(ex.doses[d].acceptable == sim.doses[d].acceptable);
  }
}
