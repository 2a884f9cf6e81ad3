// [unit] BF-BOIN (`boin` with `backfill:`): each rule on hand-made histories
// (opening on a response, the cap, closing on toxicity at the dose and above,
// pooled de-escalation below the backfill dose, the stop) and the runner's
// accrual process with referrals (backfill patients on top of max_patients,
// none without pending patients, thread independence).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "twinsim/trial/designs/bf_boin.hpp"
#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/runner/runner.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

using namespace twinsim;
using trial::EnrolledPatient;

namespace {

constexpr double kW = 30.0;  // DLT window of the scenarios below, days

EnrolledPatient patient(int dose, double enrolled, bool dlt = false, double dlt_day = 3.0, bool response = false) {
  EnrolledPatient p;
  p.dose = dose;
  p.enrolled_day = enrolled;
  p.dlt = dlt;
  p.dlt_day = dlt ? dlt_day : std::numeric_limits<double>::quiet_NaN();
  p.response = response;
  return p;
}

trial::Scenario scenario(const std::string& backfill, std::size_t doses, const std::string& extra = "",
                         double per_month = 3.0, double window = kW, bool poisson = false) {
  std::string levels, probs, q;
  for (std::size_t i = 0; i < doses; ++i) {
    levels += (i ? ", " : "") + std::to_string(i + 1);
    probs += (i ? ", " : "") + core::format_number(0.05 + 0.1 * static_cast<double>(i));
    q += (i ? ", " : "") + core::format_number(0.3 + 0.1 * static_cast<double>(i));
  }
  const std::string text = "name: unit\nseed: 11\ndose_levels: [" + levels + "]\ntoxicity: {true_dlt_probabilities: [" +
                           probs + "]}\nefficacy: {true_response_probabilities: [" + q +
                           "]}\naccrual: {patients_per_month: " + core::format_number(per_month) +
                           ", dlt_window_days: " + core::format_number(window) + (poisson ? ", arrivals: poisson" : "") +
                           "}\ndesigns:\n  - {name: d, type: boin, target: 0.25, cohort_size: 3, max_patients: 30" +
                           extra + ", backfill: " + backfill + "}\n";
  return trial::load_scenario_text(text, "unit.yaml");
}

// A run driven by hand: enrol() records patients of the decision just taken.
struct Hand {
  std::unique_ptr<trial::DesignRun> run;
  trial::TrialHistory h;
  trial::Decision dec;
  Hand(const trial::Design& d, std::size_t doses) : run(d.start(nullptr)), h(doses), dec(run->first()) {}
  void enrol(const std::vector<EnrolledPatient>& ps) {
    for (const auto& p : ps) {
      REQUIRE(p.dose == dec.dose);
      h.enrol(p);
    }
    h.end_cohort();
  }
  trial::Decision next(double day) { return dec = run->next(h, day); }
};

// Dose 0 cleared with 0/3 (the first patient responding iff `respond`), the
// cohort at dose 1 enrolled on days 40-42 and pending on day 43.
Hand cleared_dose_0(const trial::Design& d, std::size_t doses, bool respond) {
  Hand x(d, doses);
  REQUIRE(x.dec.dose == 0);
  x.enrol({patient(0, 0, false, 0, respond), patient(0, 1), patient(0, 2)});
  REQUIRE(x.next(40).dose == 1);
  REQUIRE(x.dec.cohort_size == 3);
  x.enrol({patient(1, 40), patient(1, 41), patient(1, 42)});
  return x;
}

}  // namespace

TEST_CASE("BF-BOIN keys: defaults, time-driven, needs efficacy", "[unit][bf_boin]") {
  const auto s = scenario("{}", 3);
  const auto& d = dynamic_cast<const trial::BfBoin&>(*s.designs.at(0).design);
  CHECK(d.time_driven());
  CHECK(d.needs_efficacy());
  CHECK(d.backfill().max_per_dose == 12);
  CHECK(d.backfill().require_response);
  CHECK(d.backfill().assign == trial::BackfillOptions::Assign::highest);
  CHECK(d.backfill().window_days == kW);
  CHECK(d.planned_patients() == -1);
  CHECK(d.max_patients() == 30 + 3 * 12);
  // backfill: false is plain BOIN.
  const auto off = scenario("false", 3);
  CHECK(dynamic_cast<const trial::Boin*>(off.designs.at(0).design.get()) != nullptr);
}

