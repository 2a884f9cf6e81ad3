// Clinical endpoints on hand-written series (trial_sim/endpoints/src/*.cpp and
// the per-cycle exposure window of pkpd/src/exposure.cpp):
//  - CTCAE v5.0 "Neutrophil count decreased" (NCI, 2017): grade 1 < LLN - 1.5,
//    grade 2 < 1.5 - 1.0, grade 3 < 1.0 - 0.5, grade 4 < 0.5 x10^9/L; each
//    boundary value belongs to the milder grade.
//  - DLT rule: an episode must start inside the window and may last beyond it;
//    its duration is (last - first) qualifying sample time.
//  - RECIST 1.1 (Eisenhauer et al. 2009, Eur J Cancer 45:228-247), target
//    lesions: CR disappearance; PR >= 30 % decrease from baseline SLD; PD
//    >= 20 % increase over the smallest SLD on study (baseline included) AND
//    >= 5 mm absolute; SD otherwise. Confirmation of CR/PR by a repeat
//    assessment >= 4 weeks later.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "twinsim/pkpd/exposure.hpp"
#include "twinsim/trial/endpoints/ctcae.hpp"
#include "twinsim/trial/endpoints/dlt_rule.hpp"
#include "twinsim/trial/endpoints/recist.hpp"

using twinsim::trial::DltCriterion;
using twinsim::trial::DltResult;
using twinsim::trial::DltRule;
using twinsim::trial::evaluate_dlt;
using twinsim::trial::evaluate_recist;
using twinsim::trial::neutropenia_grade;
using twinsim::trial::RecistOptions;
using twinsim::trial::RecistResult;
using twinsim::trial::Response;
using twinsim::trial::summarize_neutropenia;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// The largest double below x.
double below(double x) { return std::nextafter(x, -1.0); }

// Hourly grid 0..n h.
std::vector<double> hours(int n) {
  std::vector<double> t;
  for (int i = 0; i <= n; ++i) t.push_back(i);
  return t;
}

// ANC 3.0 (grade 0 with the default LLN 2.0) except `value` on each [from, to] interval (h).
struct Episode {
  double from, to, value;
};
std::vector<double> anc_series(const std::vector<double>& t, const std::vector<Episode>& episodes) {
  std::vector<double> v(t.size(), 3.0);
  for (std::size_t i = 0; i < t.size(); ++i)
    for (const auto& e : episodes)
      if (t[i] >= e.from && t[i] <= e.to) v[i] = e.value;
  return v;
}

DltRule grade4_rule(double min_duration_h, double window_end_h = 504.0) {
  DltRule r;
  DltCriterion c;
  c.kind = DltCriterion::Kind::kNeutropeniaGrade;
  c.grade = 4;
  c.min_duration_h = min_duration_h;
  r.criteria = {c};
  r.window_end_h = window_end_h;
  return r;
}

DltResult dlt_of(const DltRule& rule, const std::vector<double>& t, const std::vector<double>& anc) {
  return evaluate_dlt(rule, t, {&anc});
}

RecistResult recist(double baseline, const std::vector<double>& times, const std::vector<double>& sld,
                    RecistOptions opt = {}) {
  return evaluate_recist(baseline, times, sld, opt);
}

// Assessments every 6 weeks.
std::vector<double> visits(int n, double every_h = 1008.0) {
  std::vector<double> t;
  for (int k = 1; k <= n; ++k) t.push_back(k * every_h);
  return t;
}

}  // namespace

// ---------------------------------------------------------------------------
TEST_CASE("CTCAE v5 neutropenia grade: boundaries belong to the milder grade", "[unit]") {
  CHECK(neutropenia_grade(0.0) == 4);
  CHECK(neutropenia_grade(below(0.5)) == 4);
  CHECK(neutropenia_grade(0.5) == 3);
  CHECK(neutropenia_grade(below(1.0)) == 3);
  CHECK(neutropenia_grade(1.0) == 2);
  CHECK(neutropenia_grade(below(1.5)) == 2);
  CHECK(neutropenia_grade(1.5) == 1);
  CHECK(neutropenia_grade(below(2.0)) == 1);  // default LLN 2.0 x10^9/L
  CHECK(neutropenia_grade(2.0) == 0);
  CHECK(neutropenia_grade(7.5) == 0);
  // A laboratory-specific LLN moves only the grade 0/1 boundary.
  CHECK(neutropenia_grade(1.7, 1.8) == 1);
  CHECK(neutropenia_grade(1.8, 1.8) == 0);
  CHECK(neutropenia_grade(1.7, 1.6) == 0);
  CHECK(neutropenia_grade(1.49, 1.6) == 2);
  CHECK(neutropenia_grade(0.49, 3.0) == 4);
  // A failed solve (NaN) has no grade.
  CHECK(neutropenia_grade(kNaN) == -1);
}

