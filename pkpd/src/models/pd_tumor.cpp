// Tumour growth inhibition models. Time t is hours since the first dose.
//  - Claret et al. 2009 (J Clin Oncol 27:4103): exponential growth KL, drug
//    kill KD * C proportional to size, resistance exp(-LAMBDA * t).
//  - Simeoni et al. 2004 (Cancer Res 64:1094): exponential-then-linear growth
//    (switch sharpness PSI = 20) and drug-damaged cells passing through three
//    transit compartments (K1) before death. Applied here to tumour size in mm
//    (sum of longest diameters) rather than xenograft weight.
#include <cmath>

#include "twinsim/pkpd/pd_models.hpp"

namespace twinsim::pkpd {

std::vector<ParamSpec> Claret::parameters() const {
  return {
      {"TUMOR0", "mm", "baseline tumour size (sum of longest diameters)", core::Range::positive()},
      {"KL", "1/h", "exponential growth rate constant", core::Range::non_negative()},
      {"KD", "L/mg/h", "drug kill rate constant per unit concentration", core::Range::non_negative()},
      {"LAMBDA", "1/h", "decay rate of the drug effect (resistance)", core::Range::non_negative()},
  };
}
std::vector<StateSpec> Claret::states() const { return {{"TUMOR", "mm"}}; }
StateSpec Claret::output() const { return {"TUMOR", "mm"}; }
std::string Claret::equations() const {
  return "dTUMOR/dt = KL*TUMOR - KD*exp(-LAMBDA*t)*C*TUMOR, TUMOR(0) = TUMOR0";
}
void Claret::initial(const double* p, double* y) const { y[0] = p[0]; }
void Claret::rhs(const double* p, double t, double c, const double* y, double* dy) const {
  dy[0] = (p[1] - p[2] * std::exp(-p[3] * t) * c) * y[0];
}
void Claret::jacobian(const double* p, double t, double c, const double* y, double* J, int, double* dfdc) const {
  const double kill = p[2] * std::exp(-p[3] * t);
  J[0] = p[1] - kill * c;
  dfdc[0] = -kill * y[0];
}
double Claret::value(const double*, double, const double* y) const { return y[0]; }
void Claret::value_gradient(const double*, double, const double*, double* dvdy, double* dvdc) const {
  dvdy[0] = 1.0;
  *dvdc = 0.0;
}

std::vector<ParamSpec> Simeoni::parameters() const {
  return {
      {"TUMOR0", "mm", "baseline tumour size", core::Range::positive()},
      {"LAMBDA0", "1/h", "exponential growth rate constant", core::Range::positive()},
      {"LAMBDA1", "mm/h", "linear growth rate", core::Range::positive()},
      {"K1", "1/h", "transit rate constant of damaged cells", core::Range::positive()},
      {"K2", "L/mg/h", "drug potency: damage rate per unit concentration", core::Range::non_negative()},
      {"PSI", "-", "sharpness of the switch from exponential to linear growth", core::Range::closed(1, 100), 20.0},
  };
}
std::vector<StateSpec> Simeoni::states() const {
  return {{"X1", "mm"}, {"X2", "mm"}, {"X3", "mm"}, {"X4", "mm"}};
}
StateSpec Simeoni::output() const { return {"TUMOR", "mm"}; }
std::string Simeoni::equations() const {
  return "W = X1 + X2 + X3 + X4 (= TUMOR)"
         "\ndX1/dt = LAMBDA0*X1 / (1 + (LAMBDA0/LAMBDA1*W)^PSI)^(1/PSI) - K2*C*X1"
         "\ndX2/dt = K2*C*X1 - K1*X2"
         "\ndX3/dt = K1*(X2 - X3)"
         "\ndX4/dt = K1*(X3 - X4); X1(0) = TUMOR0, X2..X4(0) = 0";
}
void Simeoni::initial(const double* p, double* y) const {
  y[0] = p[0];
  y[1] = y[2] = y[3] = 0.0;
}

namespace {
// base = (1 + (a w)^psi)^(-1/psi) and sig = (a w)^psi / (1 + (a w)^psi), computed
// through logs so large sizes do not overflow.
void simeoni_switch(const double* p, double w, double& base, double& sig) {
  const double aw = std::max(p[1] / p[2] * w, 1e-300);
  const double s = p[5] * std::log(aw);
  const double softplus = s > 30 ? s + std::log1p(std::exp(-s)) : std::log1p(std::exp(s));
  base = std::exp(-softplus / p[5]);
  sig = s > 0 ? 1.0 / (1.0 + std::exp(-s)) : std::exp(s) / (1.0 + std::exp(s));
}
}  // namespace

void Simeoni::rhs(const double* p, double, double c, const double* y, double* dy) const {
  const double w = y[0] + y[1] + y[2] + y[3];
  double base = 0, sig = 0;
  simeoni_switch(p, w, base, sig);
  const double damage = p[4] * std::max(c, 0.0) * y[0];
  dy[0] = p[1] * y[0] * base - damage;
  dy[1] = damage - p[3] * y[1];
  dy[2] = p[3] * (y[1] - y[2]);
  dy[3] = p[3] * (y[2] - y[3]);
}

void Simeoni::jacobian(const double* p, double, double c, const double* y, double* J, int ld, double* dfdc) const {
  const double w = y[0] + y[1] + y[2] + y[3];
  double base = 0, sig = 0;
  simeoni_switch(p, w, base, sig);
  auto at = [&](int i, int j) -> double& { return J[i + j * ld]; };
  const double dg_dw = w > 0 ? -p[1] * y[0] * sig * base / w : 0.0;
  const double k2c = p[4] * std::max(c, 0.0);
  for (int j = 0; j < 4; ++j) at(0, j) = dg_dw;
  at(0, 0) += p[1] * base - k2c;
  at(1, 0) = k2c;
  at(1, 1) = -p[3];
  at(2, 1) = p[3];
  at(2, 2) = -p[3];
  at(3, 2) = p[3];
  at(3, 3) = -p[3];
  dfdc[0] = -p[4] * y[0];
  dfdc[1] = p[4] * y[0];
  dfdc[2] = dfdc[3] = 0.0;
}

double Simeoni::value(const double*, double, const double* y) const { return y[0] + y[1] + y[2] + y[3]; }
void Simeoni::value_gradient(const double*, double, const double*, double* dvdy, double* dvdc) const {
  for (int j = 0; j < 4; ++j) dvdy[j] = 1.0;
  *dvdc = 0.0;
}

}  // namespace twinsim::pkpd
