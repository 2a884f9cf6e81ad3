// Validation of the Friberg myelosuppression model (pkpd/src/models/pd_friberg.cpp)
//  [F02] L.E. Friberg, A. Henningsson, H. Maas, L. Nguyen, M.O. Karlsson, Model
//        of chemotherapy-induced myelosuppression with parameter consistency
//        across drugs, J Clin Oncol 20:4713-4721 (2002):
//          dProl/dt = KTR Prol (1 - EDRUG) (Circ0/Circ)^gamma - KTR Prol
//          dTransit_i/dt = KTR (Transit_{i-1} - Transit_i), i = 1..3 (Transit_0 = Prol)
//          dCirc/dt = KTR (Transit_3 - Circ),  KTR = (n + 1)/MTT = 4/MTT.
// Oracles written here, independently of the model code:
//  - at zero drug the baseline (every state = Circ0) is an exact equilibrium;
//  - with gamma = 0 and no drug, dProl/dt = 0, so Prol is constant and the
//    chain Prol -> T1 -> T2 -> T3 -> Circ (four first-order transfers at KTR)
//    is linear: after a step of Prol from Circ0 to Circ0 (1 + d),
//      X_i(t) = Circ0 (1 + d F_i(t)),  F_i the Erlang(i, KTR) distribution function
//      F_i(t) = 1 - e^{-KTR t} sum_{j<i} (KTR t)^j / j!
//    (X_1..X_4 = Transit1..3, Circ), whose mean (the mean delay of the Circ
//    response) is 4/KTR = MTT: the definition of MTT in [F02];
//  - for any input, the mean time of the Circ change minus the mean time of
//    the Prol change is MTT (first moments add along a linear chain).
//
// Error metric: |got - expected| / max(|expected|, 1) (CONVENTIONS.md).
// Set TWINSIM_VALIDATION_REPORT=1 to print the measured errors.
#include <catch2/catch.hpp>

#include "model_values.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "twinsim/core/dosing.hpp"
#include "twinsim/core/ode.hpp"
#include "twinsim/pkpd/model_system.hpp"
#include "twinsim/pkpd/pk_model.hpp"
#include "twinsim/pkpd/pk_simulator.hpp"
#include "twinsim/pkpd/registry.hpp"
#include "twinsim/trial/endpoints/ctcae.hpp"
#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace {

using twinsim::core::CvodeSolver;
using twinsim::core::DoseEvent;
using twinsim::core::OdeOptions;
using twinsim::core::OdeSystem;
using twinsim::core::SolveStatus;
using twinsim::pkpd::Absorption;
using twinsim::pkpd::Elimination;
using twinsim::pkpd::Engine;
using twinsim::pkpd::ModelSystem;
using twinsim::pkpd::PdModel;
using twinsim::pkpd::PkModel;
using twinsim::pkpd::PkSimulator;
using twinsim::pkpd::PkSystem;
using twinsim::pkpd::Route;
using twinsim::pkpd::Sample;
using twinsim::pkpd::Trajectory;

using twinsim::test::Params;

using twinsim::test::compile_pk;
using twinsim::test::pd;
using twinsim::test::rel_err;
using twinsim::test::report;
using twinsim::test::values_of;

// Samples at the given times, the first after the inputs at that time.
std::vector<Sample> samples_at(const std::vector<double>& times) {
  std::vector<Sample> s;
  for (std::size_t i = 0; i < times.size(); ++i) s.push_back({times[i], i == 0});
  return s;
}
std::vector<double> uniform(double t0, double t1, double dt) {
  std::vector<double> t;
  const auto n = static_cast<int>(std::floor((t1 - t0) / dt + 1e-9));
  for (int k = 0; k <= n; ++k) t.push_back(t0 + k * dt);
  return t;
}

Trajectory simulate(PkSimulator& sim, const ModelSystem& m, const std::vector<DoseEvent>& doses,
                    const std::vector<Sample>& samples, Engine engine) {
  Trajectory tr;
  sim.simulate(m, twinsim::core::expand_doses(doses), samples, engine, tr);
  INFO("engine " << twinsim::pkpd::to_string(engine) << ": " << tr.message);
  REQUIRE(tr.status == SolveStatus::kOk);
  return tr;
}