TEST_CASE("neutropenia summary: nadir, its time, worst grade, recovery to >= 1.5", "[unit]") {
  const std::vector<double> t = {0, 24, 48, 72, 96, 120, 144, 168, 192, 216, 240};
  const std::vector<double> anc = {5, 4, 2, 0.8, 0.4, 0.3, 0.6, 1.2, 1.4, 1.8, 2.5};
  const auto s = summarize_neutropenia(t, anc);
  CHECK(s.nadir == 0.3);
  CHECK(s.nadir_time_h == 120);
  CHECK(s.worst_grade == 4);
  // 1.5 is crossed between 192 h (1.4) and 216 h (1.8), a quarter of the way:
  // 198 h, i.e. 78 h after the nadir.
  CHECK(s.recovery_h == Approx(78.0).epsilon(1e-12));

  // Ties: the first time at the minimum is the nadir time.
  const auto tie = summarize_neutropenia({0, 1, 2, 3}, {3, 1.2, 1.2, 2});
  CHECK(tie.nadir_time_h == 1);
  CHECK(tie.worst_grade == 2);
  CHECK(tie.recovery_h == Approx(2 + 0.3 / 0.8 - 1).epsilon(1e-12));
  // A grade-1 nadir has no recovery time; neither has an unrecovered course.
  CHECK(std::isnan(summarize_neutropenia({0, 1, 2}, {3, 1.7, 2.5}).recovery_h));
  CHECK(summarize_neutropenia({0, 1, 2}, {3, 1.7, 2.5}).worst_grade == 1);
  CHECK(std::isnan(summarize_neutropenia({0, 1, 2}, {3, 0.7, 1.4}).recovery_h));
  CHECK(summarize_neutropenia({0, 1, 2}, {3, 0.7, 1.4}).worst_grade == 3);
}

// ---------------------------------------------------------------------------
TEST_CASE("DLT rule: minimum duration resolved to the grid (shorter: no DLT, exactly: DLT)", "[unit]") {
  const auto t = hours(1000);
  const DltRule rule = grade4_rule(120.0);
  // Grade 4 on [200, 319]: 119 h between the first and last qualifying sample.
  const DltResult short_ep = dlt_of(rule, t, anc_series(t, {{200, 319, 0.3}}));
  CHECK_FALSE(short_ep.dlt);
  CHECK(std::isnan(short_ep.time_h));
  // Grade 4 on [200, 320]: exactly 120 h. DLT with onset 200 h.
  const DltResult exact = dlt_of(rule, t, anc_series(t, {{200, 320, 0.3}}));
  CHECK(exact.dlt);
  CHECK(exact.time_h == 200);
  // Grade 3 (0.5 is grade 3) for a long time is not grade 4.
  CHECK_FALSE(dlt_of(rule, t, anc_series(t, {{100, 400, 0.5}})).dlt);
  // Two grade-4 episodes each shorter than 120 h do not add up.
  CHECK_FALSE(dlt_of(rule, t, anc_series(t, {{100, 190, 0.3}, {192, 300, 0.3}})).dlt);
  // min_duration 0: any single qualifying sample.
  const DltResult one = dlt_of(grade4_rule(0.0), t, anc_series(t, {{250, 250, 0.49}}));
  CHECK(one.dlt);
  CHECK(one.time_h == 250);
  // NaN (failed solve) never qualifies.
  std::vector<double> nan_series(t.size(), kNaN);
  CHECK_FALSE(dlt_of(grade4_rule(0.0), t, nan_series).dlt);
}

TEST_CASE("DLT rule: episode must start in the window and may last beyond it, onset recorded", "[unit]") {
  const auto t = hours(1000);
  const DltRule rule = grade4_rule(120.0, 504.0);
  // Starts on day 21 minus 4 h, lasts 200 h: counts (onset inside the window).
  const DltResult late = dlt_of(rule, t, anc_series(t, {{500, 700, 0.2}}));
  CHECK(late.dlt);
  CHECK(late.time_h == 500);
  // Starts exactly at the (inclusive) end of the window: counts.
  const DltResult edge = dlt_of(rule, t, anc_series(t, {{504, 700, 0.2}}));
  CHECK(edge.dlt);
  CHECK(edge.time_h == 504);
  // Starts one grid step after the window: does not count.
  CHECK_FALSE(dlt_of(rule, t, anc_series(t, {{505, 900, 0.2}})).dlt);
  // The onset of the first QUALIFYING episode is recorded, not of an earlier
  // short one.
  const DltResult second = dlt_of(rule, t, anc_series(t, {{100, 150, 0.3}, {300, 450, 0.3}}));
  CHECK(second.dlt);
  CHECK(second.time_h == 300);
}

