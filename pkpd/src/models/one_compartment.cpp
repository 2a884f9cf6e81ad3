#include "twinsim/pkpd/models.hpp"

namespace twinsim::pkpd {

int OneCompartment::compartments() const { return 1; }

std::vector<ParamSpec> OneCompartment::parameters() const {
  return {
      {"CL", "L/h", "clearance", core::Range::positive()},
      {"V", "L", "volume of distribution", core::Range::positive()},
  };
}

MicroConstants OneCompartment::micro_constants(const double* p) const {
  MicroConstants m;
  m.v_central = p[1];
  m.k10 = p[0] / p[1];
  return m;
}

std::string OneCompartment::equations() const {
  return "dA1/dt = input - CL/V * A1\n"
         "C = A1 / V";
}

}  // namespace twinsim::pkpd
