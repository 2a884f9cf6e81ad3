// Linear PK solved exactly, PD integrated by CVODE with the concentration as a
// known function of time (issue 8's fast path).
//
// Between input changes the linear PK state is a sum of exponentials, so
// Cc(t) = b_k + sum_i a_ik exp(lambda_i (t - t_k)) on interval k, from the
// eigendecomposition of the PK matrix. Only the PD states go through CVODE, and
// the solver restarts only where Cc jumps (an IV bolus into the central
// compartment): oral doses and infusion changes leave Cc continuous.
#pragma once

#include <vector>

#include <Eigen/Dense>

#include "twinsim/core/ode.hpp"
#include "twinsim/pkpd/pk_simulator.hpp"

namespace twinsim::pkpd::detail {

class AnalyticPropagator;

// Cc(t) as a piecewise sum of exponentials.
class ConcentrationCurve {
 public:
  // False when the PK matrix is not safely diagonalisable (repeated or nearly
  // repeated eigenvalues, e.g. transit chains): use the full ODE then.
  bool prepare(const PkSystem& s);
  // Intervals from the input actions; prepare() must have succeeded.
  void build(const ModelSystem& m, const std::vector<core::InputAction>& actions, AnalyticPropagator& prop);
  double operator()(double t) const;

 private:
  using Vec = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, kMaxStates, 1>;
  using Mat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kMaxStates, kMaxStates>;
  int m_ = 0;                    // PK states without AUC
  Vec lambda_;                   // eigenvalues (1/h)
  Mat vecs_, vecs_inv_;
  Eigen::PartialPivLU<Eigen::MatrixXd> a_lu_;
  std::vector<double> start_;    // interval start times (ascending)
  std::vector<double> coef_;     // per interval: b, then m coefficients a_i
  mutable std::size_t cursor_ = 0;
};

class HybridEngine {
 public:
  bool applicable(const ModelSystem& m) { return m.pk.linear() && m.has_pd_states() && curve_.prepare(m.pk); }
  // Fills out.states; PK rows must already hold the analytic PK solution.
  void run_pd(const ModelSystem& m, const std::vector<core::InputAction>& actions,
              const std::vector<Sample>& samples, core::OdeIntegrator& solver, const core::OdeOptions& opt,
              AnalyticPropagator& prop, Trajectory& out);

 private:
  ConcentrationCurve curve_;
  std::vector<std::pair<double, bool>> breaks_;  // input-change times; true where Cc jumps
};

}  // namespace twinsim::pkpd::detail
