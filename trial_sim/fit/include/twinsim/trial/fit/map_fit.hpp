// twinsim fit SCENARIO --data DATA.csv: per individual of a NONMEM-format data
// set, the maximum a-posteriori (MAP) estimate of the random effects (etas)
// under the scenario's population model, and their Laplace standard errors.
//
// Objective (docs/fit.md), -2 log posterior up to a constant:
//   OBJ(eta) = eta' Omega^-1 eta + sum_j [ ((y_j - f_j) / sd_j)^2 + 2 log sd_j ]
//            + sum_BLQ -2 log Phi((LLOQ - f) / sd)          (M3, Beal 2001)
// with f_j the prediction at observation j and sd_j the residual SD of the
// scenario's error model (exponential: on log y). Left out: n log(2 pi) and
// log det Omega (constant in eta).
#pragma once

#include <string>
#include <vector>

#include <Eigen/Core>

#include "twinsim/core/nonmem_data.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace twinsim::trial {

struct FitOptions {
  // NLopt BOBYQA (Powell 2009) stopping rules on the objective and on eta.
  double ftol_abs = 1e-10;
  double xtol_abs = 1e-7;
  int max_evaluations = 20000;
  // Bounds of each eta: +- this many prior SDs (sqrt(Omega_ii)).
  double bound_sds = 8.0;
  // Central finite-difference step of the Hessian, in prior SDs.
  double hessian_step_sds = 1e-3;
};

struct IndividualFit {
  double id = 0;
  std::vector<double> eta;         // MAP, Population::eta_names() order
  std::vector<double> se;          // Laplace SE per eta (NaN if the Hessian is not positive definite)
  Eigen::MatrixXd covariance;      // Laplace posterior covariance 2 H^-1 (H: Hessian of OBJ)
  std::vector<double> parameters;  // individual values at the MAP, Scenario::parameter_names() order
  double objective = 0;            // OBJ at the MAP
  bool converged = false;          // the optimiser met a tolerance and the Hessian is positive definite
  int evaluations = 0;
  std::string message;
};

struct FitResult {
  std::vector<std::string> parameter_names, eta_names;
  std::vector<IndividualFit> individuals;
};

// The objective of one individual of the data set; evaluations reuse their buffers.
class IndividualObjective {
 public:
  IndividualObjective(const Scenario& scenario, const core::DataSet& data, std::size_t individual);
  ~IndividualObjective();
  IndividualObjective(const IndividualObjective&) = delete;
  IndividualObjective& operator=(const IndividualObjective&) = delete;

  std::size_t n_eta() const;
  const Eigen::MatrixXd& omega() const;
  double operator()(const double* eta);
  // Individual parameter values at eta.
  void parameters(const double* eta, std::vector<double>& out);
  // The individual's dosing records (ADDL expanded), as the objective
  // simulates them: the history a forecast continues from.
  struct HistoryDose {
    DoseRecordSpec spec;
    double time_h, amount_mg;
  };
  const std::vector<HistoryDose>& history_doses() const;
  std::size_t n_observations() const;

 private:
  struct Impl;
  Impl* impl_;
};

// The data set must be read with fit_data_set_options(scenario). Throws
// core::DataSetError (at the CSV field) for an observed output without a
// residual error model, a missing covariate column, resets, steady-state doses.
FitResult fit_data_set(const Scenario& scenario, const core::DataSet& data, const FitOptions& options = {});

// Minimises the objective from eta = 0 with BOBYQA; Laplace covariance by FD Hessian.
IndividualFit fit_individual(IndividualObjective& objective, const FitOptions& options = {});

// The reader options of a fit: the model's compartments and outputs, fitting rules on.
core::DataSetOptions fit_data_set_options(const Scenario& scenario);

}  // namespace twinsim::trial
