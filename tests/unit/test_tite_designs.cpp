// [unit] TITE-CRM and TITE-BOIN: pending patients, weights and STFT, the
// suspension rule, decisions on hand-made histories, and the runner's accrual
// process (arrival days, Poisson gaps from the patient's stream, duration,
// DLT onsets, thread independence).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "twinsim/core/rng.hpp"
#include "twinsim/trial/designs/designs.hpp"
#include "twinsim/trial/designs/tite_boin.hpp"
#include "twinsim/trial/designs/tite_crm.hpp"
#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/runner/runner.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

using namespace twinsim;
using trial::EnrolledPatient;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

EnrolledPatient patient(int dose, double enrolled, bool dlt = false, double dlt_day = kNaN) {
  EnrolledPatient p;
  p.dose = dose;
  p.enrolled_day = enrolled;
  p.dlt = dlt;
  p.dlt_day = dlt_day;
  return p;
}

// A design-only scenario with accrual (fixed gaps of 7 days unless poisson)
// and one design given as a YAML flow map body.
trial::Scenario scenario(const std::string& design, const std::vector<double>& p, bool poisson = false,
                         double window = 56) {
  std::string levels, probs;
  for (std::size_t i = 0; i < p.size(); ++i) {
    levels += (i ? ", " : "") + std::to_string(i + 1);
    probs += (i ? ", " : "") + core::format_number(p[i]);
  }
  const std::string text = "name: unit\nseed: 5\ndose_levels: [" + levels + "]\ntoxicity:\n  true_dlt_probabilities: [" +
                           probs + "]\naccrual: {patients_per_month: 4.348214285714286, dlt_window_days: " +
                           core::format_number(window) + (poisson ? ", arrivals: poisson" : "") +
                           "}\ndesigns:\n  - {name: d, " + design + "}\n";
  return trial::load_scenario_text(text, "unit.yaml");
}

struct Trial {
  trial::TrialRow row;
  std::vector<trial::PatientRow> patients;
};

std::vector<Trial> run(const trial::Scenario& s, int threads, std::int64_t trials) {
  const trial::TruthPatientModel model(s.seed, *s.true_dlt_probabilities);
  trial::DesignRunner runner(*s.designs.at(0).design, model, s.dose_levels.size(), threads, false, true);
  runner.set_trial_clock(trial::trial_clock(s));
  runner.set_accrual_process({s.seed, s.accrual->poisson});
  trial::ResultBlock b;
  runner.run_block(0, trials, b);
  std::vector<Trial> out(static_cast<std::size_t>(trials));
  for (std::size_t i = 0; i < out.size(); ++i) out[i].row = b.trials[i];
  for (const auto& p : b.patients) out[static_cast<std::size_t>(p.trial)].patients.push_back(p);
  return out;
}

}  // namespace

TEST_CASE("TITE pending, DLT seen and resolution day of hand-made patients", "[unit][tite]") {
  const double W = 28;
  const auto pending = patient(0, 10);                 // no DLT, day 10
  const auto late_dlt = patient(0, 0, true, 20);       // DLT onset on day 20
  const auto no_onset = patient(0, 5, true);           // DLT without onset time
  CHECK(trial::tite_pending(pending, 20, W));
  CHECK_FALSE(trial::tite_pending(pending, 38, W));    // window complete
  CHECK_FALSE(trial::tite_pending(pending, 5, W));     // not enrolled yet
  CHECK(trial::tite_pending(late_dlt, 19.5, W));
  CHECK_FALSE(trial::tite_dlt_seen(late_dlt, 19.5, W));
  CHECK(trial::tite_dlt_seen(late_dlt, 20, W));
  CHECK_FALSE(trial::tite_pending(late_dlt, 20, W));
  CHECK(trial::tite_dlt_seen(no_onset, 5, W));
  CHECK(trial::tite_resolution_day(pending, W) == 38);
  CHECK(trial::tite_resolution_day(late_dlt, W) == 20);
  // An onset after the window (a longer endpoint window) resolves at the window end, without a DLT seen before.
  const auto after = patient(0, 0, true, 40);
  CHECK(trial::tite_resolution_day(after, W) == 28);
  CHECK(trial::tite_pending(after, 27, W));
  CHECK(trial::tite_dlt_seen(after, 28, W));
}

TEST_CASE("TITE dose states count n, DLTs seen, pending and STFT", "[unit][tite]") {
  const double W = 20;
  std::vector<EnrolledPatient> ps = {patient(0, 0), patient(0, 0, true, 3), patient(1, 10), patient(1, 15, true, 12),
                                     patient(1, 18), patient(1, 40)};
  ps[0].evaluable = true;
  auto replaced = patient(1, 12);
  replaced.evaluable = false;
  ps.push_back(replaced);
  const auto s = trial::tite_dose_states(ps, 25, W, 3);
  CHECK(s[0].n == 2);
  CHECK(s[0].y == 1);
  CHECK(s[0].pending == 0);
  CHECK(s[1].n == 3);  // the day-40 patient is not enrolled yet, the replaced one not evaluable
  CHECK(s[1].y == 0);
  CHECK(s[1].pending == 3);
  CHECK(s[1].stft == Approx((15.0 + 10.0 + 7.0) / 20.0));
  CHECK(s[2].n == 0);
}