TEST_CASE("BF-BOIN opens a cleared dose once it showed a response", "[unit][bf_boin]") {
  const auto s = scenario("true", 3);
  const auto& d = *s.designs.at(0).design;
  {
    auto x = cleared_dose_0(d, 3, true);  // the responder's window ended on day 30
    const auto dec = x.next(43);
    CHECK_FALSE(dec.stop);
    CHECK_FALSE(dec.refer);
    CHECK(dec.dose == 0);
    CHECK(dec.cohort_size == 1);
  }
  {
    auto x = cleared_dose_0(d, 3, false);  // no response: the arrival is referred away
    const auto dec = x.next(43);
    CHECK(dec.refer);
    CHECK_FALSE(dec.stop);
  }
  {
    const auto any = scenario("{require_response: false}", 3);
    auto x = cleared_dose_0(*any.designs.at(0).design, 3, false);
    CHECK(x.next(43).dose == 0);
  }
  {
    // The current dose itself is never a backfill dose: at dose 0 every arrival waits.
    Hand x(d, 3);
    x.enrol({patient(0, 0, false, 0, true), patient(0, 1), patient(0, 2)});
    CHECK(x.next(31.5).refer);  // day 31.5: the third patient is pending
  }
}

TEST_CASE("BF-BOIN closes a dose for backfill at max_per_dose patients", "[unit][bf_boin]") {
  const auto s = scenario("{max_per_dose: 6}", 3);
  auto x = cleared_dose_0(*s.designs.at(0).design, 3, true);
  for (int k = 0; k < 3; ++k) {  // 3 escalation + 3 backfill patients reach the cap of 6
    REQUIRE(x.next(43 + k).dose == 0);
    REQUIRE(x.dec.cohort_size == 1);
    x.enrol({patient(0, 43 + k)});
  }
  CHECK(x.next(47).refer);
}

TEST_CASE("BF-BOIN closes a toxic backfill dose and every dose above it", "[unit][bf_boin]") {
  const auto s = scenario("true", 4);
  const auto& d = *s.designs.at(0).design;
  Hand x(d, 4);
  x.enrol({patient(0, 0, false, 0, true), patient(0, 1), patient(0, 2)});
  REQUIRE(x.next(40).dose == 1);
  x.enrol({patient(1, 40, false, 0, true), patient(1, 41), patient(1, 42)});
  SECTION("the toxic dose closes, a lower one stays open") {
    REQUIRE(x.next(80).dose == 2);
    x.enrol({patient(2, 80), patient(2, 81), patient(2, 82)});
    REQUIRE(x.next(83).dose == 1);  // the highest open dose
    x.enrol({patient(1, 83, true, 2.0)});
    REQUIRE(x.next(84).dose == 1);
    x.enrol({patient(1, 84, true, 2.0)});
    // Day 90, dose 1: 2 DLTs in 5 resolved >= ceil(0.298 * 5) = 2, pooled with
    // dose 2 (none resolved) the same: closed; dose 0 (0/3) below it is open.
    CHECK(x.next(90).dose == 0);
  }
  SECTION("the doses above a toxic dose close although their own data are safe") {
    // Backfill at dose 0 while dose 1 is pending; their DLTs come on day 25.
    for (int k = 0; k < 3; ++k) {
      REQUIRE(x.next(69 + k).dose == 0);
      x.enrol({patient(0, 69 + k, true, 25.0)});
    }
    // Day 73: dose 1's 0/3 and dose 0's resolved 0/3 escalate to dose 2.
    REQUIRE(x.next(73).dose == 2);
    x.enrol({patient(2, 73), patient(2, 74), patient(2, 75)});
    // Day 100, dose 0: 3/6 >= 2 and pooled with dose 1 3/9 >= ceil(0.298 * 9) =
    // 3: unsafe; dose 1 (0/3, a response) closes with it.
    CHECK(x.next(100).refer);
  }
}