TEST_CASE("DLT rule: several criteria, threshold criteria, earliest onset wins", "[unit]") {
  const auto t = hours(600);
  DltRule rule = grade4_rule(48.0);
  DltCriterion above;
  above.kind = DltCriterion::Kind::kAbove;
  above.variable = "E";
  above.threshold = 10.0;
  above.min_duration_h = 0.0;
  DltCriterion below_c;
  below_c.kind = DltCriterion::Kind::kBelow;
  below_c.variable = "R";
  below_c.threshold = 2.0;
  below_c.min_duration_h = 24.0;
  rule.criteria.push_back(above);
  rule.criteria.push_back(below_c);
  const std::vector<double> anc = anc_series(t, {{300, 400, 0.3}});
  std::vector<double> e(t.size(), 5.0), r(t.size(), 3.0);
  // E reaches exactly 10 at 100 h (not above) and 10.5 at 250 h (above).
  e[100] = 10.0;
  e[250] = 10.5;
  // R below 2 on [150, 173]: 23 h, too short.
  for (int i = 150; i <= 173; ++i) r[static_cast<std::size_t>(i)] = 1.0;
  DltResult d = evaluate_dlt(rule, t, {&anc, &e, &r});
  CHECK(d.dlt);
  CHECK(d.time_h == 250);
  // Lengthen the R episode to [150, 174] (24 h): it now qualifies first.
  r[174] = 1.0;
  d = evaluate_dlt(rule, t, {&anc, &e, &r});
  CHECK(d.dlt);
  CHECK(d.time_h == 150);
}

// ---------------------------------------------------------------------------
TEST_CASE("RECIST 1.1: CR, PR, SD, PD per visit and best response", "[unit]") {
  SECTION("CR: disappearance; best CR") {
    const auto r = recist(50, visits(2), {20, 0});
    REQUIRE(r.per_visit.size() == 2);
    CHECK(r.per_visit[0] == Response::kPR);
    CHECK(r.per_visit[1] == Response::kCR);
    CHECK(r.best == Response::kCR);
    CHECK(r.objective_response);
    CHECK_FALSE(r.progressed);
    CHECK(std::isnan(r.ttp_h));
  }
  SECTION("CR threshold option: SLD <= cr_below_mm counts as CR") {
    RecistOptions o;
    o.cr_below_mm = 10.0;
    const auto r = recist(40, visits(2), {10, 10.5}, o);
    CHECK(r.per_visit[0] == Response::kCR);
    CHECK(r.per_visit[1] == Response::kPR);  // 10.5 mm: +0.5 mm, not PD; -74 %: PR
    CHECK(r.best == Response::kCR);
  }
  SECTION("PR: exactly -30 % is PR, less is SD") {
    CHECK(recist(100, visits(1), {70}).per_visit[0] == Response::kPR);
    CHECK(recist(100, visits(1), {70.1}).per_visit[0] == Response::kSD);
    const auto r = recist(100, visits(3), {80, 65, 69});
    CHECK(r.per_visit[0] == Response::kSD);
    CHECK(r.per_visit[1] == Response::kPR);
    CHECK(r.per_visit[2] == Response::kPR);  // +4 mm over the nadir: not PD
    CHECK(r.best == Response::kPR);
    CHECK(r.objective_response);
  }
  SECTION("SD: neither 30 % down nor 20 % and 5 mm up") {
    const auto r = recist(100, visits(3), {95, 105, 113});  // 113 - 95 = 18 < 19 (20 % of the nadir)
    for (auto v : r.per_visit) CHECK(v == Response::kSD);
    CHECK(r.best == Response::kSD);
    CHECK_FALSE(r.objective_response);
    CHECK_FALSE(r.progressed);
  }
  SECTION("PD: exactly +20 % and >= 5 mm over the nadir; progression stops the evaluation") {
    const auto r = recist(50, visits(3), {60, 40, 30});
    REQUIRE(r.per_visit.size() == 1);  // no visit after progression is read
    CHECK(r.per_visit[0] == Response::kPD);
    CHECK(r.best == Response::kPD);
    CHECK(r.progressed);
    CHECK(r.ttp_h == 1008);
    CHECK(recist(50, visits(1), {below(60)}).per_visit[0] == Response::kSD);
  }
  SECTION("no assessments: not evaluable") {
    const auto r = recist(50, {}, {});
    CHECK(r.best == Response::kNotEvaluable);
    CHECK_FALSE(r.progressed);
  }
}

