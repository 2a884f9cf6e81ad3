// Semi-mechanistic myelosuppression model (Friberg et al. 2002, J Clin Oncol
// 20:4713): a self-renewing proliferating pool, three transit compartments and
// circulating neutrophils, KTR = 4 / MTT, feedback (CIRC0 / CIRC)^GAMMA on
// proliferation, and a drug effect that is linear (SLOPE * C) or Emax in C.
#include <algorithm>
#include <cmath>

#include "twinsim/pkpd/pd_models.hpp"

namespace twinsim::pkpd {

namespace {
// Keeps the feedback term finite if a solver step overshoots to CIRC <= 0.
constexpr double kMinCirc = 1e-12;
}  // namespace

Friberg::Friberg(bool emax) : emax_(emax) {}

std::vector<ParamSpec> Friberg::parameters() const {
  std::vector<ParamSpec> p = {
      {"CIRC0", "10^9/L", "baseline circulating neutrophil count (ANC)", core::Range::positive()},
      {"MTT", "h", "mean transit time through the maturation chain; KTR = 4 / MTT", core::Range::positive()},
      {"GAMMA", "-", "feedback exponent of (CIRC0 / CIRC)", core::Range::closed(0, 5)},
  };
  if (emax_) {
    p.push_back({"EMAX", "-", "maximum drug effect on proliferation", core::Range::positive()});
    p.push_back({"EC50", "mg/L", "concentration at half-maximal drug effect", core::Range::positive()});
  } else {
    p.push_back({"SLOPE", "L/mg", "linear drug effect per unit concentration", core::Range::non_negative()});
  }
  return p;
}

std::vector<StateSpec> Friberg::states() const {
  return {{"PROL", "10^9/L"}, {"TRANSIT1", "10^9/L"}, {"TRANSIT2", "10^9/L"}, {"TRANSIT3", "10^9/L"},
          {"CIRC", "10^9/L"}};
}

StateSpec Friberg::output() const { return {"ANC", "10^9/L"}; }

std::string Friberg::equations() const {
  return std::string("KTR = 4/MTT; EDRUG = ") + (emax_ ? "EMAX*C/(EC50 + C)" : "SLOPE*C") +
         "\ndPROL/dt = KTR*PROL*(1 - EDRUG)*(CIRC0/CIRC)^GAMMA - KTR*PROL"
         "\ndTRANSIT1/dt = KTR*(PROL - TRANSIT1)"
         "\ndTRANSIT2/dt = KTR*(TRANSIT1 - TRANSIT2)"
         "\ndTRANSIT3/dt = KTR*(TRANSIT2 - TRANSIT3)"
         "\ndCIRC/dt = KTR*(TRANSIT3 - CIRC); ANC = CIRC; all states start at CIRC0";
}

void Friberg::initial(const double* p, double* y) const { std::fill(y, y + 5, p[0]); }

void Friberg::drug(const double* p, double c, double& e, double& de) const {
  c = std::max(c, 0.0);
  if (emax_) {
    e = p[3] * c / (p[4] + c);
    de = p[3] * p[4] / ((p[4] + c) * (p[4] + c));
  } else {
    e = p[3] * c;
    de = p[3];
  }
}

void Friberg::rhs(const double* p, double, double c, const double* y, double* dy) const {
  const double ktr = 4.0 / p[1];
  double e = 0, de = 0;
  drug(p, c, e, de);
  const double fb = std::pow(p[0] / std::max(y[4], kMinCirc), p[2]);
  // PROL > 0 in exact arithmetic (its equation is linear in PROL). Under the
  // absolute tolerance a step can overshoot below 0 while the drug effect
  // exceeds 1; the feedback term then drove that negative pool to -1e48 once
  // the effect fell below 1 again. Below 0 only the loss term acts, returning
  // it to 0; PROL > 0 is computed as before, bit for bit.
  dy[0] = y[0] > 0.0 ? ktr * y[0] * (1.0 - e) * fb - ktr * y[0] : -ktr * y[0];
  dy[1] = ktr * (y[0] - y[1]);
  dy[2] = ktr * (y[1] - y[2]);
  dy[3] = ktr * (y[2] - y[3]);
  dy[4] = ktr * (y[3] - y[4]);
}

void Friberg::jacobian(const double* p, double, double c, const double* y, double* J, int ld,
                       double* dfdc) const {
  const double ktr = 4.0 / p[1];
  double e = 0, de = 0;
  drug(p, c, e, de);
  const double circ = std::max(y[4], kMinCirc);
  const double fb = std::pow(p[0] / circ, p[2]);
  auto at = [&](int i, int j) -> double& { return J[i + j * ld]; };
  const bool grows = y[0] > 0.0;  // the branch of rhs()
  at(0, 0) = grows ? ktr * (1.0 - e) * fb - ktr : -ktr;
  at(0, 4) = grows ? -ktr * y[0] * (1.0 - e) * p[2] * fb / circ : 0.0;
  for (int i = 1; i < 5; ++i) {
    at(i, i - 1) = ktr;
    at(i, i) = -ktr;
  }
  dfdc[0] = grows ? -ktr * y[0] * fb * de : 0.0;
  for (int i = 1; i < 5; ++i) dfdc[i] = 0.0;
}

double Friberg::value(const double*, double, const double* y) const { return y[4]; }
void Friberg::value_gradient(const double*, double, const double*, double* dvdy, double* dvdc) const {
  for (int j = 0; j < 5; ++j) dvdy[j] = j == 4 ? 1.0 : 0.0;
  *dvdc = 0.0;
}

}  // namespace twinsim::pkpd
