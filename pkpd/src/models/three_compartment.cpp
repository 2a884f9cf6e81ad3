#include "twinsim/pkpd/models.hpp"

namespace twinsim::pkpd {

int ThreeCompartment::compartments() const { return 3; }

std::vector<ParamSpec> ThreeCompartment::parameters() const {
  return {
      {"CL", "L/h", "clearance from the central compartment", core::Range::positive()},
      {"V1", "L", "central volume", core::Range::positive()},
      {"Q", "L/h", "inter-compartmental clearance, central <-> peripheral 1", core::Range::positive()},
      {"V2", "L", "volume of peripheral compartment 1", core::Range::positive()},
      {"Q3", "L/h", "inter-compartmental clearance, central <-> peripheral 2", core::Range::positive()},
      {"V3", "L", "volume of peripheral compartment 2", core::Range::positive()},
  };
}

MicroConstants ThreeCompartment::micro_constants(const double* p) const {
  MicroConstants m;
  m.v_central = p[1];
  m.k10 = p[0] / p[1];
  m.k12 = p[2] / p[1];
  m.k21 = p[2] / p[3];
  m.k13 = p[4] / p[1];
  m.k31 = p[4] / p[5];
  return m;
}

std::string ThreeCompartment::equations() const {
  return "dA1/dt = input - (CL + Q + Q3)/V1 * A1 + Q/V2 * A2 + Q3/V3 * A3\n"
         "dA2/dt = Q/V1 * A1 - Q/V2 * A2\n"
         "dA3/dt = Q3/V1 * A1 - Q3/V3 * A3\n"
         "C = A1 / V1";
}

}  // namespace twinsim::pkpd