void tighten(PkSimulator& sim) {
  sim.ode_options().rtol = 1e-10;
  sim.ode_options().atol = {1e-12};
  sim.hybrid_options().rtol = 1e-10;
  sim.hybrid_options().atol = {1e-12};
}

// The Friberg right-hand side alone, at zero drug, so that it can start from
// any state (the engines always start at rest). Test-only helper.
class FribergAlone final : public OdeSystem {
 public:
  FribergAlone(const PdModel& m, std::vector<double> p) : m_(m), p_(std::move(p)), n_(m.n_states()) {}
  int size() const override { return n_; }
  void rhs(double t, const double* y, double* dy) const override { m_.rhs(p_.data(), t, 0.0, y, dy); }
  bool has_jacobian() const override { return true; }
  bool jacobian(double t, const double* y, double* jac) const override {
    std::fill(jac, jac + n_ * n_, 0.0);
    double dfdc[8];
    m_.jacobian(p_.data(), t, 0.0, y, jac, n_, dfdc);
    return true;
  }

 private:
  const PdModel& m_;
  std::vector<double> p_;
  int n_;
};

// Integrates FribergAlone from y0 at t = 0 and returns the states at `times`
// (row k = time k), rtol 1e-11.
std::vector<std::vector<double>> integrate(const PdModel& m, const std::vector<double>& p, std::vector<double> y0,
                                           const std::vector<double>& times) {
  FribergAlone sys(m, p);
  CvodeSolver solver(sys.size());
  OdeOptions opt;
  opt.rtol = 1e-11;
  opt.atol = {1e-13};
  solver.start(sys, 0.0, y0.data(), opt);
  std::vector<std::vector<double>> out;
  for (double t : times) {
    if (t > 0) REQUIRE(solver.advance(t, times.back(), y0.data()) == SolveStatus::kOk);
    out.push_back(y0);
  }
  return out;
}

// Erlang(i, k) distribution function.
double erlang_cdf(int i, double k, double t) {
  double term = 1, sum = 0;
  for (int j = 0; j < i; ++j) {
    sum += term;
    term *= k * t / (j + 1);
  }
  return 1 - std::exp(-k * t) * sum;
}

// Mean time of a monotone change of x from x.front() to x_inf, by the
// trapezoid rule: integral of (x(t) - x_inf)/(x(0) - x_inf) dt.
double mean_time(const std::vector<double>& t, const std::vector<double>& x, double x_inf) {
  const double dx = x.front() - x_inf;
  double m = 0;
  for (std::size_t i = 1; i < t.size(); ++i) m += 0.5 * (t[i] - t[i - 1]) * ((x[i] - x_inf) + (x[i - 1] - x_inf)) / dx;
  return m;
}

const Engine kPdEngines[] = {Engine::kOde, Engine::kHybrid};

}  // namespace