TEST_CASE("RECIST 1.1: the 5 mm absolute rule and PD measured from the nadir", "[unit]") {
  SECTION("nadir 10 mm -> 12.5 mm: +25 % but only 2.5 mm, not PD") {
    const auto r = recist(20, visits(3), {10, 12.5, 15});
    REQUIRE(r.per_visit.size() == 3);
    CHECK(r.per_visit[0] == Response::kPR);
    CHECK(r.per_visit[1] == Response::kPR);  // 12.5 <= 0.7 * 20: still PR by baseline
    // 15 mm: +50 % and exactly 5 mm over the nadir: PD.
    CHECK(r.per_visit[2] == Response::kPD);
    CHECK(r.progressed);
    CHECK(r.ttp_h == 3024);
    CHECK(r.best == Response::kPR);
  }
  SECTION("small lesions: +40 % but 4 mm is never PD") {
    const auto r = recist(10, visits(2), {10, 14});
    CHECK(r.per_visit[1] == Response::kSD);
    CHECK_FALSE(r.progressed);
  }
  SECTION("PD from the nadir while still below baseline") {
    // Baseline 100, nadir 50 (PR), then 61: 39 % below baseline (PR range) but
    // +22 % and +11 mm over the nadir: PD.
    const auto r = recist(100, visits(3), {50, 61, 40});
    REQUIRE(r.per_visit.size() == 2);
    CHECK(r.per_visit[0] == Response::kPR);
    CHECK(r.per_visit[1] == Response::kPD);
    CHECK(r.ttp_h == 2016);
    CHECK(r.best == Response::kPR);
    CHECK(r.objective_response);
  }
  SECTION("baseline is the nadir when nothing shrank") {
    const auto r = recist(100, visits(2), {105, 120});
    CHECK(r.per_visit[0] == Response::kSD);
    CHECK(r.per_visit[1] == Response::kPD);
    CHECK(r.best == Response::kSD);
  }
}

TEST_CASE("RECIST 1.1 confirmation: repeat assessment >= confirmation_min_h later", "[unit]") {
  RecistOptions conf;
  conf.confirmation = true;  // default confirmation_min_h = 672 h (4 weeks)
  REQUIRE(conf.confirmation_min_h == 672.0);
  SECTION("confirmed PR stays PR") {
    const auto r = recist(100, visits(2), {60, 62}, conf);
    CHECK(r.best == Response::kPR);
    CHECK(r.objective_response);
  }
  SECTION("PR confirmed by a later CR is PR; the CR itself needs confirmation") {
    const auto r = recist(100, visits(2), {60, 0}, conf);
    CHECK(r.best == Response::kPR);
  }
  SECTION("unconfirmed PR counts as SD") {
    const auto r = recist(100, visits(2), {60, 71}, conf);  // +11 mm < 20 % of 60: SD
    CHECK(r.per_visit[0] == Response::kPR);
    CHECK(r.per_visit[1] == Response::kSD);
    CHECK(r.best == Response::kSD);
    CHECK_FALSE(r.objective_response);
    // Without confirmation the same sequence is a PR.
    CHECK(recist(100, visits(2), {60, 71}).best == Response::kPR);
  }
  SECTION("PR followed by PD: unconfirmed, SD before progression") {
    const auto r = recist(100, visits(2), {60, 80}, conf);
    CHECK(r.per_visit[1] == Response::kPD);
    CHECK(r.best == Response::kSD);
    CHECK(r.progressed);
  }
  SECTION("confirmation window too short: visits 2 weeks apart do not confirm") {
    // Visits every 336 h: the PR at 336 h is seen again at 672 h (only 336 h
    // later) and not at 1008 h (SD), so nothing is confirmed.
    const auto r = recist(100, visits(3, 336.0), {60, 65, 71}, conf);
    CHECK(r.per_visit[0] == Response::kPR);
    CHECK(r.per_visit[1] == Response::kPR);
    CHECK(r.per_visit[2] == Response::kSD);
    CHECK(r.best == Response::kSD);
    // One more PR visit at 1344 h confirms the 336 h and 672 h PRs (>= 672 h later).
    CHECK(recist(100, visits(4, 336.0), {60, 65, 71, 66}, conf).best == Response::kPR);
    // Exactly confirmation_min_h later is enough.
    CHECK(recist(100, {336.0, 1008.0}, {60, 65}, conf).best == Response::kPR);
    CHECK(recist(100, {336.0, below(1008.0)}, {60, 65}, conf).best == Response::kSD);
  }
  SECTION("confirmed CR; CR seen again only as PR is a PR") {
    CHECK(recist(50, visits(2), {0, 0}, conf).best == Response::kCR);
    // CR, then 3 mm (+3 mm over a nadir of 0: not PD; PR by baseline).
    const auto r = recist(50, visits(2), {0, 3}, conf);
    CHECK(r.per_visit[1] == Response::kPR);
    CHECK(r.best == Response::kPR);
  }
  SECTION("time to progression is the first PD visit") {
    const auto r = recist(100, visits(4), {60, 62, 55, 70}, conf);
    CHECK(r.progressed);
    CHECK(r.ttp_h == 4032);
    CHECK(r.best == Response::kPR);
  }
}

