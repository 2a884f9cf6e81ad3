// [unit] BLRM + EWOC decision rules (blrm.hpp): EWOC, the escalation cap,
// skipping, stopping, MTD selection, mixture priors, option checks.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "design_drive.hpp"
#include "twinsim/trial/designs/blrm.hpp"

using namespace twinsim::trial;

namespace {

BlrmOptions six_doses() {
  BlrmOptions o;
  o.doses = {10, 20, 40, 80, 160, 320};
  o.reference_dose = 80;
  o.prior[0].mean_log_alpha = std::log(0.2 / 0.8);
  return o;
}

// The rule of blrm.hpp, applied to the summaries the decision reports.
int expected_next(const BlrmOptions& o, const BlrmDecision& d, const std::vector<int>& n) {
  int highest = -1;
  for (int i = 0; i < static_cast<int>(n.size()); ++i)
    if (n[static_cast<std::size_t>(i)] > 0) highest = i;
  int pick = -1;
  for (int i = 0; i < static_cast<int>(n.size()); ++i) {
    const auto& s = d.summaries[static_cast<std::size_t>(i)];
    const bool capped = o.doses[static_cast<std::size_t>(i)] > (1 + o.max_increase) * o.doses[static_cast<std::size_t>(highest)] * (1 + 1e-9);
    const bool skip = !o.allow_skipping && i > highest + 1;
    if (s.p_over < o.ewoc && !capped && !skip && (pick < 0 || s.p_target >= d.summaries[static_cast<std::size_t>(pick)].p_target))
      pick = i;
  }
  return pick;
}

}  // namespace

TEST_CASE("BLRM: no patients yet gives the start level", "[unit]") {
  BlrmOptions o = six_doses();
  o.start_level = 1;
  BlrmPosterior post(o);
  const auto d = blrm_decide(post, std::vector<int>(6, 0), std::vector<int>(6, 0));
  CHECK(d.action == BlrmAction::kContinue);
  CHECK(d.next_level == 1);
}

TEST_CASE("BLRM: the escalation cap binds a safe, better-targeted dose", "[unit]") {
  BlrmOptions o = six_doses();
  BlrmPosterior post(o);
  const std::vector<int> n = {3, 0, 0, 0, 0, 0}, y = {0, 0, 0, 0, 0, 0};
  const auto d = blrm_decide(post, n, y);
  // Level 2 (40) satisfies EWOC and has a larger P(target) than level 1 (20),
  // but 40 > 2 x 10: the cap (+100 %) holds the next cohort at 20.
  REQUIRE(d.summaries[2].p_over < o.ewoc);
  REQUIRE(d.summaries[2].p_target > d.summaries[1].p_target);
  CHECK(d.action == BlrmAction::kContinue);
  CHECK(d.next_level == 1);
  CHECK(d.next_level == expected_next(o, d, n));
  // A cap of +300 % lets it go to 40.
  o.max_increase = 3.0;
  BlrmPosterior wide(o);
  const auto w = blrm_decide(wide, n, y);
  CHECK(w.next_level == expected_next(o, w, n));
  CHECK(w.next_level == 2);
}

TEST_CASE("BLRM: without skipping, at most one level above the highest given", "[unit]") {
  BlrmOptions o = six_doses();
  o.doses = {10, 12, 14, 16, 18, 20};  // all within the +100 % cap of 10
  o.reference_dose = 16;
  const std::vector<int> n = {3, 0, 0, 0, 0, 0}, y = {0, 0, 0, 0, 0, 0};
  BlrmPosterior skip(o);
  const auto s = blrm_decide(skip, n, y);
  CHECK(s.next_level == expected_next(o, s, n));
  REQUIRE(s.next_level > 1);
  o.allow_skipping = false;
  BlrmPosterior noskip(o);
  const auto t = blrm_decide(noskip, n, y);
  CHECK(t.next_level == 1);
}

TEST_CASE("BLRM: EWOC excludes doses with P(overdosing) >= 0.25", "[unit]") {
  BlrmOptions o = six_doses();
  BlrmPosterior post(o);
  const std::vector<int> n = {3, 3, 3, 0, 0, 0}, y = {0, 0, 2, 0, 0, 0};
  const auto d = blrm_decide(post, n, y);
  // 2/3 at 40: level 2 has the largest P(target) but fails EWOC.
  REQUIRE(d.summaries[2].p_over >= o.ewoc);
  REQUIRE(d.summaries[2].p_target > d.summaries[1].p_target);
  CHECK(d.next_level == 1);
  CHECK(d.next_level == expected_next(o, d, n));
  for (int i = 0; i < 6; ++i)
    if (d.summaries[static_cast<std::size_t>(i)].p_over >= o.ewoc) CHECK(d.next_level != i);
  // A laxer EWOC admits it.
  o.ewoc = 0.45;
  BlrmPosterior lax(o);
  CHECK(blrm_decide(lax, n, y).next_level == 2);
}

