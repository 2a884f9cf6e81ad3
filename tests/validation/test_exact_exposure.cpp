// [validation] Exposure metrics are exact and independent of output.grid_h
// (issue 13): Cmax, Tmax, Ctrough, Cmin, AUC and the time above a threshold,
// per patient and per cycle, against the independent references of
// exposure_reference.hpp (matrix exponential of the augmented system scanned
// at <= 0.005 h and refined by Brent's method; Boost.Odeint at 1e-12 for
// Michaelis-Menten). Before issue 13 these came from the sampled grid: a 1-h
// infusion on a 6-h grid reported a Cmax tens of times too low, an IV bolus
// with a 0.5-h lag on a 1-h grid 13 % too low.
//
// The full patient path is exercised (scenario text -> PkPatientModel ->
// PkSimulator), so every engine that reaches it is covered: analytic (closed
// form), hybrid (PK + Friberg), the node scan of the exact solution for
// transit chains, and the ODE engine's root-finding for Michaelis-Menten.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "exposure_reference.hpp"
#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

using namespace twinsim;
using exposure_ref::Case;
using exposure_ref::Reference;

namespace {

// Closed form: the issue asks for 1e-6 relative and 0.01 h; observed on
// these cases: below 1e-11 relative, 1e-6 h, 1e-7 h.
struct Tolerance {
  double rel = 1e-9;    // Cmax, Cmin, Ctrough, AUC (relative)
  double time = 1e-5;   // h, Tmax
  double above = 1e-5;  // h, time above the threshold
};

struct Result {
  std::unique_ptr<trial::PatientModel> model;
  trial::PatientOutcome out;
  double cycle(int c, const std::string& name) const {
    const auto cols = model->cycle_columns();
    for (std::size_t k = 0; k < cols.size(); ++k)
      if (cols[k].name == name) return out.cycles.at(static_cast<std::size_t>(c) * cols.size() + k);
    FAIL("no cycle column " << name);
    return 0;
  }
  double extra(const std::string& name) const {
    const auto cols = model->extra_columns();
    for (std::size_t k = 0; k < cols.size(); ++k)
      if (cols[k].name == name) return out.extra.at(k);
    FAIL("no column " << name);
    return 0;
  }
};

Result simulate(const Case& c) {
  const trial::Scenario s = trial::load_scenario_text(c.yaml(), "exposure.yaml");
  Result r;
  r.model = trial::make_patient_model(s);
  auto ws = r.model->workspace();
  r.model->simulate(*ws, 0, 0, 0, r.out, nullptr);
  REQUIRE(r.out.status == core::SolveStatus::kOk);
  return r;
}

// Every per-patient and per-cycle exposure value of case c against ref.
void check(const Case& c, const Reference& ref, const Tolerance& tol = {}) {
  INFO(c.yaml());
  const Result r = simulate(c);
  const auto& e = r.out.exposure;
  const auto whole = ref.window(0.0, c.end(), c.threshold);
  CHECK(e.cmax == Approx(whole.cmax).epsilon(tol.rel));
  CHECK(e.tmax == Approx(whole.tmax).margin(tol.time));
  CHECK(e.auc_total == Approx(whole.auc).epsilon(tol.rel));
  const auto doses = c.dose_times();
  const auto first = ref.window(doses.front(), doses.front() + c.interval, 0.0);
  const auto last = ref.window(doses.back(), doses.back() + c.interval, 0.0);
  CHECK(e.auc_first == Approx(first.auc).epsilon(tol.rel));
  CHECK(e.auc_last == Approx(last.auc).epsilon(tol.rel));
  CHECK(e.cmin_last == Approx(last.cmin).epsilon(tol.rel).margin(1e-12));
  CHECK(e.ctrough == Approx(ref.conc_before(doses.back())).epsilon(tol.rel).margin(1e-12));
  if (c.threshold > 0) CHECK(r.extra("time_above_threshold_h") == Approx(whole.above).margin(tol.above));
  for (int k = 0; k < c.cycles; ++k) {
    INFO("cycle " << k);
    const auto w = ref.window(k * c.cycle, (k + 1) * c.cycle, c.threshold);
    CHECK(r.cycle(k, "cmax") == Approx(w.cmax).epsilon(tol.rel));
    CHECK(r.cycle(k, "tmax") == Approx(w.tmax).margin(tol.time));
    CHECK(r.cycle(k, "cmin") == Approx(w.cmin).epsilon(tol.rel).margin(1e-12));
    CHECK(r.cycle(k, "auc") == Approx(w.auc).epsilon(tol.rel));
    if (c.threshold > 0) CHECK(r.cycle(k, "time_above_threshold_h") == Approx(w.above).margin(tol.above));
  }
}

// High clearance, small central volume, fast distribution: loosely docetaxel
// (Bruno et al., J Pharmacokinet Biopharm 24:153, 1996: CL ~ 36 L/h, V1 ~ 8 L),
// 75 mg/m2 x 1.8 m2 = 135 mg.
Case docetaxel_like() {
  Case c;
  c.compartments = 2;
  c.route = "iv_infusion";
  c.cl = 36;
  c.v1 = 8;
  c.q = 30;
  c.v2 = 300;
  c.dose = 135;
  c.tinf = 0.5;
  c.interval = 504;
  c.cycle = 504;
  return c;
}

// Oral first-order absorption into the W1 disposition (bench/w1_cohort.yaml),
// a third compartment where asked.
Case oral(int compartments, double ka) {
  Case c;
  c.compartments = compartments;
  c.absorption = "first_order";
  c.route = "oral";
  c.cl = 10;
  c.v1 = 50;
  c.q = 5;
  c.v2 = 100;
  c.q3 = 2;
  c.v3 = 200;
  c.ka = ka;
  return c;
}

// interval_h, doses_per_cycle, cycle_length_h, cycles.
void schedule(Case& c, double interval, int doses, double cycle, int cycles) {
  c.interval = interval;
  c.doses_per_cycle = doses;
  c.cycle = cycle;
  c.cycles = cycles;
}

}  // namespace