// ---------------------------------------------------------------------------
// At zero drug, every state equals CIRC0 and the right-hand side is exactly
// zero ((CIRC0/CIRC0)^gamma = 1), so nothing may move: checked to 1e-12
// (rounding only) over 1000 h, with no doses and with doses of a drug whose
// SLOPE is 0, for both engines and both drug-effect variants.
TEST_CASE("Friberg: without drug effect every state stays at CIRC0 for 1000 h", "[validation]") {
  PkSimulator sim;
  const PkSystem pk = compile_pk(2, Absorption::kFirstOrder, {{"CL", 10}, {"V1", 50}, {"Q", 5}, {"V2", 100}, {"KA", 1}});
  const auto samples = samples_at(uniform(0, 1000, 2));
  DoseEvent d = twinsim::pkpd::make_dose(pk, Route::kOral, 0.0, 100.0, 0.0);
  d.ii = 24;
  d.addl = 20;
  struct Case {
    std::string model, what;
    Params p;
    bool doses;
  };
  const Case cases[] = {
      {"friberg", "no doses", {{"CIRC0", 5.05}, {"MTT", 88.7}, {"GAMMA", 0.161}, {"SLOPE", 10.0}}, false},
      {"friberg", "SLOPE = 0, daily oral doses", {{"CIRC0", 5.05}, {"MTT", 88.7}, {"GAMMA", 0.161}, {"SLOPE", 0.0}}, true},
      {"friberg_emax", "no doses", {{"CIRC0", 3.2}, {"MTT", 125}, {"GAMMA", 0.3}, {"EMAX", 0.9}, {"EC50", 1.0}}, false},
  };
  for (const Case& c : cases) {
    ModelSystem sys(pk);
    const auto& b = sys.pd[static_cast<std::size_t>(sys.add_pd(pd(c.model), values_of(pd(c.model)->parameters(), c.p), -1))];
    const double circ0 = c.p.at("CIRC0");
    for (Engine e : kPdEngines) {
      const Trajectory tr = simulate(sim, sys, c.doses ? std::vector<DoseEvent>{d} : std::vector<DoseEvent>{}, samples, e);
      double err = 0;
      for (int i = 0; i < b.n_states; ++i)
        for (Eigen::Index j = 0; j < tr.states.cols(); ++j) err = std::max(err, rel_err(tr.states(b.first_state + i, j), circ0));
      report(c.model + ", " + c.what + ", " + twinsim::pkpd::to_string(e) + ": max |state - CIRC0|", err);
      INFO(c.model << ", " << c.what << ", engine " << twinsim::pkpd::to_string(e));
      CHECK(err < 1e-12);
    }
  }
}

// ---------------------------------------------------------------------------
// gamma = 0, no drug, PROL stepped to CIRC0 (1 + d) at t = 0: PROL stays put and
// the chain follows the Erlang distribution functions exactly (see the top of
// the file); the mean delay of the CIRC response is MTT.
// Tolerances: the helper integrates at rtol 1e-11, so the states carry
// ~1e-9 relative error (100 x rtol); the trapezoid rule on a 0.25 h grid errs
// by h^2/12 |f'(T) - f'(0)| = 0 for the Erlang-4 survival function (its
// derivative, the Erlang density, vanishes at 0 and at T = 12 MTT), leaving
// higher-order terms ~h^4 f'''; truncation at 12 MTT (KTR T = 48) drops
// e^{-48} 48^3/6 < 2e-16 of the tail. So the mean delay must match to 1e-7.
TEST_CASE("Friberg: with GAMMA = 0 a PROL step travels the Erlang-4 chain with mean delay MTT", "[validation]") {
  for (const double mtt : {88.7, 125.0}) {
    const double circ0 = 5.05, d = 0.3, ktr = 4.0 / mtt;
    const PdModel* m = pd("friberg");
    const std::vector<double> p = values_of(m->parameters(), {{"CIRC0", circ0}, {"MTT", mtt}, {"GAMMA", 0.0}, {"SLOPE", 1.0}});
    const std::vector<double> times = uniform(0, 12 * mtt, 0.25);
    const auto y = integrate(*m, p, {circ0 * (1 + d), circ0, circ0, circ0, circ0}, times);
    double err = 0;
    std::vector<double> circ;
    for (std::size_t k = 0; k < times.size(); ++k) {
      err = std::max(err, rel_err(y[k][0], circ0 * (1 + d)));
      for (int i = 1; i <= 4; ++i) err = std::max(err, rel_err(y[k][static_cast<std::size_t>(i)], circ0 * (1 + d * erlang_cdf(i, ktr, times[k]))));
      circ.push_back(y[k][4]);
    }
    const double delay = mean_time(times, circ, circ0 * (1 + d));
    report("Erlang chain, MTT " + std::to_string(mtt) + ": max state error", err);
    report("Erlang chain, MTT " + std::to_string(mtt) + ": |mean delay of CIRC - MTT| / MTT", std::abs(delay - mtt) / mtt);
    INFO("MTT " << mtt);
    CHECK(err < 1e-8);
    CHECK(std::abs(delay - mtt) / mtt < 1e-7);
  }
}

