// The right-hand side and Jacobian of a compiled PK system, in one place: the
// ODE engine (pk_simulator.cpp) and the PK model of the general interface
// (pk_model_adapter.cpp) both call these, so they compute the same numbers.
#pragma once

#include <Eigen/Core>

#include "twinsim/pkpd/pk_model.hpp"

namespace twinsim::pkpd::detail {

// dydt of the PK states: linear part, then `rate` (piecewise-constant
// zero-order inputs, mg/h; null for none), then Michaelis-Menten elimination.
inline void pk_rhs(const PkSystem& s, const double* y, const double* rate, double* dydt) {
  const int n = s.n_states;
  Eigen::Map<const Eigen::VectorXd> x(y, n);
  Eigen::Map<Eigen::VectorXd> dx(dydt, n);
  dx.noalias() = s.A * x;
  if (rate) dx += Eigen::Map<const Eigen::VectorXd>(rate, n);
  if (s.michaelis_menten) {
    const double c = y[s.idx_central] / s.v_central;
    dx[s.idx_central] -= s.vmax * c / (s.km + c);
  }
}

// The PK block of the Jacobian into jac (column-major, leading dimension ld),
// over entries the caller has zeroed.
inline void pk_jacobian(const PkSystem& s, const double* y, double* jac, int ld) {
  const int n = s.n_states;
  Eigen::Map<Eigen::MatrixXd, 0, Eigen::OuterStride<>> J(jac, n, n, Eigen::OuterStride<>(ld));
  J = s.A;
  if (s.michaelis_menten) {
    const double c = y[s.idx_central] / s.v_central;
    const double denom = s.km + c;
    J(s.idx_central, s.idx_central) -= s.vmax * s.km / (s.v_central * denom * denom);
  }
}

}  // namespace twinsim::pkpd::detail