TEST_CASE("exposure: docetaxel-like 30-min infusion on the default 1-h grid: the exact peak", "[validation]") {
  const Case c = docetaxel_like();
  const Reference ref(c);
  check(c, ref);
  // The peak is the end of the infusion, between grid points.
  CHECK(simulate(c).out.exposure.tmax == Approx(0.5).margin(1e-9));
}

TEST_CASE("exposure: IV infusions of 0.25, 0.5, 1 and 2 h on grids of 1, 2, 3 and 6 h, 2 cycles", "[validation]") {
  for (double tinf : {0.25, 0.5, 1.0, 2.0}) {
    Case c = docetaxel_like();
    c.tinf = tinf;
    c.tlag = 0.1;  // infusion ends off every grid
    schedule(c, 24, 3, 168, 2);
    c.threshold = 1.0;
    const Reference ref(c);
    for (double grid : {1.0, 2.0, 3.0, 6.0}) {
      c.grid = grid;
      check(c, ref);
    }
  }
}

TEST_CASE("exposure: IV bolus with a 0.5-h lag on a 1-h grid: the dose lands at t + TLAG", "[validation]") {
  Case c;
  c.cl = 10;
  c.v1 = 50;
  c.tlag = 0.5;
  schedule(c, 12, 4, 48, 2);
  c.threshold = 1.5;
  const Reference ref(c);
  check(c, ref);
  CHECK(simulate(c).out.exposure.tmax == Approx(84.5).margin(1e-9));  // the last bolus, at 84 + 0.5 h
}

TEST_CASE("exposure: oral with lag, 1, 2 and 3 compartments, several doses and cycles, 2-h grid", "[validation]") {
  for (int n : {1, 2, 3}) {
    Case c = oral(n, 1.3);
    c.tlag = 0.7;
    schedule(c, 24, 3, 96, 2);
    c.threshold = 0.8;
    c.grid = 2;
    check(c, Reference(c));
  }
}

TEST_CASE("exposure: 3-compartment 1-h infusion on a 6-h grid (70x low before issue 13)", "[validation]") {
  Case c = docetaxel_like();
  c.compartments = 3;
  c.q3 = 10;
  c.v3 = 50;
  c.tinf = 1;
  schedule(c, 168, 1, 168, 3);
  c.threshold = 0.2;
  c.grid = 6;
  check(c, Reference(c));
}

TEST_CASE("exposure: hybrid engine (PK + Friberg): Cmax from the PK closed form, 6-h grid", "[validation]") {
  Case c = oral(2, 1.0);
  schedule(c, 24, 21, 504, 1);
  c.threshold = 1.0;
  c.grid = 6;
  c.friberg = true;
  check(c, Reference(c));
}

TEST_CASE("exposure: transit absorption (repeated rates, no eigendecomposition): exact node scan", "[validation]") {
  Case c = oral(2, 2.0);  // KA = KTR: the depot joins the transit chain's Jordan block
  c.absorption = "transit";
  c.ntr = 3;
  c.mtt = 2;
  schedule(c, 24, 3, 72, 2);
  c.threshold = 0.5;
  c.grid = 3;
  check(c, Reference(c));  // observed within 1e-12 relative, 1e-7 h
}

TEST_CASE("exposure: Michaelis-Menten oral, ODE engine's root-finding vs Odeint at 1e-12, 6-h grid", "[validation]") {
  Case c = oral(1, 1.2);
  c.vmax = 20;
  c.km = 1;
  c.v1 = 30;
  c.dose = 200;
  schedule(c, 12, 3, 36, 2);
  c.threshold = 2.0;
  c.grid = 6;
  // The ODE engine runs at its default rtol 1e-8: its states are that good,
  // not exact (observed: 2e-7 relative on Cmax and AUC alike; Tmax and the
  // time above within 1e-7 h).
  check(c, Reference(c), {1e-6, 1e-4, 1e-4});
}

TEST_CASE("exposure: oral with KA = CL/V exactly (a repeated rate: the node scan), 3-h grid", "[validation]") {
  Case c = oral(1, 0.2);  // KA = CL/V1: C = D k t e^{-k t} / V, no eigendecomposition
  c.tlag = 0.4;
  schedule(c, 12, 4, 48, 2);
  c.threshold = 1.0;
  c.grid = 3;
  check(c, Reference(c));
}
