#include "twinsim/pkpd/models.hpp"

namespace twinsim::pkpd {

int TwoCompartment::compartments() const { return 2; }

std::vector<ParamSpec> TwoCompartment::parameters() const {
  return {
      {"CL", "L/h", "clearance from the central compartment", core::Range::positive()},
      {"V1", "L", "central volume", core::Range::positive()},
      {"Q", "L/h", "inter-compartmental clearance", core::Range::positive()},
      {"V2", "L", "peripheral volume", core::Range::positive()},
  };
}

MicroConstants TwoCompartment::micro_constants(const double* p) const {
  MicroConstants m;
  m.v_central = p[1];
  m.k10 = p[0] / p[1];
  m.k12 = p[2] / p[1];
  m.k21 = p[2] / p[3];
  return m;
}

std::string TwoCompartment::equations() const {
  return "dA1/dt = input - (CL + Q)/V1 * A1 + Q/V2 * A2\n"
         "dA2/dt = Q/V1 * A1 - Q/V2 * A2\n"
         "C = A1 / V1";
}

}  // namespace twinsim::pkpd
