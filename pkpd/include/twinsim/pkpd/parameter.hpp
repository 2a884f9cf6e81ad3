// Named model parameters with units and bounds, as the models declare them.
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "twinsim/core/config.hpp"

namespace twinsim::pkpd {

struct ParamSpec {
  std::string name;         // NONMEM/mrgsolve style, upper case: "CL", "V1"
  std::string unit;         // "L/h", "L", "1/h", "h", "mg/h", "mg/L", "-"
  std::string description;
  core::Range range;        // accepted values
  double default_value = std::numeric_limits<double>::quiet_NaN();  // NaN: required
  bool integer = false;     // structural integer (e.g. number of transit compartments)

  bool required() const { return std::isnan(default_value); }
};

// Index of `name` in specs, or -1.
int find_param(const std::vector<ParamSpec>& specs, const std::string& name);

}  // namespace twinsim::pkpd
