#include "twinsim/vp/residual_error.hpp"

#include <cmath>

namespace twinsim::vp {

double residual_sd(const ResidualErrorSpec& spec, double value) {
  switch (spec.model) {
    case ResidualModel::kAdditive: return spec.additive;
    case ResidualModel::kProportional: return spec.proportional * std::abs(value);
    case ResidualModel::kCombined:
      return std::sqrt(spec.additive * spec.additive + spec.proportional * spec.proportional * value * value);
    case ResidualModel::kExponential: return spec.exponential;
  }
  return 0.0;
}

double observe(const ResidualErrorSpec& spec, double value, core::RngStream& rng) {
  const double eps = rng.normal();
  switch (spec.model) {
    case ResidualModel::kAdditive: return value + spec.additive * eps;
    case ResidualModel::kProportional: return value * (1.0 + spec.proportional * eps);
    case ResidualModel::kCombined: return value + residual_sd(spec, value) * eps;
    case ResidualModel::kExponential: return value * std::exp(spec.exponential * eps);
  }
  return value;
}

}  // namespace twinsim::vp