TEST_CASE("BLRM: safety stop when no level satisfies EWOC", "[unit]") {
  BlrmPosterior post(six_doses());
  const auto d = blrm_decide(post, {3, 0, 0, 0, 0, 0}, {3, 0, 0, 0, 0, 0});
  CHECK(d.summaries[0].p_over >= 0.25);
  CHECK(d.action == BlrmAction::kStopSafety);
  CHECK(d.next_level == -1);
  CHECK(d.mtd == -1);
}

TEST_CASE("BLRM: stop at >= 6 patients with P(target) >= 0.5, MTD the recommended dose", "[unit]") {
  BlrmOptions o = six_doses();
  BlrmPosterior post(o);
  const std::vector<int> n = {3, 3, 12, 3, 0, 0}, y = {0, 0, 3, 2, 0, 0};
  const auto d = blrm_decide(post, n, y);
  REQUIRE(d.summaries[2].p_target >= 0.5);
  CHECK(d.action == BlrmAction::kStopTarget);
  CHECK(d.mtd == 2);
  CHECK(d.next_level == -1);
  // Needing 15 patients there, the trial goes on at the same level.
  o.min_patients_at_mtd = 15;
  BlrmPosterior more(o);
  const auto m = blrm_decide(more, n, y);
  CHECK(m.action == BlrmAction::kContinue);
  CHECK(m.next_level == 2);
  // ... unless max_patients (21 treated) is reached: MTD by the same rule.
  o.max_patients = 21;
  BlrmPosterior capped(o);
  const auto c = blrm_decide(capped, n, y);
  CHECK(c.action == BlrmAction::kStopMaxN);
  CHECK(c.mtd == 2);
}

TEST_CASE("BLRM: a mixture of identical components is that component", "[unit]") {
  BlrmOptions one = six_doses(), two = six_doses();
  two.prior.push_back(two.prior[0]);
  two.prior[0].weight = 3.0;
  BlrmPosterior p1(one), p2(two);
  const std::vector<int> n = {3, 3, 6, 3, 0, 0}, y = {0, 0, 1, 2, 0, 0};
  p1.update(n, y);
  p2.update(n, y);
  CHECK(p2.component_weights()[0] == Approx(0.75).margin(1e-9));
  for (std::size_t d = 0; d < 6; ++d) {
    CHECK(p2.summaries()[d].p_over == Approx(p1.summaries()[d].p_over).margin(1e-9));
    CHECK(p2.summaries()[d].mean == Approx(p1.summaries()[d].mean).margin(1e-9));
  }
}

TEST_CASE("BLRM: a mixture's summaries are the posterior-weighted components'", "[unit]") {
  BlrmOptions a = six_doses(), b = six_doses(), mix = six_doses();
  b.prior[0].mean_log_alpha = std::log(0.5 / 0.5);
  b.prior[0].sd_log_alpha = 1.0;
  mix.prior = {a.prior[0], b.prior[0]};
  mix.prior[0].weight = 0.7;
  mix.prior[1].weight = 0.3;
  const std::vector<int> n = {3, 3, 6, 0, 0, 0}, y = {0, 0, 2, 0, 0, 0};
  BlrmPosterior pa(a), pb(b), pm(mix);
  pa.update(n, y);
  pb.update(n, y);
  pm.update(n, y);
  const double w = pm.component_weights()[0];
  // Data with DLTs at 40 favour the component with the higher DLT rate.
  CHECK(w < 0.7);
  for (std::size_t d = 0; d < 6; ++d) {
    CHECK(pm.summaries()[d].p_under == Approx(w * pa.summaries()[d].p_under + (1 - w) * pb.summaries()[d].p_under).margin(1e-9));
    CHECK(pm.cdf(d, 0.3) == Approx(w * pa.cdf(d, 0.3) + (1 - w) * pb.cdf(d, 0.3)).margin(1e-9));
  }
}

TEST_CASE("BLRM: summaries are deterministic and sum to one", "[unit]") {
  BlrmPosterior p(six_doses()), q(six_doses());
  const std::vector<int> n = {3, 6, 3, 0, 0, 0}, y = {0, 1, 1, 0, 0, 0};
  p.update(n, y);
  q.update({3, 0, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0});
  q.update(n, y);  // a reused posterior gives bit-identical results
  for (std::size_t d = 0; d < 6; ++d) {
    const auto& s = p.summaries()[d];
    CHECK(s.p_under + s.p_target + s.p_over == Approx(1.0).margin(1e-12));
    CHECK(s.p_over == q.summaries()[d].p_over);
    CHECK(s.mean == q.summaries()[d].mean);
  }
}

