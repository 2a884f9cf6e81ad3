// MAP by NLopt's BOBYQA (Powell 2009): derivative-free, bound-constrained,
// quadratic models of the objective. Chosen because the objective comes from
// adaptive ODE solves, whose finite-difference gradients are noisy, and the
// problems are small (one eta per IIV parameter). Laplace covariance: the
// inverse of half the central finite-difference Hessian of OBJ = -2 log posterior.
#include <cmath>
#include <limits>

#include <Eigen/Cholesky>
#include <nlopt.h>

#include "twinsim/trial/fit/map_fit.hpp"

namespace twinsim::trial {

IndividualFit fit_individual(IndividualObjective& f, const FitOptions& opt) {
  IndividualFit out;
  const unsigned n = static_cast<unsigned>(f.n_eta());
  out.eta.assign(n, 0.0);
  if (n == 0) {
    out.objective = f(out.eta.data());
    out.converged = true;
    f.parameters(out.eta.data(), out.parameters);
    return out;
  }
  std::vector<double> sd(n), lo(n), hi(n), step(n);
  for (unsigned i = 0; i < n; ++i) {
    sd[i] = std::sqrt(f.omega()(i, i));
    lo[i] = -opt.bound_sds * sd[i];
    hi[i] = opt.bound_sds * sd[i];
    step[i] = 0.5 * sd[i];
  }
  int evals = 0;
  struct Counted {
    IndividualObjective* f;
    int* evals;
  } counted{&f, &evals};
  auto counted_call = [](unsigned, const double* x, double*, void* d) {
    auto* c = static_cast<Counted*>(d);
    ++*c->evals;
    return (*c->f)(x);
  };
  nlopt_opt o = nlopt_create(NLOPT_LN_BOBYQA, n);
  nlopt_set_min_objective(o, counted_call, &counted);
  nlopt_set_lower_bounds(o, lo.data());
  nlopt_set_upper_bounds(o, hi.data());
  nlopt_set_initial_step(o, step.data());
  nlopt_set_ftol_abs(o, opt.ftol_abs);
  nlopt_set_xtol_abs1(o, opt.xtol_abs);
  nlopt_set_maxeval(o, opt.max_evaluations);
  double fmin = std::numeric_limits<double>::quiet_NaN();
  const nlopt_result rc = nlopt_optimize(o, out.eta.data(), &fmin);
  nlopt_destroy(o);
  out.evaluations = evals;
  out.objective = fmin;
  const bool tolerance_met = rc == NLOPT_FTOL_REACHED || rc == NLOPT_XTOL_REACHED || rc == NLOPT_SUCCESS;
  out.message = tolerance_met ? "tolerance met" : "NLopt stopped with code " + std::to_string(static_cast<int>(rc));

  // Central FD Hessian of OBJ at the MAP.
  Eigen::MatrixXd h(n, n);
  std::vector<double> x = out.eta;
  auto at = [&](unsigned i, double di, unsigned j, double dj) {
    x = out.eta;
    x[i] += di;
    x[j] += dj;
    return f(x.data());
  };
  // Off the diagonal the 7-point rule reuses the diagonal's evaluations: two
  // new ones per pair instead of the 4-point rule's four (2n^2 -> n^2 + n
  // evaluations; also O(step^2)).
  std::vector<double> plus(n), minus(n), step_of(n);
  for (unsigned i = 0; i < n; ++i) {
    step_of[i] = opt.hessian_step_sds * sd[i];
    plus[i] = at(i, step_of[i], i, 0);
    minus[i] = at(i, -step_of[i], i, 0);
    h(i, i) = (plus[i] - 2.0 * fmin + minus[i]) / (step_of[i] * step_of[i]);
  }
  for (unsigned i = 0; i < n; ++i)
    for (unsigned j = 0; j < i; ++j) {
      const double hi_ = step_of[i], hj = step_of[j];
      const double v = (at(i, hi_, j, hj) - plus[i] - plus[j] + 2.0 * fmin - minus[i] - minus[j] +
                        at(i, -hi_, j, -hj)) / (2.0 * hi_ * hj);
      h(i, j) = h(j, i) = v;
    }
  const Eigen::LLT<Eigen::MatrixXd> llt(0.5 * h);
  out.se.assign(n, std::numeric_limits<double>::quiet_NaN());
  bool hessian_ok = llt.info() == Eigen::Success;
  if (hessian_ok) {
    out.covariance = llt.solve(Eigen::MatrixXd::Identity(n, n));
    for (unsigned i = 0; i < n; ++i) out.se[i] = std::sqrt(out.covariance(i, i));
  } else {
    out.covariance = f.omega();  // the prior: the data say nothing the Laplace approximation can use
    out.message += "; Hessian not positive definite (covariance: the prior Omega)";
  }
  out.converged = tolerance_met && hessian_ok;
  f.parameters(out.eta.data(), out.parameters);
  return out;
}

FitResult fit_data_set(const Scenario& s, const core::DataSet& data, const FitOptions& opt) {
  FitResult r;
  r.parameter_names = s.parameter_names();
  r.eta_names = s.population->eta_names();
  for (std::size_t k = 0; k < data.individuals().size(); ++k) {
    IndividualObjective f(s, data, k);
    IndividualFit fit = fit_individual(f, opt);
    fit.id = data.individuals()[k].id;
    r.individuals.push_back(std::move(fit));
  }
  return r;
}

}  // namespace twinsim::trial