// ---------------------------------------------------------------------------
// The same through the engines, with the perturbation made by the drug: a
// 1-cmt IV bolus with KEL = 0.5/h and gamma = 0 give
//   dPROL/dt = -KTR SLOPE C(t) PROL  ->  PROL(inf) = CIRC0 exp(-KTR SLOPE AUC),
// AUC = DOSE/CL, and PROL no longer recovers (no feedback). The chain maps the
// PROL change to the CIRC change with mean delay MTT, so
//   mean time(CIRC) - mean time(PROL) = MTT.
// Quadrature (trapezoid, error h^2/12 |f'(end) - f'(start)| per uniform
// segment, f the normalised curve): 0.02 h for the first 48 h, where PROL moves
// while the drug is present (|f'(0)| = KTR SLOPE C0 / (1 - e^{-0.3}) = 0.58/h:
// 1.9e-5 h), then 0.1 h to 8 MTT = 1000 h (CIRC: |f'(48 h)| = 0.0042/h:
// 3.5e-6 h); truncation at KTR T = 32 drops e^{-32} 32^3/6 < 1e-10 of the tail.
// The engines run at rtol 1e-10: states to ~1e-8, normalised by the 26 %
// change and integrated over 1000 h, ~4e-5 h. Sum ~6e-5 h = 5e-7 MTT; bound
// 1e-6 relative to MTT.
TEST_CASE("Friberg: mean delay from PROL to CIRC after a drug pulse equals MTT (both engines)", "[validation]") {
  PkSimulator sim;
  tighten(sim);
  const double cl = 5.0, v = 10.0, circ0 = 5.0, mtt = 125.0, ktr = 4 / mtt, slope = 0.5;
  const double auc = 0.3 / (ktr * slope), dose = auc * cl;  // PROL(inf) = CIRC0 e^{-0.3}
  const PkSystem pk = compile_pk(1, Absorption::kNone, {{"CL", cl}, {"V", v}});
  ModelSystem sys(pk);
  const int b = sys.add_pd(pd("friberg"), values_of(pd("friberg")->parameters(), {{"CIRC0", circ0}, {"MTT", mtt}, {"GAMMA", 0.0}, {"SLOPE", slope}}), -1);
  std::vector<double> times = uniform(0, 48, 0.02);
  for (double t : uniform(48.1, 8 * mtt, 0.1)) times.push_back(t);
  const double x_inf = circ0 * std::exp(-ktr * slope * auc);
  for (Engine e : kPdEngines) {
    const Trajectory tr = simulate(sim, sys, {twinsim::pkpd::make_dose(pk, Route::kIvBolus, 0.0, dose, 0.0)}, samples_at(times), e);
    const int f = sys.pd[static_cast<std::size_t>(b)].first_state;
    std::vector<double> prol, circ;
    for (Eigen::Index j = 0; j < tr.states.cols(); ++j) {
      prol.push_back(tr.states(f, j));
      circ.push_back(tr.states(f + 4, j));
    }
    const double prol_err = rel_err(prol.back(), x_inf);
    const double delay = mean_time(times, circ, x_inf) - mean_time(times, prol, x_inf);
    report(std::string("drug pulse, ") + twinsim::pkpd::to_string(e) + ": PROL(inf) error", prol_err);
    report(std::string("drug pulse, ") + twinsim::pkpd::to_string(e) + ": |mean delay PROL -> CIRC - MTT| / MTT", std::abs(delay - mtt) / mtt);
    INFO("engine " << twinsim::pkpd::to_string(e));
    CHECK(prol_err < 1e-8);
    CHECK(std::abs(delay - mtt) / mtt < 1e-6);
  }
}