TEST_CASE("TITE-BOIN suspends accrual while more than half the current dose is pending", "[unit][tite]") {
  const auto s = scenario("type: tite_boin, target: 0.3, cohort_size: 3, max_patients: 30", {0.1, 0.2, 0.3});
  const auto& d = dynamic_cast<const trial::TiteBoin&>(*s.designs.at(0).design);
  CHECK(d.time_driven());
  CHECK(d.options().max_pending == 0.5);
  trial::TiteDoseState c;
  c.n = 6;
  c.y = 0;
  c.pending = 4;
  c.stft = 2.0;
  CHECK(trial::tite_boin_action(d.options(), d.boundaries(), c) == 3);  // 4 > 3: suspend
  c.pending = 3;
  c.stft = 1.5;
  CHECK(trial::tite_boin_action(d.options(), d.boundaries(), c) == 0);  // 3 of 6: escalate (no DLT)
  // Driven through the run: 3 patients at dose 0 enrolled a week apart, all pending on day 21.
  trial::TrialHistory h(3);
  auto run = d.start(nullptr);
  const auto first = run->first();
  REQUIRE(first.dose == 0);
  REQUIRE(first.cohort_size == 3);
  for (int j = 0; j < 3; ++j) h.enrol(patient(0, 7.0 * j));
  h.end_cohort();
  const auto wait = run->next(h, 21);
  CHECK(wait.suspend);
  CHECK_FALSE(wait.stop);
  // On day 63 the first two have completed 56 days without a DLT: escalate.
  const auto go = run->next(h, 63);
  CHECK_FALSE(go.suspend);
  CHECK(go.dose == 1);
}

TEST_CASE("TITE-BOIN imputation decisions on hand states (the paper's STFT bounds)", "[unit][tite]") {
  const auto s = scenario("type: tite_boin, target: 0.2, cohort_size: 3, max_patients: 30", {0.1, 0.2, 0.3});
  const auto& d = dynamic_cast<const trial::TiteBoin&>(*s.designs.at(0).design);
  // n = 9, y = 1, m = 3: p~ = 1.1 / 7, escalate iff STFT >= 3 - (5.9 / 1.1)(9 lambda_e - 1).
  const double le = d.boundaries().lambda_e;
  const double bound = 3.0 - (5.9 / 1.1) * (9.0 * le - 1.0);
  trial::TiteDoseState c{9, 1, 3, bound + 1e-9};
  CHECK(trial::tite_boin_action(d.options(), d.boundaries(), c) == 0);
  c.stft = bound - 1e-9;
  CHECK(trial::tite_boin_action(d.options(), d.boundaries(), c) == 1);
  // The same state under the effective sample size: escalate iff 1 / (6 + STFT) <= lambda_e.
  const auto e = scenario("type: tite_boin, target: 0.2, estimate: ess", {0.1, 0.2, 0.3});
  const auto& de = dynamic_cast<const trial::TiteBoin&>(*e.designs.at(0).design);
  c.stft = 1.0 / le - 6.0 + 1e-9;
  CHECK(trial::tite_boin_action(de.options(), de.boundaries(), c) == 0);
  c.stft = 1.0 / le - 6.0 - 1e-9;
  CHECK(trial::tite_boin_action(de.options(), de.boundaries(), c) == 1);
}

