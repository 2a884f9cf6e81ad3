// Disposition models: how drug distributes and is eliminated once it is in the
// central compartment. One file per model in pkpd/src/models/, one registry line.
#pragma once

#include <string>
#include <vector>

#include "twinsim/pkpd/parameter.hpp"

namespace twinsim::pkpd {

// First-order rate constants of a mammillary model (1/h) and the central volume (L).
// Compartment 1 is central; peripheral compartments 2 and 3 exchange with it.
struct MicroConstants {
  double v_central = 1.0;  // L
  double k10 = 0.0;        // elimination (0 when elimination is Michaelis-Menten)
  double k12 = 0.0, k21 = 0.0;
  double k13 = 0.0, k31 = 0.0;
};

class Disposition {
 public:
  virtual ~Disposition() = default;
  virtual int compartments() const = 0;
  // Parameters in a fixed order; the first one is the clearance "CL", which
  // Michaelis-Menten elimination replaces by VMAX and KM.
  virtual std::vector<ParamSpec> parameters() const = 0;
  // values are in the order of parameters(). With MM elimination, values[0] is
  // ignored and k10 must be set to 0 by the caller.
  virtual MicroConstants micro_constants(const double* values) const = 0;
  // Plain-text equations for `twinsim models` (amounts A, concentrations C = A/V).
  virtual std::string equations() const = 0;
};

}  // namespace twinsim::pkpd
