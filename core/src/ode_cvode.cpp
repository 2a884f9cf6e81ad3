// The one file that talks to SUNDIALS (CVODE, 6.x API).
#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <stdexcept>

#include "twinsim/core/ode.hpp"

namespace twinsim::core {

const char* to_string(SolveStatus s) {
  switch (s) {
    case SolveStatus::kOk: return "ok";
    case SolveStatus::kTooMuchWork: return "too_much_work";
    case SolveStatus::kErrorTestFailure: return "error_test_failure";
    case SolveStatus::kConvergenceFailure: return "convergence_failure";
    case SolveStatus::kNonFinite: return "non_finite";
    case SolveStatus::kRhsFailure: return "rhs_failure";
    case SolveStatus::kOther: return "solver_failure";
    case SolveStatus::kStiff: return "stiff";
    case SolveStatus::kInvalidParameter: return "invalid_parameter";
  }
  return "unknown";
}

struct CvodeSolver::Impl {
  SUNContext ctx = nullptr;
  N_Vector y = nullptr;
  N_Vector atol = nullptr;
  SUNMatrix A = nullptr;
  SUNLinearSolver LS = nullptr;
  void* mem = nullptr;
  const OdeSystem* system = nullptr;
  std::exception_ptr pending;  // exception thrown inside a callback
  bool nonfinite = false;
  bool initialised = false;
  long max_steps = 0;    // per advance() (OdeOptions::max_steps)
  long budget_left = 0;  // steps left until OdeOptions::max_total_steps
  long budget = 0;       // OdeOptions::max_total_steps
};

namespace {

int rhs_callback(realtype t, N_Vector y, N_Vector ydot, void* user) {
  auto* impl = static_cast<CvodeSolver::Impl*>(user);
  try {
    impl->system->rhs(t, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot));
  } catch (...) {
    impl->pending = std::current_exception();
    return -1;  // unrecoverable: CVODE returns at once
  }
  const double* d = N_VGetArrayPointer(ydot);
  const sunindextype n = N_VGetLength(ydot);
  for (sunindextype i = 0; i < n; ++i) {
    if (!std::isfinite(d[i])) {
      impl->nonfinite = true;
      return 1;  // recoverable: CVODE retries with a smaller step
    }
  }
  return 0;
}

int root_callback(realtype t, N_Vector y, realtype* g, void* user) {
  auto* impl = static_cast<CvodeSolver::Impl*>(user);
  try {
    impl->system->root_functions(t, N_VGetArrayPointer(y), g);
  } catch (...) {
    impl->pending = std::current_exception();
    return -1;
  }
  return 0;
}

int jac_callback(realtype t, N_Vector y, N_Vector /*fy*/, SUNMatrix J, void* user, N_Vector,
                 N_Vector, N_Vector) {
  auto* impl = static_cast<CvodeSolver::Impl*>(user);
  try {
    // SUNDIALS dense matrices are column-major with leading dimension = rows.
    impl->system->jacobian(t, N_VGetArrayPointer(y), SUNDenseMatrix_Data(J));
  } catch (...) {
    impl->pending = std::current_exception();
    return -1;
  }
  return 0;
}

void check_flag(int flag, const char* what) {
  if (flag < 0) throw std::runtime_error(std::string("CVODE setup failed in ") + what);
}

// CVODE prints its own error messages to stderr by default; we report them
// ourselves per patient instead.
void silent_err_handler(int, const char*, const char*, char*, void*) {}

}  // namespace

CvodeSolver::CvodeSolver(int n) : impl_(std::make_unique<Impl>()), n_(n) {
  if (n <= 0) throw std::invalid_argument("CvodeSolver: size must be positive");
  if (SUNContext_Create(nullptr, &impl_->ctx) != 0) throw std::runtime_error("SUNContext_Create failed");
  impl_->y = N_VNew_Serial(n, impl_->ctx);
  impl_->atol = N_VNew_Serial(n, impl_->ctx);
  impl_->A = SUNDenseMatrix(n, n, impl_->ctx);
  impl_->LS = SUNLinSol_Dense(impl_->y, impl_->A, impl_->ctx);
  impl_->mem = CVodeCreate(CV_BDF, impl_->ctx);
  if (!impl_->y || !impl_->atol || !impl_->A || !impl_->LS || !impl_->mem)
    throw std::runtime_error("CVODE allocation failed");
  N_VConst(0.0, impl_->y);
  check_flag(CVodeInit(impl_->mem, rhs_callback, 0.0, impl_->y), "CVodeInit");
  check_flag(CVodeSetUserData(impl_->mem, impl_.get()), "CVodeSetUserData");
  check_flag(CVodeSetLinearSolver(impl_->mem, impl_->LS, impl_->A), "CVodeSetLinearSolver");
  check_flag(CVodeSetErrHandlerFn(impl_->mem, silent_err_handler, nullptr), "CVodeSetErrHandlerFn");
}

CvodeSolver::~CvodeSolver() {
  if (impl_->mem) CVodeFree(&impl_->mem);
  if (impl_->LS) SUNLinSolFree(impl_->LS);
  if (impl_->A) SUNMatDestroy(impl_->A);
  if (impl_->atol) N_VDestroy(impl_->atol);
  if (impl_->y) N_VDestroy(impl_->y);
  if (impl_->ctx) SUNContext_Free(&impl_->ctx);
}

