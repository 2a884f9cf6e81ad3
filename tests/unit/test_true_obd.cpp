// True utility and OBD of a utility-based design (oc_metrics.hpp true_obd) on
// hand cases: independence P(both) = P(T) P(E), ties to the lower dose, no
// admissible dose; and the OBD scoring of a design's sums (score_obd).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "twinsim/trial/results/oc_metrics.hpp"
#include "twinsim/trial/results/oc_report.hpp"

using namespace twinsim::trial;

TEST_CASE("true utility under independence and the true OBD", "[obd]") {
  const std::vector<double> pt{0.05, 0.20, 0.40}, pe{0.30, 0.50, 0.60};
  std::vector<double> both;
  for (std::size_t d = 0; d < pt.size(); ++d) both.push_back(pt[d] * pe[d]);
  const TrueObd t = true_obd(pt, pe, both, ObdRule{0.35, 0.25});
  REQUIRE(t.scored);
  // Dose 2 by hand: E,noT 0.4, neither 0.4, both 0.1, T,noE 0.1 -> 40 + 16 + 6 + 0 = 62.
  CHECK(t.utility[1] == Approx(62.0).margin(1e-12));
  // Dose 1: 0.285*100 + 0.665*40 + 0.015*60 = 28.5 + 26.6 + 0.9 = 56.
  CHECK(t.utility[0] == Approx(56.0).margin(1e-12));
  CHECK(!t.admissible[2]);  // P(T) 0.4 > 0.35
  CHECK(t.obd == 1);
}

TEST_CASE("true OBD: ties go to the lower dose, none admissible selects no dose", "[obd]") {
  const std::vector<double> pt{0.1, 0.1}, pe{0.5, 0.5}, both{0.05, 0.05};
  CHECK(true_obd(pt, pe, both, ObdRule{0.35, 0.25}).obd == 0);
  const std::vector<double> low_e{0.1, 0.2};
  const TrueObd none = true_obd(pt, low_e, {0.01, 0.02}, ObdRule{0.35, 0.25});
  CHECK(none.scored);
  CHECK(none.obd == -1);
  const std::vector<double> nan{0.1, std::nan("")};
  CHECK(!true_obd(nan, pe, both, ObdRule{}).scored);
}

TEST_CASE("an OBD design's PCS counts selections of the true OBD, not of the MTD", "[obd]") {
  OcContext ctx;
  ctx.dose_levels = {1, 2, 3};
  ctx.truth = std::vector<double>{0.1, 0.2, 0.35};
  TrialSums s(3);
  s.trials = 10;
  s.selected = {1, 2, 4, 3};  // none, dose 1, dose 2, dose 3
  s.per_dose = false;
  ScoringTarget t;
  t.target = 0.35;
  t.objective = DesignObjective::obd;
  t.obd_dose = 1;
  t.true_utility = {50.0, 60.0, 40.0};
  const DesignOc oc = design_oc_from_sums("b", "boin12", t, s, ctx);
  CHECK(oc.target_dose == 2);  // the MTD
  CHECK(oc.pcs.value == Approx(0.4));
  // Expected utility: (2*50 + 4*60 + 3*40 + 1*0) / 10 = 46; SE from the 10 values.
  CHECK(oc.expected_utility.value == Approx(46.0));
  const double ss = 2 * 16 + 4 * 196 + 3 * 36 + 1 * 2116;
  CHECK(oc.expected_utility.se == Approx(std::sqrt(ss / 9.0 / 10.0)));
  ScoringTarget m = t;
  m.objective = DesignObjective::mtd;
  CHECK(design_oc_from_sums("b", "boin", m, s, ctx).pcs.value == Approx(0.3));
}