// ---------------------------------------------------------------------------
// With feedback (gamma > 0) and no drug, a perturbed system returns to the
// baseline, which is its only positive equilibrium: dPROL/dt = 0 needs
// CIRC = CIRC0 and the chain then forces every state to CIRC0. Linearised
// around it, perturbations obey s (s + KTR)^4 + gamma KTR^5 = 0, whose roots
// have negative real parts for the published gamma (decay rate of the slowest
// mode ~ gamma KTR for small gamma); after 40 MTT the perturbation is < 1e-6.
TEST_CASE("Friberg: with feedback a perturbed system returns to CIRC0", "[validation]") {
  const double circ0 = 5.05, mtt = 88.7, gamma = 0.161;
  const PdModel* m = pd("friberg");
  const std::vector<double> p = values_of(m->parameters(), {{"CIRC0", circ0}, {"MTT", mtt}, {"GAMMA", gamma}, {"SLOPE", 1.0}});
  for (const double d : {-0.8, 0.5}) {
    const auto y = integrate(*m, p, {circ0 * (1 + d), circ0, circ0, circ0, circ0}, {0.0, 40 * mtt});
    double err = 0;
    for (double s : y.back()) err = std::max(err, std::abs(s - circ0) / circ0);
    report("feedback, PROL x " + std::to_string(1 + d) + ": max |state - CIRC0|/CIRC0 after 40 MTT", err);
    CHECK(err < 1e-6);
  }
}

namespace {
// Friberg 2002 docetaxel: 3-compartment PK, 180 mg as a 1-h infusion, with the
// linear and the Emax fits as two PD blocks; ANC sampled every 0.5 h for 21 days.
struct Docetaxel {
  ModelSystem sys;
  int lin = -1, emx = -1;
  DoseEvent dose;
  std::vector<double> times = uniform(0, 21 * 24, 0.5);
};

Docetaxel docetaxel_friberg_2002() {
  constexpr double kMw = 0.808;  // mg/L per uM
  const double v1 = 7.4, k10 = 5.2, k12 = 1.06, k21 = 1.51, k13 = 1.26, k31 = 0.084;
  const Params pkp = {{"CL", k10 * v1}, {"V1", v1}, {"Q", k12 * v1}, {"V2", k12 * v1 / k21}, {"Q3", k13 * v1}, {"V3", k13 * v1 / k31}};
  const PkSystem pk = compile_pk(3, Absorption::kNone, pkp);
  Docetaxel d;
  d.sys = ModelSystem(pk);
  d.dose = twinsim::pkpd::make_dose(pk, Route::kIvInfusion, 0.0, 180.0, 1.0);
  d.lin = d.sys.add_pd(pd("friberg"), values_of(pd("friberg")->parameters(), {{"CIRC0", 5.05}, {"MTT", 88.7}, {"GAMMA", 0.161}, {"SLOPE", 8.58 / kMw}}), -1);
  d.emx = d.sys.add_pd(pd("friberg_emax"), values_of(pd("friberg_emax")->parameters(), {{"CIRC0", 5.05}, {"MTT", 89.3}, {"GAMMA", 0.163}, {"EMAX", 83.9}, {"EC50", 7.17 * kMw}}), -1);
  return d;
}

// (nadir ANC, time of the nadir in h) of one PD block over the sampled trajectory.
std::pair<double, double> nadir_of(const Docetaxel& d, const Trajectory& tr, int block) {
  double nadir = 1e9, nadir_t = 0;
  for (Eigen::Index j = 0; j < tr.states.cols(); ++j) {
    const double anc = d.sys.output(block, tr.states.col(j).data());
    if (anc < nadir) nadir = anc, nadir_t = d.times[static_cast<std::size_t>(j)];
  }
  return {nadir, nadir_t};
}
}  // namespace

