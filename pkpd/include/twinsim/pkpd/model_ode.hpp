// A bound Model as a core::OdeSystem, for CVODE or Dormand-Prince: one virtual
// call per right-hand side and per Jacobian, the analytic Jacobian always.
// Driving inputs are held at fixed values (a composed model links its own);
// doses are the host's: it changes the state between advance() calls and
// restarts the integrator there.
#pragma once

#include <vector>

#include "twinsim/core/ode.hpp"
#include "twinsim/pkpd/model.hpp"

namespace twinsim::pkpd {

class ModelOdeSystem final : public core::OdeSystem {
 public:
  // ws must be the model's, bound; u holds model.n_inputs() values (copied).
  ModelOdeSystem(const Model& model, Workspace& ws, std::vector<double> u = {});

  int size() const override { return model_.n_states(); }
  void rhs(double t, const double* y, double* ydot) const override {
    model_.rhs(t, y, u_.empty() ? nullptr : u_.data(), ydot, ws_);
  }
  bool has_jacobian() const override { return true; }
  bool jacobian(double t, const double* y, double* jac) const override {
    model_.jacobian(t, y, u_.empty() ? nullptr : u_.data(), jac, nullptr, ws_);
    return true;
  }

 private:
  const Model& model_;
  Workspace& ws_;
  std::vector<double> u_;
};

}  // namespace twinsim::pkpd
