// Indirect response models I-IV (Dayneka, Garg & Jusko 1993, J Pharmacokinet
// Biopharm 21:457). Response R with zero-order production KIN = R0 * KOUT and
// first-order loss KOUT; the drug inhibits (I, II) or stimulates (III, IV)
// production (I, III) or loss (II, IV). Steady state without drug: R = R0.
#include <cmath>

#include "twinsim/pkpd/pd_models.hpp"

namespace twinsim::pkpd {

namespace {
// Drug term H(C) = CMAX_EFFECT * C^h / (C50^h + C^h) and its derivative.
void hill(double c, double emax, double c50, double h, double& value, double& deriv) {
  c = std::max(c, 0.0);
  const double ch = std::pow(c, h), c50h = std::pow(c50, h);
  value = emax * ch / (c50h + ch);
  deriv = c > 0 ? emax * h * c50h * ch / (c * (c50h + ch) * (c50h + ch)) : 0.0;
}
}  // namespace

IndirectResponse::IndirectResponse(int type) : type_(type) {}

std::vector<ParamSpec> IndirectResponse::parameters() const {
  const bool inhibit = type_ <= 2;
  return {
      {"R0", "-", "baseline response (KIN = R0 * KOUT)", core::Range::positive()},
      {"KOUT", "1/h", "first-order loss rate constant of the response", core::Range::positive()},
      {inhibit ? "IMAX" : "EMAX", "-", inhibit ? "maximum inhibition" : "maximum stimulation",
       inhibit ? core::Range{0.0, 1.0, true, false} : core::Range::positive()},
      {inhibit ? "IC50" : "EC50", "mg/L", "concentration at half-maximal drug effect", core::Range::positive()},
      {"HILL", "-", "Hill coefficient", core::Range::closed(0.1, 20), 1.0},
  };
}

std::vector<StateSpec> IndirectResponse::states() const { return {{"R", "-"}}; }
StateSpec IndirectResponse::output() const { return {"R", "-"}; }

std::string IndirectResponse::equations() const {
  switch (type_) {
    case 1: return "dR/dt = KIN*(1 - IMAX*C^HILL/(IC50^HILL + C^HILL)) - KOUT*R, KIN = R0*KOUT";
    case 2: return "dR/dt = KIN - KOUT*(1 - IMAX*C^HILL/(IC50^HILL + C^HILL))*R, KIN = R0*KOUT";
    case 3: return "dR/dt = KIN*(1 + EMAX*C^HILL/(EC50^HILL + C^HILL)) - KOUT*R, KIN = R0*KOUT";
    default: return "dR/dt = KIN - KOUT*(1 + EMAX*C^HILL/(EC50^HILL + C^HILL))*R, KIN = R0*KOUT";
  }
}

void IndirectResponse::initial(const double* p, double* y) const { y[0] = p[0]; }

void IndirectResponse::rhs(const double* p, double, double c, const double* y, double* dy) const {
  const double kin = p[0] * p[1], kout = p[1];
  double h = 0, dh = 0;
  hill(c, p[2], p[3], p[4], h, dh);
  switch (type_) {
    case 1: dy[0] = kin * (1 - h) - kout * y[0]; break;
    case 2: dy[0] = kin - kout * (1 - h) * y[0]; break;
    case 3: dy[0] = kin * (1 + h) - kout * y[0]; break;
    default: dy[0] = kin - kout * (1 + h) * y[0]; break;
  }
}

void IndirectResponse::jacobian(const double* p, double, double c, const double* y, double* dfdy, int,
                                double* dfdc) const {
  const double kin = p[0] * p[1], kout = p[1];
  double h = 0, dh = 0;
  hill(c, p[2], p[3], p[4], h, dh);
  switch (type_) {
    case 1: dfdy[0] = -kout; dfdc[0] = -kin * dh; break;
    case 2: dfdy[0] = -kout * (1 - h); dfdc[0] = kout * dh * y[0]; break;
    case 3: dfdy[0] = -kout; dfdc[0] = kin * dh; break;
    default: dfdy[0] = -kout * (1 + h); dfdc[0] = -kout * dh * y[0]; break;
  }
}

double IndirectResponse::value(const double*, double, const double* y) const { return y[0]; }
void IndirectResponse::value_gradient(const double*, double, const double*, double* dvdy, double* dvdc) const {
  dvdy[0] = 1.0;
  *dvdc = 0.0;
}

}  // namespace twinsim::pkpd