// ---------------------------------------------------------------------------
// Docetaxel with published typical parameters.
//
// [F02] estimated docetaxel's neutrophil model with a linear drug effect
// (SLOPE per uM of docetaxel in plasma) and with an Emax effect. We could not
// read the paper itself; the typical values below are as reproduced by two
// independent third-party implementations that cite it:
//  - linear model: Circ0 5.05 x10^9/L, MTT 88.7 h, gamma 0.161, Slope 8.58 /uM
//    (R package myelo by T. Radivoyevitch, file inst/doc/fribergPars02.R,
//    github.com/radivot/myelo), with docetaxel PK from Bruno et al. 1996
//    (J Pharmacokinet Biopharm 24:153) as used there: 3-cmt, V1 7.4 L,
//    k10 5.2, k12 1.06, k21 1.51, k13 1.26, k31 0.084 /h;
//  - Emax model ([F02] Table 4, row 1, as quoted by the R package DTAT by
//    D.C. Norris, CRAN, vignette code inst/doc/dtat.R): Circ0 5.05 x10^9/L (5050/mm^3),
//    MTT 89.3 h, gamma 0.163, Emax 83.9, EC50 7.17 uM.
// Docetaxel molar mass 807.9 g/mol: 1 uM = 0.808 mg/L, so SLOPE = 8.58/0.808
// L/mg and EC50 = 7.17 * 0.808 mg/L. Dose 100 mg/m^2 as a 1-h infusion
// (the docetaxel regimen of the [F02] data), BSA 1.8 m^2: 180 mg.
//
// The nadir TIME reported in [F02] itself could not be found in any source we
// could read (see the next test for the published clinical nadir time this
// model is checked against instead). This test checks what follows from the
// published parameters alone: the linear
// and the Emax fits, both estimated from the same docetaxel neutrophil data,
// must predict the same time course for the typical patient; we require their
// nadir times to agree within 1 day (the resolution of the data they were fit
// to: neutrophil counts are taken at most daily). That agreement would be
// vacuous without a marked nadir, so both nadirs must also be at least grade 3
// (< 1.0 x10^9/L). Measured (both engines): linear 0.896 x10^9/L on day 7.56,
// Emax 0.885 x10^9/L on day 7.65 (printed with TWINSIM_VALIDATION_REPORT=1).
TEST_CASE("Friberg: docetaxel typical parameters (Friberg 2002): linear and Emax fits agree on the nadir",
          "[validation]") {
  const Docetaxel d = docetaxel_friberg_2002();
  PkSimulator sim;
  for (Engine e : kPdEngines) {
    const Trajectory tr = simulate(sim, d.sys, {d.dose}, samples_at(d.times), e);
    double nadir_t[2] = {0, 0}, nadir[2] = {1e9, 1e9};
    const int blocks[2] = {d.lin, d.emx};
    for (int k = 0; k < 2; ++k) std::tie(nadir[k], nadir_t[k]) = nadir_of(d, tr, blocks[k]);
    const std::string tag = std::string(" (") + twinsim::pkpd::to_string(e) + ")";
    report("docetaxel linear: nadir ANC (10^9/L)" + tag, nadir[0]);
    report("docetaxel linear: time to nadir (day)" + tag, nadir_t[0] / 24);
    report("docetaxel Emax:   nadir ANC (10^9/L)" + tag, nadir[1]);
    report("docetaxel Emax:   time to nadir (day)" + tag, nadir_t[1] / 24);
    INFO("engine " << twinsim::pkpd::to_string(e) << ": nadir times " << nadir_t[0] << " h, " << nadir_t[1] << " h");
    CHECK(std::abs(nadir_t[0] - nadir_t[1]) <= 24.0);
    CHECK(twinsim::trial::neutropenia_grade(nadir[0]) >= 3);
    CHECK(twinsim::trial::neutropenia_grade(nadir[1]) >= 3);
  }
}

