// [validation] Dosing records (issue 15): regimens written as lists of NONMEM
// records per cycle (loading doses, BID at 08:00/20:00, uneven 8/16 h,
// days 1/8/15 of 28, on/off, IV loading then oral, infusions by rate,
// compartment numbers) and steady state (SS=1), through the whole patient
// path (scenario text -> PkPatientModel -> PkSimulator), against the
// superposition of the published sums of exponentials of
// pk_closed_form_oracle.hpp [GP ch. 1-3; BM], expanded here from the records
// independently of the engine. Steady state against the same superposition
// summed over 2000 earlier cycles, and against 50 repeated cycles simulated
// without it.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "pk_closed_form_oracle.hpp"
#include "test_support.hpp"
#include "twinsim/trial/patient/data_simulation.hpp"
#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/scenario/data_compartments.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

using namespace twinsim;
namespace oracle = twinsim::test::pk_oracle;

namespace {

constexpr double kLevel = 100.0;  // mg, the one dose level
const oracle::DispositionParams kTwoCmt = oracle::kDisp[1];  // CL 10, V1 50, Q 5, V2 100

// One record as the test reads it: what the YAML says, expanded here.
struct Rec {
  double time = 0, amount = kLevel;
  enum Kind { kOral, kBolus, kInfusion } kind = kOral;
  double duration = 0;  // infusion
  double ii = 0;
  int addl = 0;
};

struct Regimen {
  std::string yaml;  // the `regimen` map
  std::vector<Rec> records;
  double cycle = 24;
  int cycles = 1;
};

std::string scenario(const std::string& regimen, const std::string& elimination = "linear") {
  std::ostringstream y;
  y << "name: records\nseed: 1\nreplicates: 1\ndose_levels: [" << kLevel << "]\nmodel:\n  pk:\n"
    << "    compartments: 2\n    absorption: first_order\n    elimination: " << elimination << "\n"
    << (elimination == "linear" ? "    parameters: {CL: 10, V1: 50, Q: 5, V2: 100, KA: 1.3}\n"
                                : "    parameters: {VMAX: 40, KM: 2, V1: 50, Q: 5, V2: 100, KA: 1.3}\n")
    << "regimen: " << regimen << "\noutput: {timecourses: [Cc], grid_h: 0.25}\n"
    << "designs:\n  - {name: arm, type: fixed, dose: " << kLevel << ", patients: 1}\n";
  return y.str();
}

struct Run {
  std::vector<double> grid, cc;
  pkpd::ExposureMetrics exposure;
};

Run simulate(const std::string& regimen, const std::string& elimination = "linear") {
  const trial::Scenario s = trial::load_scenario_text(scenario(regimen, elimination), "records.yaml");
  const auto model = trial::make_patient_model(s);
  auto ws = model->workspace();
  trial::PatientOutcome out;
  Run r;
  r.grid = model->time_grid();
  r.cc.resize(model->n_timecourse_values());
  model->simulate(*ws, 0, 0, 0, out, r.cc.data());
  REQUIRE(out.status == core::SolveStatus::kOk);
  r.exposure = out.exposure;
  return r;
}

// Central amount at t (before inputs at t) of every dose of `g`, cycles shifted by `first_cycle` periods.
double oracle_cc(const Regimen& g, double t, int first_cycle = 0) {
  const oracle::Exponentials e = oracle::macro_constants(kTwoCmt);
  double a = 0;
  for (int c = first_cycle; c < g.cycles; ++c) {
    for (const Rec& r : g.records) {
      for (int k = 0; k <= r.addl; ++k) {
        const double tau = t - (c * g.cycle + r.time + k * r.ii);
        if (tau <= 0) continue;
        switch (r.kind) {
          case Rec::kOral: a += r.amount * e.first_order(tau, oracle::kKa); break;
          case Rec::kBolus: a += r.amount * e.bolus(tau); break;
          case Rec::kInfusion: a += r.amount / r.duration * e.infusion(tau, r.duration); break;
        }
      }
    }
  }
  return a / kTwoCmt.v1;
}

double max_rel_error(const Run& run, const Regimen& g, int first_cycle = 0) {
  double peak = 0, worst = 0;
  for (std::size_t j = 0; j < run.grid.size(); ++j) peak = std::max(peak, std::abs(oracle_cc(g, run.grid[j], first_cycle)));
  for (std::size_t j = 0; j < run.grid.size(); ++j) {
    const double want = oracle_cc(g, run.grid[j], first_cycle);
    worst = std::max(worst, std::abs(run.cc[j] - want) / std::max(std::abs(want), 1e-3 * peak));
  }
  return worst;
}

std::vector<Regimen> regimens() {
  using K = Rec::Kind;
  return {
      // Loading dose (4x) then maintenance QD.
      {"{cycle_length_h: 168, doses: [{route: oral, amount_mg: 400}, {time_h: 24, route: oral, ii_h: 24, addl: 5}]}",
       {{0, 400, K::kOral}, {24, kLevel, K::kOral, 0, 24, 5}}, 168, 1},
      // BID at 08:00 and 20:00 for a week, half the level each.
      {"{cycle_length_h: 168, doses: [{time_h: 8, route: oral, dose_factor: 0.5, ii_h: 24, addl: 6},"
       " {time_h: 20, route: oral, dose_factor: 0.5, ii_h: 24, addl: 6}]}",
       {{8, 50, K::kOral, 0, 24, 6}, {20, 50, K::kOral, 0, 24, 6}}, 168, 1},
      // Uneven 8 h / 16 h.
      {"{cycle_length_h: 72, doses: [{route: oral, ii_h: 24, addl: 2}, {time_h: 8, route: oral, ii_h: 24, addl: 2}]}",
       {{0, kLevel, K::kOral, 0, 24, 2}, {8, kLevel, K::kOral, 0, 24, 2}}, 72, 1},
      // Days 1, 8, 15 of a 28-day cycle, 1-h infusions, two cycles.
      {"{cycle_length_h: 672, cycles: 2, doses: [{route: iv_infusion, duration_h: 1, ii_h: 168, addl: 2}]}",
       {{0, kLevel, K::kInfusion, 1, 168, 2}}, 672, 2},
      // On/off: 5 days on, 2 off, three cycles.
      {"{cycle_length_h: 168, cycles: 3, doses: [{route: oral, ii_h: 24, addl: 4}]}",
       {{0, kLevel, K::kOral, 0, 24, 4}}, 168, 3},
      // IV loading by rate (300 mg at 600 mg/h: 0.5 h), then oral maintenance every 12 h.
      {"{cycle_length_h: 120, doses: [{route: iv_infusion, amount_mg: 300, rate_mg_per_h: 600},"
       " {time_h: 12, route: oral, ii_h: 12, addl: 7}]}",
       {{0, 300, K::kInfusion, 0.5}, {12, kLevel, K::kOral, 0, 12, 7}}, 120, 1},
      // Infusion by rate of a dose-level multiple: 150 mg at 40 mg/h (3.75 h).
      {"{cycle_length_h: 48, doses: [{route: iv_infusion, dose_factor: 1.5, rate_mg_per_h: 40}]}",
       {{0, 150, K::kInfusion, 3.75}}, 48, 1},
      // Compartment numbers (ADVAN4: 1 depot, 2 central): a bolus into CMT 1 is an oral dose, into CMT 2 an IV bolus.
      {"{cycle_length_h: 48, doses: [{route: iv_bolus, cmt: 1}, {time_h: 6, route: iv_bolus, cmt: 2, amount_mg: 20}]}",
       {{0, kLevel, K::kOral}, {6, 20, K::kBolus}}, 48, 1},
      // The shorthand is one record with ADDL.
      {"{route: oral, interval_h: 12, doses_per_cycle: 6, cycle_length_h: 96, cycles: 2}",
       {{0, kLevel, K::kOral, 0, 12, 5}}, 96, 2},
      // IV bolus then an infusion running over the cycle boundary into cycle 2.
      {"{cycle_length_h: 24, cycles: 2, doses: [{route: iv_bolus}, {time_h: 22, route: iv_infusion, duration_h: 4}]}",
       {{0, kLevel, K::kBolus}, {22, kLevel, K::kInfusion, 4}}, 24, 2},
  };
}

}  // namespace