TEST_CASE("BF-BOIN lowest assignment picks the lowest open dose", "[unit][bf_boin]") {
  const auto s = scenario("{assign: lowest}", 4);
  Hand x(*s.designs.at(0).design, 4);
  x.enrol({patient(0, 0, false, 0, true), patient(0, 1), patient(0, 2)});
  REQUIRE(x.next(40).dose == 1);
  x.enrol({patient(1, 40, false, 0, true), patient(1, 41), patient(1, 42)});
  REQUIRE(x.next(80).dose == 2);
  x.enrol({patient(2, 80), patient(2, 81), patient(2, 82)});
  CHECK(x.next(83).dose == 0);
}

TEST_CASE("BF-BOIN pools a conflicting backfill dose and de-escalates below it", "[unit][bf_boin]") {
  const auto s = scenario("{require_response: false}", 4);
  Hand x(*s.designs.at(0).design, 4);
  x.enrol({patient(0, 0), patient(0, 1), patient(0, 2)});
  REQUIRE(x.next(40).dose == 1);
  x.enrol({patient(1, 40), patient(1, 41), patient(1, 42)});
  REQUIRE(x.next(80).dose == 2);
  x.enrol({patient(2, 80), patient(2, 81), patient(2, 82)});
  REQUIRE(x.next(120).dose == 3);
  x.enrol({patient(3, 120), patient(3, 121), patient(3, 122)});
  // Four backfill patients at dose 2 (the highest open), each with a DLT on day 20.
  for (int k = 0; k < 4; ++k) {
    REQUIRE(x.next(123 + k).dose == 2);
    x.enrol({patient(2, 123 + k, true, 20.0)});
  }
  // Day 160: dose 3's cohort 0/3 says escalate, dose 2 (4/7) eliminate:
  // conflict from b* = 2; pooled doses 2-3 4/10 >= ceil(0.298 * 10) = 3:
  // de-escalate to the highest dose whose data pooled from b* are below the
  // boundary: 4/7, 4/10 none: below b*, to dose 1.
  const auto dec = x.next(160);
  CHECK_FALSE(dec.stop);
  CHECK(dec.dose == 1);
  CHECK(dec.cohort_size == 3);
}

TEST_CASE("BF-BOIN stops after max_patients escalation patients; backfill comes on top", "[unit][bf_boin]") {
  const std::string text =
      "name: unit\ndose_levels: [1, 2]\ntoxicity: {true_dlt_probabilities: [0.1, 0.2]}\n"
      "accrual: {patients_per_month: 3, dlt_window_days: 30}\n"
      "designs:\n  - {name: d, type: boin, target: 0.25, max_patients: 6, backfill: {require_response: false}}\n";
  const auto sc = trial::load_scenario_text(text, "unit.yaml");
  Hand x(*sc.designs.at(0).design, 2);
  x.enrol({patient(0, 0), patient(0, 1), patient(0, 2)});
  REQUIRE(x.next(40).dose == 1);
  x.enrol({patient(1, 40), patient(1, 41), patient(1, 42, true, 5.0)});
  REQUIRE(x.next(43).dose == 0);
  x.enrol({patient(0, 43)});
  REQUIRE(x.next(44).dose == 0);
  x.enrol({patient(0, 44)});
  REQUIRE(x.next(70.5).dose == 0);  // dose 1's second patient is still pending
  x.enrol({patient(0, 70.5)});
  CHECK(x.next(73).stop);   // 6 escalation patients resolved: the escalation ends
  CHECK(x.h.counts().total_patients == 9);
  // Selection on the data resolved before day 71 (the last escalation outcome):
  // dose 0 0/3, the backfill patients (resolved days 73, 74, 100.5) left out;
  // dose 1 1/3: isotonic estimates 0.016, 0.339, closest to 0.25: dose 1.
  CHECK(x.run->select(x.h, 74) == 1);
}

TEST_CASE("BF-BOIN stops for toxicity at the lowest dose", "[unit][bf_boin]") {
  const auto s = scenario("true", 3);
  Hand x(*s.designs.at(0).design, 3);
  x.enrol({patient(0, 0, true, 1), patient(0, 1, true, 1), patient(0, 2, true, 1)});
  CHECK(x.next(10).stop);  // 3/3 >= the elimination boundary of 3 patients
  CHECK(x.run->select(x.h, 40) == -1);
}