namespace {
// R trials of two designs on D doses, drawn at random: per trial a selection
// (-1 none) and patients per dose.
struct PairedTrials {
  std::vector<TrialValues> a, b;
};
PairedTrials random_trials(std::size_t R, std::size_t D, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> sel(-1, static_cast<int>(D) - 1), n(0, 6);
  PairedTrials t;
  for (std::size_t r = 0; r < R; ++r)
    for (auto* v : {&t.a, &t.b}) {
      TrialValues x;
      x.selected = sel(rng);
      x.patients.assign(D, 0);
      x.dlts.assign(D, 0);
      for (std::size_t d = 0; d < D; ++d) {
        x.patients[d] = n(rng);
        x.n_patients += x.patients[d];
        if (x.patients[d] > 0) x.doses_used.push_back(d);
      }
      x.n_cohorts = 1;
      v->push_back(x);
    }
  return t;
}
// Mean and SE (sd / sqrt(R)) of per-trial values, computed directly.
std::pair<double, double> mean_se(const std::vector<double>& x) {
  double m = 0, ss = 0;
  for (double v : x) m += v;
  m /= static_cast<double>(x.size());
  for (double v : x) ss += (v - m) * (v - m);
  return {m, std::sqrt(ss / static_cast<double>(x.size() - 1) / static_cast<double>(x.size()))};
}
}  // namespace

TEST_CASE("paired differences of the OBD OCs equal the per-trial differences computed directly", "[obd]") {
  const std::size_t R = 60, D = 3;
  const PairedTrials t = random_trials(R, D, 7);
  OcReport rep;
  rep.path = "f.h5";
  rep.dose_levels = {1, 2, 3};
  rep.truth = std::vector<double>{0.1, 0.2, 0.35};
  ScoringTarget target;
  target.target = 0.35;
  target.objective = DesignObjective::obd;
  target.obd_dose = 1;
  target.true_utility = {50.0, 60.0, 40.0};
  TrialSums sa(D), sb(D);
  PairSums pair(pair_key(rep.path, "b"), D, D);
  for (std::size_t r = 0; r < R; ++r) {
    add_trial(sa, t.a[r]);
    add_trial(sb, t.b[r]);
    add_pair(pair, t.a[r], t.b[r], -1, -1);
  }
  rep.designs.push_back(design_oc_from_sums("b", "boin12", target, sb, rep));
  rep.designs.push_back(design_oc_from_sums("a", "boin12", target, sa, rep));
  rep.designs[1].with_reference = pair;
  const Comparison c = compare_reports({rep});
  REQUIRE(c.differences.size() == 1);
  const DesignDifference& d = c.differences[0];
  REQUIRE(d.paired);

  // Utility of each trial's selection, a minus b.
  auto u = [&](std::int64_t s) { return s < 0 ? 0.0 : target.true_utility[static_cast<std::size_t>(s)]; };
  std::vector<double> du;
  for (std::size_t r = 0; r < R; ++r) du.push_back(u(t.a[r].selected) - u(t.b[r].selected));
  const auto [mu, seu] = mean_se(du);
  CHECK(d.expected_utility.value == Approx(mu).epsilon(1e-12));
  CHECK(d.expected_utility.se == Approx(seu).epsilon(1e-9));

  // Share treated at the OBD: ratio of sums q = Σ at / Σ n per design, linearised
  // per trial as z_r = (at_r - q n_r) / n̄ (+ q).
  auto z = [&](const std::vector<TrialValues>& v) {
    double at = 0, n = 0;
    for (const auto& x : v) {
      at += static_cast<double>(x.patients[1]);
      n += static_cast<double>(x.n_patients);
    }
    const double q = at / n, n_bar = n / static_cast<double>(R);
    std::vector<double> out;
    for (const auto& x : v) out.push_back(q + (static_cast<double>(x.patients[1]) - q * static_cast<double>(x.n_patients)) / n_bar);
    return std::make_pair(q, out);
  };
  const auto [qa, za] = z(t.a);
  const auto [qb, zb] = z(t.b);
  std::vector<double> dz;
  for (std::size_t r = 0; r < R; ++r) dz.push_back(za[r] - zb[r]);
  CHECK(d.p_treated_at_obd.value == Approx(qa - qb).epsilon(1e-12));
  CHECK(d.p_treated_at_obd.se == Approx(mean_se(dz).second).epsilon(1e-9));
  CHECK(rep.designs[1].p_treated_at_obd.se == Approx(mean_se(za).second).epsilon(1e-9));

  // Other utilities: the OBD OCs measure different things and are not compared.
  OcReport other = rep;
  other.designs[1].true_utility = {50.0, 60.0, 70.0};
  const Comparison c2 = compare_reports({other});
  CHECK(!c2.differences[0].expected_utility.available());
  CHECK(!c2.differences[0].p_treated_at_obd.available());
  CHECK(c2.differences[0].not_comparable == "OBD OCs scored against different true OBDs or utilities");
}
