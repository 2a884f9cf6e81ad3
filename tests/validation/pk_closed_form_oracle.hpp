// Closed-form PK references for the validation tests (test_pk_closed_form.cpp,
// test_pk_nonlinear.cpp), implemented here independently of the engine, from
// the published formulas:
//  [GP]  M. Gibaldi, D. Perrier, Pharmacokinetics, 2nd ed., Marcel Dekker 1982:
//        ch. 1 one-compartment model (IV bolus, IV infusion, first-order
//        absorption), ch. 2 multiple dosing (superposition), ch. 3
//        multicompartment models (sums of exponentials from micro-constants),
//        ch. 7 nonlinear pharmacokinetics (Michaelis-Menten elimination).
//  [BM]  J. Bertrand, F. Mentre, Mathematical expressions of the pharmacokinetic
//        and pharmacodynamic models implemented in the Monolix software, 2008:
//        macro-constants from micro-constants (roots of the characteristic
//        polynomial; trigonometric cubic roots for three compartments), for
//        the 1-, 2- and 3-compartment models with bolus, infusion, zero- and
//        first-order absorption.
//  [SK]  R.M. Savic, D.M. Jonker, T. Kerbusch, M.O. Karlsson, Implementation of a
//        transit compartment model for describing drug absorption in PK studies,
//        J Pharmacokinet Pharmacodyn 34:711-726 (2007): Erlang transit chain.
//
#pragma once


#include "model_values.hpp"

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "twinsim/core/dosing.hpp"
#include "twinsim/pkpd/pk_model.hpp"
#include "twinsim/pkpd/pk_simulator.hpp"

