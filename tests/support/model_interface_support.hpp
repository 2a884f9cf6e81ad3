// Shared by the tests of the general model interface (pkpd/model.hpp): every
// derivative a Model reports against central finite differences of the
// functions it differentiates, the sparsity it claims, and a plain CVODE
// solve of a bound Model after one dose.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "twinsim/core/ode.hpp"
#include "twinsim/pkpd/model.hpp"
#include "twinsim/pkpd/model_ode.hpp"

namespace twinsim::test {

// |a - b| / max(|b|, 1).
inline double scaled_err(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1.0); }

// Checks J, dJdu, dOdy and dOdu at (t, y, u) against central differences of
// rhs() and outputs() (step 1e-6 * max(|x|, 1); the truncation error of a
// smooth function is then O(1e-12), so `tol` 1e-6 leaves room for rounding
// only), and that every entry outside a declared sparsity pattern is exactly 0.
// Returns the largest scaled difference seen.
inline double check_derivatives(const pkpd::Model& m, pkpd::Workspace& ws, double t, std::vector<double> y,
                                std::vector<double> u, double tol = 1e-6) {
  const int n = m.n_states(), k = m.n_inputs(), o = m.n_outputs();
  REQUIRE(static_cast<int>(y.size()) == n);
  REQUIRE(static_cast<int>(u.size()) == k);
  const pkpd::ModelInfo& info = m.info();
  std::vector<double> J(n * n), dJdu(n * k), dOdy(o * n), dOdu(o * k);
  const double* up = k ? u.data() : nullptr;
  m.jacobian(t, y.data(), up, J.data(), k ? dJdu.data() : nullptr, ws);
  m.output_jacobian(t, y.data(), up, dOdy.data(), k ? dOdu.data() : nullptr, ws);
  std::vector<double> fp(n), fm(n), op(o), om(o);
  double worst = 0.0;
  for (int j = 0; j < n + k; ++j) {
    double& x = j < n ? y[j] : u[j - n];
    const double x0 = x, h = 1e-6 * std::max(std::abs(x0), 1.0);
    x = x0 + h;
    m.rhs(t, y.data(), up, fp.data(), ws);
    m.outputs(t, y.data(), up, op.data(), ws);
    x = x0 - h;
    m.rhs(t, y.data(), up, fm.data(), ws);
    m.outputs(t, y.data(), up, om.data(), ws);
    x = x0;
    for (int i = 0; i < n; ++i) {
      const double fd = (fp[i] - fm[i]) / (2 * h);
      const double an = j < n ? J[i + j * n] : dJdu[i + (j - n) * n];
      const bool declared = j < n ? info.jacobian.may_be_nonzero(i, j) : info.input_jacobian.may_be_nonzero(i, j - n);
      INFO(m.name() << ": d rhs[" << info.states[i].name << "] / d " << (j < n ? info.states[j].name : info.inputs[j - n].name)
                    << " analytic " << an << ", central difference " << fd);
      CHECK(scaled_err(an, fd) < tol);
      if (!declared) CHECK(an == 0.0);
      worst = std::max(worst, scaled_err(an, fd));
    }
    for (int i = 0; i < o; ++i) {
      const double fd = (op[i] - om[i]) / (2 * h);
      const double an = j < n ? dOdy[i + j * o] : dOdu[i + (j - n) * o];
      const bool declared =
          j < n ? info.output_jacobian.may_be_nonzero(i, j) : info.output_input_jacobian.may_be_nonzero(i, j - n);
      INFO(m.name() << ": d " << info.outputs[i].name << " / d "
                    << (j < n ? info.states[j].name : info.inputs[j - n].name) << " analytic " << an
                    << ", central difference " << fd);
      CHECK(scaled_err(an, fd) < tol);
      if (!declared) CHECK(an == 0.0);
      worst = std::max(worst, scaled_err(an, fd));
    }
  }
  return worst;
}

// Random states in [lo, hi] (positive: concentrations and cell counts).
inline std::vector<double> random_point(std::mt19937_64& rng, int n, double lo, double hi) {
  std::uniform_real_distribution<double> d(lo, hi);
  std::vector<double> v(static_cast<std::size_t>(n));
  for (auto& x : v) x = d(rng);
  return v;
}

// States after one dose of `amount` by `route` at t = 0 (F applied), at each
// of `times`, integrated by CVODE with the analytic Jacobian. Rows: times.
inline std::vector<std::vector<double>> solve_after_dose(const pkpd::Model& m, pkpd::Workspace& ws,
                                                         const std::string& route, double amount,
                                                         const std::vector<double>& times,
                                                         const core::OdeOptions& opt = {}) {
  std::vector<double> y(static_cast<std::size_t>(m.n_states()));
  m.initial_state(y.data(), ws);
  int r = -1;
  for (std::size_t i = 0; i < m.info().dosing.size(); ++i)
    if (m.info().dosing[i].route == route) r = static_cast<int>(i);
  REQUIRE(r >= 0);
  y[static_cast<std::size_t>(m.info().dosing[static_cast<std::size_t>(r)].state)] +=
      m.dose_modifiers(r, ws).f * amount;
  pkpd::ModelOdeSystem sys(m, ws);
  core::CvodeSolver solver(m.n_states());
  solver.start(sys, 0.0, y.data(), opt);
  std::vector<std::vector<double>> out;
  for (double t : times) {
    REQUIRE(solver.advance(t, times.back(), y.data()) == core::SolveStatus::kOk);
    out.push_back(y);
  }
  return out;
}

}  // namespace twinsim::test