TEST_CASE("dosing records: ten regimens against the closed-form superposition", "[validation]") {
  for (const auto& g : regimens()) {
    INFO(g.yaml);
    const Run r = simulate(g.yaml);
    CHECK(max_rel_error(r, g) < 1e-9);
  }
}

TEST_CASE("dosing records: the shorthand and the same record give identical results", "[validation]") {
  const Run a = simulate("{route: oral, interval_h: 12, doses_per_cycle: 6, cycle_length_h: 96, cycles: 2}");
  const Run b = simulate("{cycle_length_h: 96, cycles: 2, interval_h: 12, doses: [{route: oral, ii_h: 12, addl: 5}]}");
  CHECK(a.cc == b.cc);
  CHECK(a.exposure.cmax == b.exposure.cmax);
  CHECK(a.exposure.auc_first == b.exposure.auc_first);
}

TEST_CASE("steady state (SS=1), linear PK: the infinite superposition in closed form", "[validation]") {
  // Every earlier cycle superposed (2000 of them: the slowest exponent,
  // ~0.032/h, leaves nothing after 2000 days), with the cycle-1 doses on top.
  using K = Rec::Kind;
  const std::vector<Regimen> cases = {
      {"{cycle_length_h: 24, steady_state: true, doses: [{route: oral}]}", {{0, kLevel, K::kOral}}, 24, 1},
      {"{cycle_length_h: 24, steady_state: true, doses: [{time_h: 8, route: oral, dose_factor: 0.5},"
       " {time_h: 20, route: oral, dose_factor: 0.5}]}",
       {{8, 50, K::kOral}, {20, 50, K::kOral}}, 24, 1},
      // An infusion of the previous cycle still running at the cycle's start.
      {"{cycle_length_h: 24, steady_state: true, doses: [{route: iv_bolus}, {time_h: 22, route: iv_infusion, duration_h: 4}]}",
       {{0, kLevel, K::kBolus}, {22, kLevel, K::kInfusion, 4}}, 24, 1},
  };
  for (const auto& g : cases) {
    INFO(g.yaml);
    const Run r = simulate(g.yaml);
    CHECK(max_rel_error(r, g, -2000) < 1e-9);
  }
  // At steady state the AUC over a dosing interval is the interval's dose over CL
  // [GP ch. 2]: 100 mg QD -> 10 mg*h/L over 24 h; 50 mg every 12 h -> 5 over 12 h.
  CHECK(simulate(cases[0].yaml).exposure.auc_first == Approx(100 / kTwoCmt.cl).epsilon(1e-9));
  CHECK(simulate(cases[1].yaml).exposure.auc_first == Approx(50 / kTwoCmt.cl).epsilon(1e-9));
}

