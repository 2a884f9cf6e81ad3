// [unit] The design interface: the patient list and the counts derived from
// it, designs built from code deciding exactly as the same designs built from
// YAML, is_dose_finding(), and a design added in one file plus one registry
// line (the worked example of docs/architecture.md, "How to add a design").
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "design_drive.hpp"
#include "twinsim/trial/designs/designs.hpp"
#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/runner/runner.hpp"

namespace trial = twinsim::trial;
using twinsim::test::make_design;

namespace {

// A trial driven with DLT outcomes from a fixed stream (a 64-bit LCG against
// per-dose probabilities), so two designs can be compared decision by decision.
struct Trace {
  std::vector<trial::Decision> decisions;
  int selected = -1;
};

Trace trace(const trial::Design& design, const std::vector<double>& p, std::uint64_t seed) {
  Trace out;
  trial::TrialHistory h(p.size());
  auto run = design.start(nullptr);
  trial::Decision dec = run->first();
  std::uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
  int cohort = 0;
  double day = 0.0;
  while (!dec.stop) {
    out.decisions.push_back(dec);
    REQUIRE(out.decisions.size() < 1000);
    for (int j = 0; j < dec.cohort_size; ++j) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      trial::EnrolledPatient e;
      e.dose = dec.dose;
      e.cohort = cohort;
      e.enrolled_day = day;
      e.dlt = static_cast<double>(x >> 11) * 0x1.0p-53 < p[static_cast<std::size_t>(dec.dose)];
      h.enrol(e);
    }
    h.end_cohort();
    ++cohort;
    day += 28.0;
    dec = run->next(h, day);
  }
  out.selected = run->select(h, day);
  return out;
}

void same_decisions(const trial::Design& from_code, const trial::Design& from_yaml, const std::vector<double>& p) {
  CHECK(from_code.max_patients() == from_yaml.max_patients());
  CHECK(from_code.planned_patients() == from_yaml.planned_patients());
  CHECK(from_code.target() == from_yaml.target());
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    const Trace a = trace(from_code, p, seed), b = trace(from_yaml, p, seed);
    INFO("trial " << seed);
    REQUIRE(a.decisions.size() == b.decisions.size());
    for (std::size_t i = 0; i < a.decisions.size(); ++i) {
      CHECK(a.decisions[i].dose == b.decisions[i].dose);
      CHECK(a.decisions[i].cohort_size == b.decisions[i].cohort_size);
    }
    CHECK(a.selected == b.selected);
  }
}

const std::vector<double> kTruth = {0.05, 0.12, 0.25, 0.40, 0.55};

}  // namespace

TEST_CASE("the counts kept by TrialHistory are dose_counts of its patient list", "[unit][design-interface]") {
  trial::TrialHistory h(3);
  auto add = [&](int dose, int cohort, bool dlt, bool evaluable) {
    trial::EnrolledPatient e;
    e.dose = dose;
    e.cohort = cohort;
    e.dlt = dlt;
    e.evaluable = evaluable;
    h.enrol(e);
  };
  add(0, 0, false, true);
  add(0, 0, true, true);
  h.end_cohort();
  add(1, 1, false, false);  // replaced: not counted
  add(1, 1, true, true);
  add(1, 1, true, true);
  h.end_cohort();
  add(0, 2, false, true);
  h.end_cohort();
  const trial::DoseCounts& c = h.counts();
  CHECK(c.n == std::vector<int>{3, 2, 0});
  CHECK(c.dlt == std::vector<int>{1, 2, 0});
  CHECK(c.current == 0);
  CHECK(c.last_cohort_size == 1);
  CHECK(c.last_cohort_dlts == 0);
  CHECK(c.total_patients == 5);
  CHECK(c.cohorts == 3);
  const trial::DoseCounts d = trial::dose_counts(h.patients(), 3);
  CHECK(d.n == c.n);
  CHECK(d.dlt == c.dlt);
  CHECK(d.current == c.current);
  CHECK(d.last_cohort_size == c.last_cohort_size);
  CHECK(d.last_cohort_dlts == c.last_cohort_dlts);
  CHECK(d.total_patients == c.total_patients);
  CHECK(d.cohorts == c.cohorts);
  CHECK(h.patients()[3].followup_days(10.0) == 10.0);
  h.clear(3);
  CHECK(h.patients().empty());
  CHECK(h.counts().total_patients == 0);
}