// ---------------------------------------------------------------------------
// Per-cycle exposure from a trace of Cc and AUC (pkpd::window_exposure): AUC is
// the difference of the AUC state, Cmax/Tmax the largest point, Cmin the
// minimum after the window's first input, time above a threshold from the
// gaps between points (linear interpolation where a gap straddles it without
// a crossing point). The exact traces the simulator records are validated in
// tests/validation/test_exact_exposure.cpp.
namespace {
// Samples (t ascending; a pre/post-input pair shares a time) as a trace.
twinsim::pkpd::ExposureTrace trace_of(const std::vector<double>& t, const std::vector<double>& c,
                                      const std::vector<double>& auc) {
  twinsim::pkpd::ExposureTrace tr;
  for (std::size_t i = 0; i < t.size(); ++i) tr.push(t[i], c[i], c[i], auc[i]);
  return tr;
}
}  // namespace

TEST_CASE("exposure window: AUC difference, Cmax/Tmax, Cmin after the first input, time above threshold", "[unit]") {
  // One oral-like cycle: samples at 0 (pre- and post-dose), then hourly.
  const auto tr = trace_of({0, 0, 1, 2, 3, 4, 5, 6}, {0, 0, 4, 6, 5, 3, 2, 1}, {0, 0, 2, 7, 12.5, 16.5, 19, 20.5});
  const auto w = twinsim::pkpd::window_exposure(tr, 0.0, 6.0, 3.5);
  CHECK(w.auc == 20.5);
  CHECK(w.cmax == 6);
  CHECK(w.tmax == 2);
  CHECK(w.cmin == 0);  // the post-dose sample at 0 (oral: still 0)
  // Above 3.5: from 0.875 h (4 at 1 h, 0 at 0 h) to 3.75 h (5 -> 3): 2.875 h.
  CHECK(w.time_above_h == Approx(2.875).epsilon(1e-12));
  // threshold <= 0: not computed.
  CHECK(std::isnan(twinsim::pkpd::window_exposure(tr, 0.0, 6.0, 0.0).time_above_h));
  // A window with no points is all NaN.
  CHECK(std::isnan(twinsim::pkpd::window_exposure(tr, 10.0, 20.0, 1.0).auc));
}

// Cycle 1 of an IV bolus regimen whose next cycle starts with a bolus exactly
// at the end of the window: the samples at the boundary are the pre-dose one
// (cycle 1) and the post-dose one (cycle 2's first peak). Cycle 1's Cmax must
// not include cycle 2's peak (it did once: the window was closed at its end and
// took the post-dose sample, reporting Cmax 12.5 at 24 h instead of 10 at 0 h).
TEST_CASE("exposure window: the next cycle's first bolus is not in this cycle's Cmax", "[unit]") {
  const auto tr = trace_of({0, 0, 12, 24, 24, 36, 48}, {0, 10, 5, 2.5, 12.5, 6.25, 3.125},
                           {0, 0, 86.6, 129.9, 129.9, 238.1, 292.2});
  const auto w1 = twinsim::pkpd::window_exposure(tr, 0.0, 24.0, 0.0);
  CHECK(w1.cmax == 10);
  CHECK(w1.tmax == 0);
  CHECK(w1.auc == 129.9);
  const auto w2 = twinsim::pkpd::window_exposure(tr, 24.0, 48.0, 0.0);
  CHECK(w2.cmax == 12.5);
  CHECK(w2.tmax == 24);
}