TEST_CASE("BLRM: bad options and counts name the key", "[unit]") {
  auto message = [](BlrmOptions o) {
    try {
      o.validate();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  BlrmOptions o = six_doses();
  CHECK(message(o).empty());
  o.doses[2] = 15;
  CHECK(message(o) == "doses[2]: must be above the level before it (got 15)");
  o = six_doses();
  o.prior[0].sd_log_beta = 0;
  CHECK(message(o) == "prior[0].sd_log_beta: must be > 0 (got 0)");
  o = six_doses();
  o.target_high = 0.1;
  CHECK(message(o) == "target_high: must be in (target_low, 1) (got 0.1)");
  o = six_doses();
  o.prior[0].correlation = 1;
  CHECK(message(o) == "prior[0].correlation: must be in (-1, 1) (got 1)");
  BlrmPosterior p(six_doses());
  CHECK_THROWS_WITH(p.update({3, 0, 0, 0, 0, 0}, {4, 0, 0, 0, 0, 0}),
                    "blrm: level 0: need 0 <= DLTs <= patients (got 4 of 3)");
  CHECK_THROWS_AS(p.update({3, 0}, {0, 0}), std::invalid_argument);
}

TEST_CASE("BLRM: cached summaries are bit-identical to a fresh update", "[unit]") {
  BlrmPosterior cached(six_doses());
  const std::vector<std::vector<int>> ns = {{3, 0, 0, 0, 0, 0}, {3, 3, 0, 0, 0, 0}, {3, 0, 0, 0, 0, 0}, {3, 3, 0, 0, 0, 0}};
  const std::vector<std::vector<int>> ys = {{0, 0, 0, 0, 0, 0}, {0, 1, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0}, {0, 1, 0, 0, 0, 0}};
  for (std::size_t i = 0; i < ns.size(); ++i) {
    const auto got = blrm_decide(cached, ns[i], ys[i]);
    BlrmPosterior fresh(six_doses());
    fresh.update(ns[i], ys[i]);
    for (std::size_t d = 0; d < 6; ++d) {
      CHECK(got.summaries[d].p_over == fresh.summaries()[d].p_over);
      CHECK(got.summaries[d].p_target == fresh.summaries()[d].p_target);
      CHECK(got.summaries[d].mean == fresh.summaries()[d].mean);
    }
  }
  CHECK(cached.cache_hits() == 2);
  // Bad counts are rejected whether or not the table is full.
  cached.cache_limit = 0;
  CHECK_THROWS_AS(cached.cached_summaries({3, 0, 0, 0, 0, 0}, {4, 0, 0, 0, 0, 0}), std::invalid_argument);
}

TEST_CASE("BLRM design: a trial run follows blrm_decide, cuts the last cohort and selects its MTD", "[unit]") {
  // Cohorts of 4 with at most 10 patients: the third cohort has 2.
  const auto design = twinsim::test::make_design(
      "type: blrm, reference_dose: 4, cohort_size: 4, max_patients: 10, start_dose: 1", 5);
  const auto& blrm = dynamic_cast<const Blrm&>(*design);
  twinsim::test::Driver t(*design, 5);
  REQUIRE(t.decision().dose == 1);
  const std::vector<int> dlts = {0, 1, 1};
  int expected_size = 4;
  for (std::size_t i = 0; i < dlts.size(); ++i) {
    const int dose = t.decision().dose;
    t.feed({dose, dlts[i], expected_size});
    const auto want = blrm.decide(t.data().n, t.data().dlt);
    if (want.action != BlrmAction::kContinue) {
      CHECK(t.decision().stop);
      CHECK(t.select() == want.mtd);
      CHECK(i == dlts.size() - 1);  // 4 + 4 + 2 patients: max_patients reached
      CHECK(want.action == BlrmAction::kStopMaxN);
      break;
    }
    REQUIRE_FALSE(t.decision().stop);
    CHECK(t.decision().dose == want.next_level);
    expected_size = std::min(4, 10 - t.data().total_patients);
  }
  CHECK(t.data().total_patients == 10);
}

TEST_CASE("BLRM design: stopped from outside, it selects by the MTD rule on all data", "[unit]") {
  const auto design = twinsim::test::make_design("type: blrm", 4);
  const auto& blrm = dynamic_cast<const Blrm&>(*design);
  twinsim::test::Driver t(*design, 4);
  t.feed({0, 0});
  REQUIRE_FALSE(t.decision().stop);
  const int mtd = blrm_select_mtd(blrm.options(), blrm.decide(t.data().n, t.data().dlt).summaries, t.data().n);
  CHECK(mtd == 0);  // the one tested level; 0/3 there satisfies EWOC
  CHECK(t.select() == mtd);
  // A workspace shared by two runs gives the same decisions as a fresh posterior.
  const auto ws = design->workspace();
  const auto fresh = blrm.decide({3, 3, 0, 0}, {0, 1, 0, 0});
  const auto pooled = blrm.decide({3, 3, 0, 0}, {0, 1, 0, 0}, ws.get());
  CHECK(pooled.next_level == fresh.next_level);
  CHECK(pooled.summaries[1].p_over == fresh.summaries[1].p_over);
}