TEST_CASE("BF-BOIN through the runner: referrals, backfill on top, thread independence", "[unit][bf_boin]") {
  auto run = [](const trial::Scenario& s, int threads) {
    const trial::TruthPatientModel model(s.seed, *s.true_dlt_probabilities, s.efficacy);
    trial::DesignRunner runner(*s.designs.at(0).design, model, s.dose_levels.size(), threads, false, true);
    runner.set_trial_clock(trial::trial_clock(s));
    runner.set_accrual_process({s.seed, s.accrual->poisson});
    trial::ResultBlock b;
    runner.run_block(0, 200, b);
    return b;
  };
  const auto s = scenario("true", 4, "", 3.0, kW, true);
  const auto one = run(s, 1), two = run(s, 2);
  REQUIRE(one.trials.size() == two.trials.size());
  std::int64_t above = 0;
  for (std::size_t i = 0; i < one.trials.size(); ++i) {
    CHECK(one.trials[i].selected_dose == two.trials[i].selected_dose);
    CHECK(one.trials[i].n_per_dose == two.trials[i].n_per_dose);
    CHECK(one.trials[i].duration_days == two.trials[i].duration_days);
    CHECK(one.trials[i].n_patients <= 30 + 4 * 12);
    above += one.trials[i].n_patients > 30 ? 1 : 0;
  }
  CHECK(above > 0);  // backfill patients beyond the escalation's 30
  // A window shorter than any arrival gap leaves nobody pending: nothing to backfill.
  const auto none = run(scenario("true", 4, "", 1.0, 1.0), 1);
  for (const auto& t : none.trials) CHECK(t.n_patients <= 30);
}

TEST_CASE("BF-BOIN stay_on_1_of_3 keeps the dose on 1 DLT in 3", "[unit][bf_boin]") {
  auto second_cohort = [](const std::string& backfill) {
    const auto s = scenario(backfill, 3);
    Hand x(*s.designs.at(0).design, 3);
    x.enrol({patient(0, 0), patient(0, 1), patient(0, 2)});
    REQUIRE(x.next(40).dose == 1);
    x.enrol({patient(1, 40, true, 2.0), patient(1, 41), patient(1, 42)});
    return x.next(80).dose;  // dose 1: 1/3 >= ceil(0.298 * 3) = 1
  };
  CHECK(second_cohort("true") == 0);
  CHECK(second_cohort("{stay_on_1_of_3: true}") == 1);
}

TEST_CASE("BF-BOIN selects on the outcomes resolved when the escalation ends", "[unit][bf_boin]") {
  const std::string text =
      "name: unit\ndose_levels: [1, 2]\ntoxicity: {true_dlt_probabilities: [0.1, 0.2]}\n"
      "accrual: {patients_per_month: 3, dlt_window_days: 30}\n"
      "designs:\n  - {name: d, type: boin, target: 0.25, max_patients: 6, backfill: {require_response: false}}\n";
  const auto sc = trial::load_scenario_text(text, "unit.yaml");
  Hand x(*sc.designs.at(0).design, 2);
  x.enrol({patient(0, 0), patient(0, 1), patient(0, 2)});
  REQUIRE(x.next(40).dose == 1);
  x.enrol({patient(1, 40), patient(1, 41), patient(1, 42, true, 5.0)});
  for (int k = 0; k < 3; ++k) {  // backfill patients whose DLTs come on day 29: days 72-74
    REQUIRE(x.next(43 + k).dose == 0);
    x.enrol({patient(0, 43 + k, true, 29.0)});
  }
  REQUIRE(x.next(73).stop);  // the escalation's last outcome was on day 71
  // On day 71 dose 0 is 0/3, dose 1 1/3: estimates 0.016 and 0.339, dose 1
  // closest to 0.25. Counting the later DLTs (dose 0 3/6, pooled with dose 1
  // by the isotonic fit above the target) would select dose 0.
  CHECK(x.run->select(x.h, 200) == 1);
  CHECK(trial::boin_select_mtd(0.25, {6, 3}, {3, 1}) == 0);
}