TEST_CASE("TITE-CRM recommends as tite_crm_fit, escalates one level at most and stops at max_patients",
          "[unit][tite]") {
  const std::vector<double> sk = {0.05, 0.12, 0.25, 0.40, 0.55};
  const auto s = scenario("type: tite_crm, target: 0.25, skeleton: [0.05, 0.12, 0.25, 0.40, 0.55], max_patients: 6",
                          {0.1, 0.2, 0.3, 0.4, 0.5});
  const auto& d = dynamic_cast<const trial::TiteCrm&>(*s.designs.at(0).design);
  CHECK(d.options().cohort_size == 1);
  CHECK(d.options().window_days == 56);
  trial::CrmModel m;
  m.skeleton = sk;
  // Hand histories: the design's grid against the validated posterior (h = 0.005 on [-20, 20]).
  core::RngStream rng(3, 0, core::StreamKind::kTest, 0, 0);
  std::vector<double> ll;
  for (int k = 0; k < 200; ++k) {
    std::vector<EnrolledPatient> ps;
    const int n = 1 + static_cast<int>(rng.uniform() * 20);
    for (int i = 0; i < n; ++i) {
      const int dose = static_cast<int>(rng.uniform() * 5);
      const bool dlt = rng.uniform() < 0.3;
      ps.push_back(patient(dose, rng.uniform() * 100, dlt, dlt ? rng.uniform() * 56 : kNaN));
    }
    const double day = 100;
    const auto fit = trial::tite_crm_fit(m, 0.25, trial::tite_observations(ps, day, 56));
    INFO("history " << k);
    CHECK(d.recommend(ps, day, ll) == fit.recommended);
  }
  // All doses look safe after 3 complete patients without DLT: the posterior would skip, restrict does not.
  auto run = d.start(nullptr);
  trial::TrialHistory h(5);
  auto dec = run->first();
  REQUIRE(dec.dose == 0);
  REQUIRE(dec.cohort_size == 1);
  for (int i = 0; i < 6; ++i) {
    h.enrol(patient(dec.dose, 60.0 * i));
    h.end_cohort();
    const int before = dec.dose;
    dec = run->next(h, 60.0 * (i + 1));
    if (i < 5) CHECK(dec.dose <= before + 1);
  }
  CHECK(dec.stop);
  CHECK(run->select(h, 1000) == d.recommend(h.patients(), 1000, ll));
}

TEST_CASE("the accrual process: fixed and Poisson arrival days, duration, DLT onsets in the window", "[unit][tite]") {
  const std::string crm = "type: tite_crm, target: 0.25, skeleton: [0.05, 0.12, 0.25, 0.40, 0.55], max_patients: 12";
  const std::vector<double> p = {0.1, 0.2, 0.3, 0.4, 0.5};
  const double gap = 30.4375 / 4.348214285714286;  // 7 days
  SECTION("fixed: one patient every gap, the trial ends a window after the last") {
    for (const auto& t : run(scenario(crm, p), 1, 20)) {
      CHECK(t.row.n_patients == 12);
      CHECK(t.row.duration_measured);
      CHECK(t.row.duration_days == Approx(11 * gap + 56).epsilon(1e-12));
      for (const auto& q : t.patients)
        if (q.outcome.dlt) CHECK((q.outcome.dlt_time_h > 0 && q.outcome.dlt_time_h < 56 * 24));
    }
  }
  SECTION("poisson: the gaps are the patient stream's exponentials") {
    const auto s = scenario(crm, p, true);
    for (const auto& t : run(s, 1, 20)) {
      double last = 0;
      for (std::int64_t k = 0; k + 1 < t.row.n_patients; ++k) {
        core::RngStream r(s.seed, 0, core::StreamKind::kAccrual, static_cast<std::uint64_t>(t.row.trial),
                          static_cast<std::uint64_t>(k));
        last += -gap * std::log(r.uniform());
      }
      CHECK(t.row.duration_days == Approx(last + 56).epsilon(1e-12));
    }
  }
  SECTION("a cohort design keeps its cohort clock and formula") {
    const auto s = scenario("type: boin, target: 0.3, cohort_size: 3, max_patients: 12", p);
    const trial::DurationModel m = trial::trial_clock(s);
    for (const auto& t : run(s, 1, 20)) {
      CHECK_FALSE(t.row.duration_measured);
      CHECK(t.row.duration_days == Approx(trial::trial_duration_days(m, t.row.n_patients, t.row.n_cohorts)));
      for (const auto& q : t.patients) CHECK(std::isnan(q.outcome.dlt_time_h));  // no onset drawn
    }
  }
}

TEST_CASE("TITE trials are bit-identical on 1 and 2 threads", "[unit][tite]") {
  const std::vector<double> p = {0.05, 0.12, 0.25, 0.40, 0.55};
  for (const std::string d : {"type: tite_crm, target: 0.25, skeleton: [0.05, 0.12, 0.25, 0.40, 0.55], max_patients: 18",
                              "type: tite_boin, target: 0.25, max_patients: 18"}) {
    const auto s = scenario(d, p, true);
    const auto a = run(s, 1, 64), b = run(s, 2, 64);
    INFO(d);
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      CHECK(a[i].row.selected_dose == b[i].row.selected_dose);
      CHECK(a[i].row.n_per_dose == b[i].row.n_per_dose);
      CHECK(a[i].row.dlt_per_dose == b[i].row.dlt_per_dose);
      CHECK(a[i].row.duration_days == b[i].row.duration_days);
      REQUIRE(a[i].patients.size() == b[i].patients.size());
      for (std::size_t k = 0; k < a[i].patients.size(); ++k) {
        CHECK(a[i].patients[k].dose_index == b[i].patients[k].dose_index);
        CHECK(std::memcmp(&a[i].patients[k].outcome.dlt_time_h, &b[i].patients[k].outcome.dlt_time_h, sizeof(double)) == 0);
      }
    }
  }
}