void CvodeSolver::start(const OdeSystem& system, double t0, const double* y0,
                        const OdeOptions& options) {
  if (system.size() != n_) throw std::invalid_argument("CvodeSolver: system size mismatch");
  impl_->system = &system;
  double* a = N_VGetArrayPointer(impl_->atol);
  for (int i = 0; i < n_; ++i) {
    a[i] = options.atol.size() == static_cast<std::size_t>(n_) ? options.atol[static_cast<std::size_t>(i)]
                                                               : options.atol.at(0);
  }
  double* y = N_VGetArrayPointer(impl_->y);
  for (int i = 0; i < n_; ++i) y[i] = y0[i];
  check_flag(CVodeReInit(impl_->mem, t0, impl_->y), "CVodeReInit");
  check_flag(CVodeSVtolerances(impl_->mem, options.rtol, impl_->atol), "CVodeSVtolerances");
  check_flag(CVodeSetMaxNumSteps(impl_->mem, options.max_steps), "CVodeSetMaxNumSteps");
  impl_->max_steps = options.max_steps;
  impl_->budget_left = options.max_total_steps;
  impl_->budget = options.max_total_steps;
  check_flag(CVodeSetMaxStep(impl_->mem, options.max_step), "CVodeSetMaxStep");
  check_flag(CVodeSetMaxOrd(impl_->mem, options.max_order), "CVodeSetMaxOrd");
  check_flag(CVodeSetJacFn(impl_->mem, system.has_jacobian() ? jac_callback : nullptr),
             "CVodeSetJacFn");
  // Same count as last time: CVODE keeps its root workspace (no allocation).
  const int n_roots = system.n_roots();
  check_flag(CVodeRootInit(impl_->mem, n_roots, n_roots > 0 ? root_callback : nullptr), "CVodeRootInit");
  if (n_roots > 0) check_flag(CVodeSetNoInactiveRootWarn(impl_->mem), "CVodeSetNoInactiveRootWarn");
  t_ = t0;
  impl_->initialised = true;
}

void CvodeSolver::restart(double t, const double* y0) {
  double* y = N_VGetArrayPointer(impl_->y);
  for (int i = 0; i < n_; ++i) y[i] = y0[i];
  check_flag(CVodeReInit(impl_->mem, t, impl_->y), "CVodeReInit");
  t_ = t;
}

SolveStatus CvodeSolver::advance(double tout, double tstop, double* yout) {
  if (!impl_->initialised) throw std::logic_error("CvodeSolver::advance before start");
  double* y = N_VGetArrayPointer(impl_->y);
  if (tout <= t_) {
    // Nothing to integrate (output at the current time).
    for (int i = 0; i < n_; ++i) yout[i] = y[i];
    return SolveStatus::kOk;
  }
  auto budget_message = [&](double t) {
    return "CVODE step budget of one integration (" + std::to_string(impl_->budget) + " steps) used up at t = " +
           std::to_string(t) + " h";
  };
  if (impl_->budget_left <= 0) {
    message_ = budget_message(t_);
    return SolveStatus::kTooMuchWork;
  }
  bool budget_binds = false;
  CVodeSetStopTime(impl_->mem, tstop);
  impl_->pending = nullptr;
  impl_->nonfinite = false;
  realtype tret = t_;
  int flag = CV_SUCCESS;
  do {
    // A root stops CVode short of tout: report it and go on, within the
    // same step budget.
    if (flag == CV_ROOT_RETURN) {
      impl_->system->on_root(tret, y);
      if (impl_->budget_left <= 0) {
        t_ = tret;
        message_ = budget_message(tret);
        return SolveStatus::kTooMuchWork;
      }
    }
    budget_binds = impl_->budget_left < impl_->max_steps;
    CVodeSetMaxNumSteps(impl_->mem, std::max(1L, std::min(impl_->max_steps, impl_->budget_left)));
    long steps_before = 0, steps_after = 0;
    CVodeGetNumSteps(impl_->mem, &steps_before);
    flag = CVode(impl_->mem, tout, impl_->y, &tret, CV_NORMAL);
    CVodeGetNumSteps(impl_->mem, &steps_after);
    impl_->budget_left -= steps_after - steps_before;
    if (impl_->pending) {
      auto e = impl_->pending;
      impl_->pending = nullptr;
      std::rethrow_exception(e);
    }
  } while (flag == CV_ROOT_RETURN);
  t_ = tret;
  for (int i = 0; i < n_; ++i) yout[i] = y[i];
  if (flag >= 0) {
    for (int i = 0; i < n_; ++i) {
      if (!std::isfinite(yout[i])) {
        message_ = "state became non-finite";
        return SolveStatus::kNonFinite;
      }
    }
    return SolveStatus::kOk;
  }
  if (flag == CV_TOO_MUCH_WORK && budget_binds) {
    message_ = budget_message(tret);
    return SolveStatus::kTooMuchWork;
  }
  char* name = CVodeGetReturnFlagName(flag);  // malloc'd by SUNDIALS
  message_ = std::string("CVODE ") + (name ? name : "error") + " at t = " + std::to_string(tret) + " h";
  std::free(name);
  if (impl_->nonfinite) return SolveStatus::kNonFinite;
  switch (flag) {
    case CV_TOO_MUCH_WORK: return SolveStatus::kTooMuchWork;
    case CV_ERR_FAILURE: return SolveStatus::kErrorTestFailure;
    case CV_CONV_FAILURE: return SolveStatus::kConvergenceFailure;
    case CV_RHSFUNC_FAIL:
    case CV_REPTD_RHSFUNC_ERR:
    case CV_UNREC_RHSFUNC_ERR: return SolveStatus::kRhsFailure;
    default: return SolveStatus::kOther;
  }
}

long CvodeSolver::total_steps() const {
  long nst = 0;
  CVodeGetNumSteps(impl_->mem, &nst);
  return nst;
}

}  // namespace twinsim::core
