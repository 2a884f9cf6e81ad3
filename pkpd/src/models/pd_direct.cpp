// Direct-effect models: the effect is an algebraic function of concentration.
// Emax / sigmoid Emax (Hill): Holford & Sheiner 1981; linear and log-linear
// effect models: Gabrielsson & Weiner, Pharmacokinetic and Pharmacodynamic Data
// Analysis, 5th ed., ch. 3.
#include <cmath>

#include "twinsim/pkpd/pd_models.hpp"

namespace twinsim::pkpd {

std::vector<ParamSpec> EmaxEffect::parameters() const {
  return {
      {"E0", "-", "baseline effect", core::Range{}, 0.0},
      {"EMAX", "-", "maximum drug effect (negative for inhibition)", core::Range{}},
      {"EC50", "mg/L", "concentration at half-maximal effect", core::Range::positive()},
      {"HILL", "-", "Hill coefficient (1 = hyperbolic Emax)", core::Range::closed(0.1, 20), 1.0},
  };
}
std::vector<StateSpec> EmaxEffect::states() const { return {}; }
StateSpec EmaxEffect::output() const { return {"E", "-"}; }
std::string EmaxEffect::equations() const { return "E = E0 + EMAX * C^HILL / (EC50^HILL + C^HILL)"; }
double EmaxEffect::value(const double* p, double c, const double*) const {
  const double ch = std::pow(std::max(c, 0.0), p[3]);
  return p[0] + p[1] * ch / (std::pow(p[2], p[3]) + ch);
}
// At C = 0 the right derivative, except for HILL < 1 where it is infinite and 0
// is reported (as the indirect-response models do): a Jacobian entry must be finite.
void EmaxEffect::value_gradient(const double* p, double c, const double*, double*, double* dvdc) const {
  const double h = p[3], c50h = std::pow(p[2], h);
  if (c > 0) {
    const double ch = std::pow(c, h), den = c50h + ch;
    *dvdc = p[1] * h * std::pow(c, h - 1) * c50h / (den * den);
  } else {
    *dvdc = c == 0 && h == 1 ? p[1] / p[2] : 0.0;
  }
}

std::vector<ParamSpec> LinearEffect::parameters() const {
  return {
      {"E0", "-", "baseline effect", core::Range{}, 0.0},
      {"SLOPE", "L/mg", "effect per unit concentration", core::Range{}},
  };
}
std::vector<StateSpec> LinearEffect::states() const { return {}; }
StateSpec LinearEffect::output() const { return {"E", "-"}; }
std::string LinearEffect::equations() const { return "E = E0 + SLOPE * C"; }
double LinearEffect::value(const double* p, double c, const double*) const { return p[0] + p[1] * c; }
void LinearEffect::value_gradient(const double* p, double, const double*, double*, double* dvdc) const {
  *dvdc = p[1];
}

std::vector<ParamSpec> LogLinearEffect::parameters() const {
  return {
      {"E0", "-", "baseline effect", core::Range{}, 0.0},
      {"SLOPE", "-", "effect per e-fold increase of (C + C0)", core::Range{}},
      {"C0", "mg/L", "offset keeping the model defined at C = 0", core::Range::positive()},
  };
}
std::vector<StateSpec> LogLinearEffect::states() const { return {}; }
StateSpec LogLinearEffect::output() const { return {"E", "-"}; }
std::string LogLinearEffect::equations() const { return "E = E0 + SLOPE * ln((C + C0) / C0)"; }
double LogLinearEffect::value(const double* p, double c, const double*) const {
  return p[0] + p[1] * std::log((std::max(c, 0.0) + p[2]) / p[2]);
}
// At C = 0 the right derivative (concentrations are not negative).
void LogLinearEffect::value_gradient(const double* p, double c, const double*, double*, double* dvdc) const {
  *dvdc = c >= 0 ? p[1] / (c + p[2]) : 0.0;
}

// Effect compartment (Sheiner et al. 1979): a hypothetical compartment with
// negligible mass that lags plasma with rate constant KE0.
std::vector<ParamSpec> EffectCompartment::parameters() const {
  return {{"KE0", "1/h", "equilibration rate constant between plasma and effect site", core::Range::positive()}};
}
std::vector<StateSpec> EffectCompartment::states() const { return {{"Ce", "mg/L"}}; }
StateSpec EffectCompartment::output() const { return {"Ce", "mg/L"}; }
std::string EffectCompartment::equations() const { return "dCe/dt = KE0 * (C - Ce)"; }
void EffectCompartment::initial(const double*, double* y) const { y[0] = 0.0; }
void EffectCompartment::rhs(const double* p, double, double c, const double* y, double* dy) const {
  dy[0] = p[0] * (c - y[0]);
}
void EffectCompartment::jacobian(const double* p, double, double, const double*, double* dfdy, int,
                                 double* dfdc) const {
  dfdy[0] = -p[0];
  dfdc[0] = p[0];
}
double EffectCompartment::value(const double*, double, const double* y) const { return y[0]; }
void EffectCompartment::value_gradient(const double*, double, const double*, double* dvdy, double* dvdc) const {
  dvdy[0] = 1.0;
  *dvdc = 0.0;
}

}  // namespace twinsim::pkpd