TEST_CASE("every design built from code decides as the same design built from YAML", "[unit][design-interface]") {
  SECTION("boin") {
    trial::BoinOptions o;
    o.target = 0.25;
    o.max_patients = 36;
    o.extrasafe = true;
    same_decisions(trial::Boin(o, 5), *make_design("type: boin, target: 0.25, max_patients: 36, extrasafe: true", 5),
                   kTruth);
    // Defaults follow the target: p_saf = 0.6 t, p_tox = 1.4 t.
    CHECK(trial::Boin(o, 5).boundaries().lambda_e ==
          trial::boin_boundaries(0.25, 0.15, 0.35, 0.95, 0.05, 36).lambda_e);
  }
  SECTION("crm") {
    trial::CrmOptions o;
    o.model.skeleton = {0.05, 0.12, 0.25, 0.40, 0.55};
    o.model.logistic = true;
    o.cohort_size = 1;
    o.max_patients = 20;
    o.overdose_threshold = trial::CrmOptions::kOverdoseCutoff;
    same_decisions(trial::Crm(o, 5),
                   *make_design("type: crm, target: 0.25, skeleton: [0.05, 0.12, 0.25, 0.40, 0.55], "
                                "model: logistic, cohort_size: 1, max_patients: 20, stop_overdose: true",
                                5),
                   kTruth);
  }
  SECTION("mtpi2 and i3+3") {
    trial::IntervalOptions o;
    o.target = 0.3;
    o.max_patients = 24;
    o.n_earlystop = 9;
    same_decisions(trial::Mtpi2(o, 5), *make_design("type: mtpi2, target: 0.3, max_patients: 24, n_earlystop: 9", 5),
                   kTruth);
    same_decisions(trial::I3p3(o, 5), *make_design("type: i3+3, target: 0.3, max_patients: 24, n_earlystop: 9", 5),
                   kTruth);
  }
  SECTION("three_plus_three") {
    trial::ThreePlusThreeOptions o;
    o.start_dose = 1;
    same_decisions(trial::ThreePlusThree(o, 5), *make_design("type: three_plus_three, start_dose: 1", 5), kTruth);
  }
  SECTION("fixed") {
    trial::FixedOptions o;
    o.dose_index = 2;
    o.patients = 12;
    same_decisions(trial::Fixed(o, 5), *make_design("type: fixed, dose: 3, patients: 12", 5), kTruth);
  }
}

TEST_CASE("options given in code are validated", "[unit][design-interface]") {
  trial::BoinOptions b;
  b.target = 0.8;  // default p_tox = 1.12
  CHECK_THROWS_AS(trial::Boin(b, 5), std::invalid_argument);
  trial::CrmOptions c;
  c.model.skeleton = {0.1, 0.2};  // two values for five doses
  CHECK_THROWS_AS(trial::Crm(c, 5), std::invalid_argument);
  trial::IntervalOptions i;
  i.start_dose = 5;
  CHECK_THROWS_AS(trial::Mtpi2(i, 5), std::invalid_argument);
  trial::FixedOptions f;
  f.patients = 0;
  CHECK_THROWS_AS(trial::Fixed(f, 5), std::invalid_argument);
}

TEST_CASE("only the fixed arm is not dose-finding, by instance and by registry type", "[unit][design-interface]") {
  CHECK_FALSE(make_design("type: fixed, dose: 1, patients: 3", 3)->is_dose_finding());
  CHECK(make_design("type: three_plus_three", 3)->is_dose_finding());
  CHECK(make_design("type: boin, target: 0.3", 3)->is_dose_finding());
  for (const auto& e : trial::design_registry()) CHECK(e.dose_finding == (e.type != "fixed"));
  CHECK_FALSE(trial::design_type_is_dose_finding("fixed"));
  CHECK(trial::design_type_is_dose_finding("crm"));
}

