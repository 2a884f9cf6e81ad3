// Residual (observation) error. It is applied to observations only, never to
// the state the model integrates: the runner calls observe() on each value it
// records, with the patient's kResidualError stream, in a fixed order.
#pragma once

#include "twinsim/core/rng.hpp"
#include "twinsim/vp/population_spec.hpp"

namespace twinsim::vp {

// One observation y of the model prediction f, with eps ~ N(0, 1) (exactly one
// normal drawn from `rng`, whatever the model):
//   additive      y = f + a eps
//   proportional  y = f (1 + b eps)
//   combined      y = f + sqrt(a^2 + b^2 f^2) eps      (variances add)
//   exponential   y = f exp(c eps)
// a = spec.additive, b = spec.proportional, c = spec.exponential.
double observe(const ResidualErrorSpec& spec, double value, core::RngStream& rng);

// The standard deviation of y given f (for the exponential model: of ln y).
double residual_sd(const ResidualErrorSpec& spec, double value);

}  // namespace twinsim::vp