TEST_CASE("steady state: within 1e-8 of 50 repeated cycles, linear and Michaelis-Menten", "[validation]") {
  for (const std::string elimination : {"linear", "michaelis_menten"}) {
    INFO(elimination);
    const Run ss = simulate("{cycle_length_h: 24, steady_state: true, doses: [{route: oral, ii_h: 12, addl: 1}]}",
                            elimination);
    const Run many = simulate("{cycle_length_h: 24, cycles: 51, doses: [{route: oral, ii_h: 12, addl: 1}]}", elimination);
    // Cycle 51 of the repeated run against cycle 1 at steady state (grid 0.25 h: 96 points per cycle).
    const std::size_t offset = 50 * 96;
    double peak = 0, worst = 0;
    for (std::size_t j = 0; j < 96; ++j) peak = std::max(peak, many.cc[offset + j]);
    for (std::size_t j = 0; j < 96; ++j) worst = std::max(worst, std::abs(ss.cc[j] - many.cc[offset + j]) / peak);
    // Linear: 50 cycles leave e^{-0.032*1200} ~ 1e-17 of the distance to steady state;
    // Michaelis-Menten: the stated tolerance, the ODE's rtol 1e-8 (docs/models.md).
    CHECK(worst < (elimination == "linear" ? 1e-10 : 1e-6));
  }
}

