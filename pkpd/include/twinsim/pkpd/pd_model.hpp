// Pharmacodynamic models driven by a concentration (the central concentration
// Cc or an effect-compartment concentration Ce), in mg/L. One file per model in
// pkpd/src/models/pd_*.cpp, one line in the registry.
//
// A model is pure: rhs()/jacobian()/output() take the parameter values and the
// state, allocate nothing and keep no state, so one instance serves all threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "twinsim/pkpd/parameter.hpp"

namespace twinsim::pkpd {

struct StateSpec {
  std::string name;
  std::string unit;
};

class PdModel {
 public:
  virtual ~PdModel() = default;
  virtual std::vector<ParamSpec> parameters() const = 0;
  // ODE states (empty for direct-effect models).
  virtual std::vector<StateSpec> states() const = 0;
  // The clinically read output ("ANC", "TUMOR", "E", "Ce", "R") and its unit.
  virtual StateSpec output() const = 0;
  virtual std::string equations() const = 0;
  // Checks relations between parameter values that single-parameter bounds
  // cannot express; returns an error message or "".
  virtual std::string check(const double* p) const {
    (void)p;
    return "";
  }

  int n_states() const { return static_cast<int>(states().size()); }

  // Initial state: the system at rest without drug.
  virtual void initial(const double* p, double* y) const {
    (void)p;
    (void)y;
  }
  // dy/dt given the driving concentration c (mg/L) and the time since the
  // first dose t (h; used by models with time-dependent drug effect).
  virtual void rhs(const double* p, double t, double c, const double* y, double* dy) const {
    (void)p, (void)t, (void)c, (void)y, (void)dy;
  }
  // Jacobian: dfdy is n x n column-major with leading dimension ld; dfdc = df/dc.
  virtual void jacobian(const double* p, double t, double c, const double* y, double* dfdy, int ld,
                        double* dfdc) const {
    (void)p, (void)t, (void)c, (void)y, (void)dfdy, (void)ld, (void)dfdc;
  }
  // The output at concentration c and state y. A model that can drive other
  // models (the effect compartment) returns its first state.
  virtual double value(const double* p, double c, const double* y) const = 0;
  // Derivatives of value() at the same point: dvdy[j] = d value / d y_j
  // (n_states() entries, every one written) and *dvdc = d value / d c. The
  // general model interface composes models by the chain rule through these.
  virtual void value_gradient(const double* p, double c, const double* y, double* dvdy, double* dvdc) const = 0;
  // True if value() is y[0] and the model may drive others (input: Ce).
  virtual bool is_effect_compartment() const { return false; }

  // Models with several outputs (user-defined ones, pkpd/user): output k of
  // n_outputs(); output 0 is output()/value(). Built-in models have one.
  virtual int n_outputs() const { return 1; }
  virtual double value_of(int k, const double* p, double c, const double* y) const {
    (void)k;
    return value(p, c, y);
  }
  virtual void gradient_of(int k, const double* p, double c, const double* y, double* dvdy, double* dvdc) const {
    (void)k;
    value_gradient(p, c, y, dvdy, dvdc);
  }
};

}  // namespace twinsim::pkpd
