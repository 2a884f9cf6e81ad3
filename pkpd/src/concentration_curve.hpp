// Cc(t) of a linear PK system as a piecewise sum of exponentials: the hybrid
// engine's input to the PD equations and the exact source of the exposure
// metrics of linear PK (issue 13).
//
// Between input changes the linear PK state is a sum of exponentials, so
// Cc(t) = b_k + sum_i a_ik exp(lambda_i (t - t_k)) on interval k, from the
// eigendecomposition of the PK matrix (b_k: the constant infusion term).
#pragma once

#include <vector>

#include <Eigen/Dense>

#include "twinsim/pkpd/exposure_trace.hpp"
#include "twinsim/pkpd/model_system.hpp"
#include "twinsim/core/dosing.hpp"

namespace twinsim::pkpd::detail {

class AnalyticPropagator;

class ConcentrationCurve {
 public:
  // False when the PK matrix is not safely diagonalisable (repeated or nearly
  // repeated eigenvalues, e.g. transit chains, or complex ones).
  bool prepare(const PkSystem& s);
  // Intervals from the input actions; prepare() must have succeeded.
  void build(const ModelSystem& m, const std::vector<core::InputAction>& actions, AnalyticPropagator& prop);
  double operator()(double t) const;
  // Appends, ascending, every stationary point of Cc and (threshold > 0)
  // every crossing of the threshold strictly inside an interval, up to t_end,
  // located to within 1e-9 h by root-finding on the exact derivative.
  void critical_points(double t_end, double threshold, std::vector<CcPoint>& out) const;

 private:
  using Vec = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, kMaxStates, 1>;
  using Mat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kMaxStates, kMaxStates>;
  double value(const double* k, double tau) const;

  int m_ = 0;                    // PK states without AUC
  Vec lambda_;                   // eigenvalues (1/h)
  Mat vecs_, vecs_inv_;
  Eigen::PartialPivLU<Eigen::MatrixXd> a_lu_;
  std::vector<double> start_;    // interval start times (ascending)
  std::vector<double> coef_;     // per interval: b, then m coefficients a_i
  mutable std::size_t cursor_ = 0;
  mutable std::vector<double> roots_;  // scratch of critical_points
};

}  // namespace twinsim::pkpd::detail