// The published nadir timing of docetaxel. [F02]'s own figure could not be
// found (searched: the paper's abstract, third-party implementations of the
// model, later docetaxel myelosuppression papers), so the reference is the
// clinical figure for the same drug and regimen as the [F02] data (single
// agent, 100 mg/m^2 as a 1-h infusion every 3 weeks): the docetaxel
// (TAXOTERE) prescribing information reports that the median time to the
// neutrophil nadir was 7 days. Caveat: we could read that statement only as
// quoted, with the label as its source, by a secondary page
// (droracle.ai/articles/221774), not in the label text itself.
// Tolerance +-1 day: the figure is reported in whole days (+-0.5) and comes
// from blood counts drawn at most daily (another +-0.5 day of resolution); a
// median over patients may also differ from the typical patient's nadir by a
// fraction of a day. The simulation gives day 7.56 (linear) and 7.65 (Emax),
// and the band is narrow enough to fail: with MTT 15 % longer the linear
// fit's nadir moves to day 8.5 (checked with scipy's LSODA, which also gives
// day 7.56 for the published values).
TEST_CASE("Friberg: docetaxel typical patient reaches the nadir on the labelled day 7 (+-1 day)",
          "[validation]") {
  constexpr double kLabelNadirDay = 7.0, kToleranceDays = 1.0;
  const Docetaxel d = docetaxel_friberg_2002();
  PkSimulator sim;
  const Trajectory tr = simulate(sim, d.sys, {d.dose}, samples_at(d.times), Engine::kOde);
  for (int block : {d.lin, d.emx}) {
    const double nadir_t = nadir_of(d, tr, block).second;
    INFO((block == d.lin ? "linear" : "Emax") << " fit: nadir on day " << nadir_t / 24);
    CHECK(std::abs(nadir_t / 24 - kLabelNadirDay) <= kToleranceDays);
  }
}

// PROL > 0 in exact arithmetic (its equation is linear in PROL), so ANC > 0.
// At drug effects well above 1 (SLOPE 0.8 L/mg, 400 mg daily) a step of the
// default tolerances used to overshoot PROL below 0, which the feedback term
// then grew to ANC of -1e48 with solve status ok (85 of 2,667 patients of a
// BOIN12 run). Oracle: the same patients at tolerances 1e7 times tighter.
TEST_CASE("Friberg: at drug effects above 1 ANC stays >= 0 and agrees with a 1e-7 times tighter solve",
          "[validation]") {
  auto scenario = [](const std::string& solver) {
    return "name: friberg-positivity\nseed: 2026\nreplicates: 1\ndose_levels: [400]\n"
           "model:\n  pk: {compartments: 1, absorption: first_order, parameters: {CL: 10, V: 100, KA: 1.0}}\n"
           "  pd:\n    - {type: friberg, parameters: {CIRC0: 5.0, MTT: 125, GAMMA: 0.17, SLOPE: 0.8}}\n" +
           solver +
           "regimen: {route: oral, interval_h: 24, doses_per_cycle: 21, cycle_length_h: 504, cycles: 2}\n"
           "population: {iiv: {parameters: [CL, ANC.SLOPE], cv: [0.3, 0.5]}}\n"
           "endpoints:\n  dlt:\n    window_h: 504\n    criteria: [{variable: ANC, grade_at_least: 4, min_duration_h: 120}]\n"
           "output: {timecourses: [ANC], grid_h: 1}\n"
           "designs: [{name: arm, type: fixed, dose: 400, patients: 1}]\n";
  };
  const auto loose = twinsim::trial::load_scenario_text(scenario(""), "loose.yaml");
  const auto tight = twinsim::trial::load_scenario_text(scenario("  solver: {rtol: 1e-12, atol: 1e-16}\n"), "tight.yaml");
  const auto ml = twinsim::trial::make_patient_model(loose), mt = twinsim::trial::make_patient_model(tight);
  auto wl = ml->workspace(), wt = mt->workspace();
  std::vector<double> tl(ml->n_timecourse_values()), tt(mt->n_timecourse_values());
  double worst = 0.0, lowest = 0.0;
  for (std::uint64_t k = 0; k < 200; ++k) {
    twinsim::trial::PatientOutcome a, b;
    ml->simulate(*wl, 0, k, 0, a, tl.data());
    mt->simulate(*wt, 0, k, 0, b, tt.data());
    REQUIRE(a.status == SolveStatus::kOk);
    REQUIRE(b.status == SolveStatus::kOk);
    CHECK(a.dlt == b.dlt);
    for (std::size_t j = 0; j < tl.size(); ++j) {
      lowest = std::min(lowest, tl[j]);
      worst = std::max(worst, std::abs(tl[j] - tt[j]));
    }
  }
  INFO("lowest ANC " << lowest << ", largest difference from the tight solve " << worst << " x10^9/L");
  CHECK(lowest >= -1e-6);
  CHECK(worst <= 1e-3);
}