TEST_CASE("dosing records: the same regimen as YAML records and as an event table give identical results",
          "[validation]") {
  const test::TempDir dir("events");
  const std::string csv = dir.file("doses.csv");
  // IV loading by rate into CMT 2 (central), an IV bolus, then oral doses into CMT 1 (depot, ADVAN4).
  test::write_file(csv, "ID,TIME,AMT,RATE,II,ADDL,CMT,EVID\n1,0,300,600,0,0,2,1\n1,6,20,0,0,0,2,1\n"
                        "1,10,0,0,0,0,2,0\n1,12,100,0,12,7,1,1\n");
  const std::string records =
      "{route: iv_infusion, amount_mg: 300, rate_mg_per_h: 600}, {time_h: 6, route: iv_bolus, amount_mg: 20},"
      " {time_h: 12, route: oral, amount_mg: 100, ii_h: 12, addl: 7}";
  for (const std::string more : {"", ", steady_state: true"}) {
    INFO(more);
    const Run yaml = simulate("{cycle_length_h: 120, cycles: 2" + more + ", doses: [" + records + "]}");
    const Run table = simulate("{events: " + csv + ", cycle_length_h: 120, cycles: 2" + more + "}");
    CHECK(yaml.cc == table.cc);
    CHECK(yaml.exposure.cmax == table.exposure.cmax);
    CHECK(yaml.exposure.auc_total == table.exposure.auc_total);
  }
  // And both against the closed form.
  const Regimen g{"", {{0, 300, Rec::kInfusion, 0.5}, {6, 20, Rec::kBolus}, {12, 100, Rec::kOral, 0, 12, 7}}, 120, 2};
  CHECK(max_rel_error(simulate("{events: " + csv + ", cycle_length_h: 120, cycles: 2}"), g) < 1e-9);
}

TEST_CASE("twinsim simulate --data: the data set's individuals against the closed form", "[validation]") {
  // ID 1 at the typical CL; ID 2 with its own CL (a parameter column) and an IV bolus
  // into CMT 2; observations before and after a dose at the same time.
  const std::string csv_text =
      "ID,TIME,AMT,RATE,II,ADDL,CMT,EVID,CL\n"
      "1,0,100,0,12,2,1,1,10\n1,1,0,0,0,0,2,0,10\n1,12,0,0,0,0,2,0,10\n1,13.5,0,0,0,0,2,0,10\n1,40,0,0,0,0,2,0,10\n"
      "2,0,0,0,0,0,2,0,20\n2,0,50,0,0,0,2,1,20\n2,0,0,0,0,0,2,0,20\n2,2,100,25,0,0,2,1,20\n2,5,0,0,0,0,2,0,20\n"
      "2,30,0,0,0,0,2,0,20\n";
  const trial::Scenario s = trial::load_scenario_text(scenario("{cycle_length_h: 24, doses: [{route: oral}]}"), "d.yaml");
  core::DataSetOptions o = trial::data_set_options(*s.pk);
  o.require_id = true;
  const core::DataSet data = core::read_data_set_text(csv_text, "d.csv", o);
  const trial::DataSimulation r = trial::simulate_data_set(s, data);
  REQUIRE(r.outputs == std::vector<std::string>{"Cc"});
  REQUIRE(r.rows.size() == 8);
  oracle::DispositionParams d2 = kTwoCmt;
  d2.cl = 20;
  const Regimen g1{"", {{0, 100, Rec::kOral, 0, 12, 2}}, 1000, 1};
  const std::vector<double> t1 = {1, 12, 13.5, 40};
  for (std::size_t j = 0; j < t1.size(); ++j) {
    CHECK(r.rows[j].id == 1);
    CHECK(r.rows[j].time == t1[j]);
    CHECK(r.rows[j].values[0] == Approx(oracle_cc(g1, t1[j])).epsilon(1e-9));
  }
  // ID 2 by its own exponentials (CL 20): bolus 50 at 0, 100 mg at 25 mg/h from 2 h (4 h).
  const oracle::Exponentials e = oracle::macro_constants(d2);
  auto cc2 = [&](double t, bool after) {
    double a = (t > 0 || after) ? 50 * e.bolus(t) : 0.0;
    if (t > 2) a += 25 * e.infusion(t - 2, 4);
    return a / d2.v1;
  };
  CHECK(r.rows[4].values[0] == 0.0);  // before the dose at time 0
  CHECK(r.rows[5].values[0] == Approx(cc2(0, true)).epsilon(1e-12));
  CHECK(r.rows[6].values[0] == Approx(cc2(5, false)).epsilon(1e-9));
  CHECK(r.rows[7].values[0] == Approx(cc2(30, false)).epsilon(1e-9));
}