// ---- The worked example: a design in one file plus one registry line. ----
// Touch point 1, the design's file (trial_sim/designs/src/NAME.cpp for a
// built-in one): its Options with in-class defaults, its run, its parser.
// This toy is accelerated titration: one patient per cohort, escalate while
// no patient has had a DLT, stop at the first DLT (or at the top dose, or at
// max_patients) and select the highest dose below it. It reads the patient
// list, not the counts.
namespace toy {

struct ToyOptions {
  int max_patients = 10;
};

class ToyRun final : public trial::DesignRun {
 public:
  ToyRun(const ToyOptions& o, int n_doses) : o_(o), top_(n_doses - 1) {}
  trial::Decision first() override { return {false, 0, 1}; }
  trial::Decision next(const trial::TrialHistory& h, double) override {
    const trial::EnrolledPatient& last = h.patients().back();
    if (last.dlt || last.dose == top_ || static_cast<int>(h.patients().size()) >= o_.max_patients)
      return {true, -1, 0};
    return {false, last.dose + 1, 1};
  }
  int select(const trial::TrialHistory& h, double) override {
    const trial::EnrolledPatient& last = h.patients().back();
    return last.dlt ? last.dose - 1 : last.dose;
  }

 private:
  ToyOptions o_;
  int top_;
};

class Toy final : public trial::Design {
 public:
  Toy(const ToyOptions& o, std::size_t n_doses) : o_(o), n_doses_(static_cast<int>(n_doses)) {}
  std::unique_ptr<trial::DesignRun> start(trial::DesignWorkspace*) const override {
    return std::make_unique<ToyRun>(o_, n_doses_);
  }
  int max_patients() const override { return o_.max_patients; }

 private:
  ToyOptions o_;
  int n_doses_;
};

std::unique_ptr<trial::Design> parse_toy(twinsim::core::MapReader& r, const trial::DesignContext& ctx) {
  ToyOptions o;
  o.max_patients = static_cast<int>(r.optional_int("max_patients", o.max_patients, twinsim::core::Range::closed(1, 100)));
  if (ctx.n_doses == 0) return nullptr;
  return std::make_unique<Toy>(o, ctx.n_doses);
}

}  // namespace toy

TEST_CASE("a design added in one file plus one registry line runs from YAML", "[unit][design-interface]") {
  // Touch point 2, the registry line (design_registry.cpp for a built-in one;
  // register_design at run time, as here).
  if (!trial::find_design("toy_titration"))
    trial::register_design({"toy_titration", "accelerated titration (test)", &toy::parse_toy});
  CHECK_THROWS_AS(trial::register_design({"toy_titration", "twice", &toy::parse_toy}), std::invalid_argument);

  // Exact: the first DLT is at dose k with probability prod_{i<k}(1 - p_i) p_k,
  // and then dose k - 1 is selected (none for k = 0); no DLT at all selects
  // the top dose.
  const std::vector<double> p = {0.1, 0.2, 0.3, 0.5};
  std::vector<double> exact(p.size() + 1, 0.0);  // [0]: none, [k + 1]: dose k
  double none_yet = 1.0;
  for (std::size_t k = 0; k < p.size(); ++k) {
    exact[k] += none_yet * p[k];  // selects dose k - 1, i.e. slot k
    none_yet *= 1.0 - p[k];
  }
  exact[p.size()] += none_yet;

  const auto design = make_design("type: toy_titration, max_patients: 10", p.size());
  const trial::TruthPatientModel model(7, p);
  trial::DesignRunner runner(*design, model, p.size(), 2, false, false);
  const std::int64_t trials = 100000;
  trial::ResultBlock block;
  runner.run_block(0, trials, block);
  std::vector<double> count(p.size() + 1, 0.0);
  for (const auto& t : block.trials) count[static_cast<std::size_t>(t.selected_dose + 1)] += 1.0;
  for (std::size_t k = 0; k < count.size(); ++k) {
    const double q = exact[k], se = std::sqrt(q * (1 - q) / static_cast<double>(trials));
    INFO("slot " << k << ": simulated " << count[k] / trials << ", exact " << q);
    CHECK(std::abs(count[k] / trials - q) <= 4 * se);
  }
}