namespace twinsim::test::pk_oracle {


using twinsim::core::DoseEvent;
using twinsim::pkpd::Absorption;
using twinsim::pkpd::Elimination;
using twinsim::pkpd::Engine;
using twinsim::pkpd::PkModel;
using twinsim::pkpd::PkSimulator;
using twinsim::pkpd::PkSystem;
using twinsim::pkpd::Route;
using twinsim::pkpd::Sample;
using twinsim::pkpd::Trajectory;

constexpr double kPi = 3.14159265358979323846;

using twinsim::test::report;

// ---------------------------------------------------------------------------
// Disposition: unit impulse response of the central AMOUNT as a sum of
// exponentials, h(t) = sum_i c_i exp(-lambda_i t), h(0) = 1.
// Micro-constants [GP ch. 3]: k10 = CL/V1, k12 = Q/V1, k21 = Q/V2,
// k13 = Q3/V1, k31 = Q3/V3. The lambda_i are the roots of the characteristic
// polynomial of the mammillary system, and for a dose into the central
// compartment c_i = prod_j (k_j1 - lambda_i) / prod_{m != i} (lambda_m - lambda_i)
// (j over the peripheral compartments) [GP ch. 3; BM].
struct DispositionParams {
  int ncmt;
  double cl, v1, q2, v2, q3, v3;
};
constexpr DispositionParams kDisp[3] = {
    {1, 5.0, 50.0, 0, 0, 0, 0},
    {2, 10.0, 50.0, 5.0, 100.0, 0, 0},
    {3, 10.0, 50.0, 8.0, 80.0, 2.0, 200.0},
};

struct Exponentials {
  std::vector<double> lambda, coef;
  double v = 1.0;
  // Central amount after a unit bolus at tau = 0 [GP ch. 1, 3].
  double bolus(double tau) const {
    double a = 0;
    for (std::size_t i = 0; i < lambda.size(); ++i) a += coef[i] * std::exp(-lambda[i] * tau);
    return a;
  }
  // Central amount for a unit-rate infusion of duration T started at tau = 0:
  // sum c_i/lambda_i (1 - e^{-lambda_i min(tau,T)}) e^{-lambda_i (tau - min(tau,T))} [GP ch. 1, 3; BM].
  double infusion(double tau, double T) const {
    const double on = std::min(tau, T);
    double a = 0;
    for (std::size_t i = 0; i < lambda.size(); ++i)
      a += coef[i] / lambda[i] * -std::expm1(-lambda[i] * on) * std::exp(-lambda[i] * (tau - on));
    return a;
  }
  // Central amount after a unit dose into a first-order depot (rate ka)
  // [GP ch. 1, 3; BM]:
  // sum c_i ka (e^{-lambda_i tau} - e^{-ka tau}) / (ka - lambda_i).
  double first_order(double tau, double ka) const {
    double a = 0;
    for (std::size_t i = 0; i < lambda.size(); ++i)
      a += coef[i] * ka * (std::exp(-lambda[i] * tau) - std::exp(-ka * tau)) / (ka - lambda[i]);
    return a;
  }
};

inline Exponentials macro_constants(const DispositionParams& d) {
  Exponentials e;
  e.v = d.v1;
  const double k10 = d.cl / d.v1;
  const double k12 = d.q2 > 0 ? d.q2 / d.v1 : 0, k21 = d.q2 > 0 ? d.q2 / d.v2 : 0;
  const double k13 = d.q3 > 0 ? d.q3 / d.v1 : 0, k31 = d.q3 > 0 ? d.q3 / d.v3 : 0;
  std::vector<double> kback;  // k_j1 of the peripheral compartments
  if (d.ncmt == 1) {
    e.lambda = {k10};
  } else if (d.ncmt == 2) {
    // alpha, beta = (a +- sqrt(a^2 - 4 k10 k21)) / 2, a = k10 + k12 + k21 [GP ch. 3; BM].
    // beta from Vieta (alpha*beta = k10*k21) to avoid cancellation.
    const double a = k10 + k12 + k21;
    const double alpha = 0.5 * (a + std::sqrt(a * a - 4 * k10 * k21));
    e.lambda = {alpha, k10 * k21 / alpha};
    kback = {k21};
  } else {
    // [BM]: a0 = k10 k21 k31, a1 = k10 k31 + k21 k31 + k21 k13 + k10 k21 + k31 k12,
    // a2 = k10 + k12 + k13 + k21 + k31; p = a1 - a2^2/3, q = 2 a2^3/27 - a1 a2/3 + a0,
    // r1 = sqrt(-p^3/27), r2 = 2 r1^{1/3}, phi = acos(-q/(2 r1))/3,
    // lambda_k = -(cos(phi + 2 pi k/3) r2 - a2/3), k = 0, 1, 2.
    const double a0 = k10 * k21 * k31;
    const double a1 = k10 * k31 + k21 * k31 + k21 * k13 + k10 * k21 + k31 * k12;
    const double a2 = k10 + k12 + k13 + k21 + k31;
    const double p = a1 - a2 * a2 / 3, q = 2 * a2 * a2 * a2 / 27 - a1 * a2 / 3 + a0;
    const double r1 = std::sqrt(-p * p * p / 27), r2 = 2 * std::cbrt(r1);
    const double phi = std::acos(-q / (2 * r1)) / 3;
    for (int k = 0; k < 3; ++k) e.lambda.push_back(-(std::cos(phi + 2 * kPi * k / 3) * r2 - a2 / 3));
    kback = {k21, k31};
  }
  for (std::size_t i = 0; i < e.lambda.size(); ++i) {
    double c = 1;
    for (double kj : kback) c *= kj - e.lambda[i];
    for (std::size_t m = 0; m < e.lambda.size(); ++m)
      if (m != i) c /= e.lambda[m] - e.lambda[i];
    e.coef.push_back(c);
  }
  return e;
}

// ---------------------------------------------------------------------------
// Transit absorption [SK]: a dose D into TR1 of NTR compartments with equal
// rate KTR, then a depot emptied at rate KA into the central compartment.
//   TR_n(t)  = D (KTR t)^{n-1} e^{-KTR t} / (n-1)!           (Erlang chain)
//   flux into the depot  g(t) = KTR TR_N(t) = D KTR^N t^{N-1} e^{-KTR t}/(N-1)!
//   DEPOT(t) = int_0^t g(s) e^{-KA (t-s)} ds
//            = D KTR^N e^{-KA t} int_0^t s^{N-1} e^{-(KTR-KA) s}/(N-1)! ds
//            = D (KTR/(KTR-KA))^N e^{-KA t} P(N, (KTR-KA) t)   (KTR > KA),
//   P the regularized lower incomplete gamma function (Boost gamma_p).
// The central amount is the input rate KA*DEPOT(s) convolved with the
// disposition unit-impulse response: A(t) = int_0^t KA DEPOT(s) h(t-s) ds,
// evaluated by adaptive Gauss-Kronrod quadrature at tolerance 1e-12.
struct TransitParams {
  int ntr = 0;
  double mtt = 0, ka = 0;
  double ktr() const { return (ntr + 1) / mtt; }
};

inline double transit_amount(const TransitParams& tp, int n, double t) {  // TR_n for a unit dose
  const double x = tp.ktr() * t;
  return n == 1 ? std::exp(-x) : std::exp((n - 1) * std::log(x) - x - std::lgamma(n));
}
inline double depot_amount(const TransitParams& tp, double t) {
  const double ktr = tp.ktr();
  return std::pow(ktr / (ktr - tp.ka), tp.ntr) * std::exp(-tp.ka * t) *
         boost::math::gamma_p(tp.ntr, (ktr - tp.ka) * t);
}
// Integrated over u = s/tau in [0, 1]: Boost's adaptive Gauss-Kronrod compares
// an unscaled error estimate with a scaled tolerance, so it keeps bisecting
// when the interval itself is tiny (tau ~ 1e-6 h).
inline double transit_central(const Exponentials& e, const TransitParams& tp, double tau) {
  auto f = [&](double u) { return tp.ka * depot_amount(tp, u * tau) * e.bolus(tau - u * tau); };
  double err = 0;
  return tau * boost::math::quadrature::gauss_kronrod<double, 61>::integrate(f, 0.0, 1.0, 15, 1e-12, &err);
}

// ---------------------------------------------------------------------------
// Cases: a disposition, an input (route x absorption) and a regimen.
enum class Input { kIvBolus, kIvInfusion, kFirstOrder, kZeroOrder, kTransit };
inline const char* input_name(Input in) {
  const char* names[] = {"iv_bolus", "iv_infusion", "first_order", "zero_order", "transit"};
  return names[static_cast<int>(in)];
}
constexpr Input kLinearInputs[] = {Input::kIvBolus, Input::kIvInfusion, Input::kFirstOrder, Input::kZeroOrder};

constexpr double kF = 0.7, kTlag = 0.75, kKa = 1.3, kD1 = 2.5, kInfusionH = 1.5, kDose = 100.0;
// Transit settings per disposition (KTR > KA each time): NTR = 1, 4 and the maximum, 20.
constexpr TransitParams kTransit[3] = {{1, 1.0, 0.8}, {4, 2.0, 1.3}, {20, 4.0, 0.9}};

enum class Regimen { kSingle, kAddl, kIrregular };
inline const char* regimen_name(Regimen r) {
  return r == Regimen::kSingle ? "single" : r == Regimen::kAddl ? "ii=12,addl=7" : "7 irregular records";
}
// Nominal (time, AMT) of every dose, before lag and F.
inline std::vector<std::pair<double, double>> nominal_doses(Regimen r) {
  switch (r) {
    case Regimen::kSingle: return {{0.0, kDose}};
    case Regimen::kAddl: {  // time + k*II as the NONMEM expansion computes it
      std::vector<std::pair<double, double>> v;
      for (int k = 0; k <= 7; ++k) v.push_back({0.0 + k * 12.0, kDose});
      return v;
    }
    case Regimen::kIrregular:  // overlapping zero-order inputs, back-to-back at 24 / 26.5 (D1 = 2.5)
      return {{0, 100}, {5, 50}, {6.5, 80}, {24, 100}, {26.5, 30}, {48, 60}, {50, 100}};
  }
  return {};
}

struct Case {
  DispositionParams disp;
  Input input;
  Regimen regimen;
  TransitParams transit;
  std::string name() const {
    return std::to_string(disp.ncmt) + "-cmt " + input_name(input) + ", " + regimen_name(regimen);
  }
};

inline Absorption absorption_of(Input in) {
  switch (in) {
    case Input::kFirstOrder: return Absorption::kFirstOrder;
    case Input::kZeroOrder: return Absorption::kZeroOrder;
    case Input::kTransit: return Absorption::kTransit;
    default: return Absorption::kNone;
  }
}
inline Route route_of(Input in) {
  return in == Input::kIvBolus ? Route::kIvBolus : in == Input::kIvInfusion ? Route::kIvInfusion : Route::kOral;
}

inline std::map<std::string, double> disposition_values(const DispositionParams& d) {
  std::map<std::string, double> p{{"CL", d.cl}};
  if (d.ncmt == 1) p["V"] = d.v1;
  else p.insert({{"V1", d.v1}, {"Q", d.q2}, {"V2", d.v2}});
  if (d.ncmt == 3) p.insert({{"Q3", d.q3}, {"V3", d.v3}});
  return p;
}

inline PkSystem compile(const PkModel& m, const std::map<std::string, double>& p) {
  return m.compile(twinsim::test::values_of(m.parameters(), p));
}

inline PkSystem compile_case(const Case& c) {
  const PkModel model(c.disp.ncmt, absorption_of(c.input), Elimination::kLinear);
  auto p = disposition_values(c.disp);
  p.insert({{"F", kF}, {"TLAG", kTlag}});
  if (c.input == Input::kFirstOrder) p["KA"] = kKa;
  if (c.input == Input::kZeroOrder) p["D1"] = kD1;
  if (c.input == Input::kTransit)
    p.insert({{"NTR", static_cast<double>(c.transit.ntr)}, {"MTT_ABS", c.transit.mtt}, {"KA", c.transit.ka}});
  return compile(model, p);
}

// A Michaelis-Menten model with the disposition of d (CL replaced by VMAX, KM).
inline PkSystem compile_mm(const DispositionParams& d, Absorption abs, double vmax, double km, double f, double tlag) {
  auto p = disposition_values(d);
  p.erase("CL");
  p.insert({{"VMAX", vmax}, {"KM", km}, {"F", f}, {"TLAG", tlag}});
  if (abs == Absorption::kFirstOrder) p["KA"] = kKa;
  return compile(PkModel(d.ncmt, abs, Elimination::kMichaelisMenten), p);
}

inline std::vector<DoseEvent> dose_records(const PkSystem& s, const Case& c) {
  const auto nominal = nominal_doses(c.regimen);
  if (c.regimen == Regimen::kAddl) {
    DoseEvent d = twinsim::pkpd::make_dose(s, route_of(c.input), 0.0, kDose, kInfusionH);
    d.ii = 12.0;
    d.addl = 7;
    return {d};
  }
  std::vector<DoseEvent> v;
  for (const auto& [t, amt] : nominal) v.push_back(twinsim::pkpd::make_dose(s, route_of(c.input), t, amt, kInfusionH));
  return v;
}

// The oracle's own reading of the NONMEM semantics: every dose is given at
// nominal time + TLAG, F*AMT of it; an IV infusion by duration and a zero-order
// absorption run at rate F*AMT/duration for the whole duration.
struct Given {
  double t, amount, duration;
};
inline std::vector<Given> given_doses(const Case& c) {
  const double dur = c.input == Input::kIvInfusion ? kInfusionH : c.input == Input::kZeroOrder ? kD1 : 0.0;
  std::vector<Given> g;
  for (const auto& [t, amt] : nominal_doses(c.regimen)) g.push_back({t + kTlag, kF * amt, dur});
  return g;
}

// Central amount by superposition over doses [GP ch. 2]. A sample at a
// dose time sees the dose only if it is taken after the inputs.
inline double oracle_central(const Exponentials& e, const Case& c, const std::vector<Given>& doses, const Sample& s) {
  double a = 0;
  for (const Given& d : doses) {
    const double tau = s.time - d.t;
    if (tau < 0 || (tau == 0 && !s.after_inputs)) continue;
    switch (c.input) {
      case Input::kIvBolus: a += d.amount * e.bolus(tau); break;
      case Input::kIvInfusion:
      case Input::kZeroOrder: a += d.amount / d.duration * e.infusion(tau, d.duration); break;
      case Input::kFirstOrder: a += d.amount * e.first_order(tau, kKa); break;
      case Input::kTransit: a += tau > 0 ? d.amount * transit_central(e, c.transit, tau) : 0.0; break;
    }
  }
  return a;
}

// A regular grid plus every nominal and actual dose time (pre-dose and after
// the inputs), instants shortly after, and the ends of infusions.
inline std::vector<Sample> sample_times(const std::vector<Given>& doses, double step) {
  std::vector<Sample> s;
  const double horizon = doses.back().t + 72.0;
  for (double t = 0; t <= horizon; t += step) s.push_back({t, false});
  for (const Given& d : doses) {
    for (double t : {d.t - kTlag, d.t - kTlag + 1e-3, d.t, d.t + 1e-6, d.t + 1e-2, d.t + 0.1}) s.push_back({t, false});
    s.push_back({d.t, true});
    if (d.duration > 0)
      for (double t : {d.t + d.duration - 1e-3, d.t + d.duration, d.t + d.duration + 1e-3}) s.push_back({t, false});
  }
  auto key = [](const Sample& x) { return std::make_pair(x.time, x.after_inputs); };
  std::sort(s.begin(), s.end(), [&](const Sample& a, const Sample& b) { return key(a) < key(b); });
  s.erase(std::unique(s.begin(), s.end(), [&](const Sample& a, const Sample& b) { return key(a) == key(b); }),
          s.end());
  return s;
}

// max_j |got_j - exp_j| / max(|exp_j|, 1e-3 * max|exp|)
inline double max_rel_error(const std::vector<double>& got, const std::vector<double>& expected) {
  double cmax = 0;
  for (double x : expected) cmax = std::max(cmax, std::abs(x));
  double err = 0;
  for (std::size_t j = 0; j < got.size(); ++j)
    err = std::max(err, std::abs(got[j] - expected[j]) / std::max(std::abs(expected[j]), 1e-3 * cmax));
  return err;
}

inline Trajectory simulate(PkSimulator& sim, const PkSystem& s, const std::vector<DoseEvent>& records,
                    const std::vector<Sample>& samples, Engine engine) {
  Trajectory tr;
  sim.simulate(s, twinsim::core::expand_doses(records), samples, engine, tr);
  REQUIRE(tr.status == twinsim::core::SolveStatus::kOk);
  return tr;
}

inline std::vector<double> row(const Trajectory& tr, int state, double scale = 1.0) {
  std::vector<double> v(static_cast<std::size_t>(tr.states.cols()));
  for (std::size_t j = 0; j < v.size(); ++j) v[j] = tr.states(state, static_cast<Eigen::Index>(j)) / scale;
  return v;
}

// Central concentration of the engine vs the oracle; returns the max error.
inline double check_case(PkSimulator& sim, const Case& c, Engine engine, double step) {
  const PkSystem s = compile_case(c);
  const Exponentials e = macro_constants(c.disp);
  const auto doses = given_doses(c);
  const auto samples = sample_times(doses, step);
  const Trajectory tr = simulate(sim, s, dose_records(s, c), samples, engine);
  std::vector<double> expected;
  for (const Sample& smp : samples) expected.push_back(oracle_central(e, c, doses, smp) / e.v);
  return max_rel_error(row(tr, s.idx_central, s.v_central), expected);
}


}  // namespace twinsim::test::pk_oracle
