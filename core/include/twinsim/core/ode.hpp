// Stiff ODE integration with SUNDIALS CVODE (BDF, dense direct linear solver).
//
// core/src/ode_cvode.cpp is the only file that includes SUNDIALS headers: API
// differences between SUNDIALS versions stay there. A CvodeSolver owns its
// CVODE memory, vector, matrix and linear solver; create one per thread and
// reuse it for every patient (restart() is cheap, construction is not).
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace twinsim::core {

// A first-order system dy/dt = f(t, y). Implementations must not allocate,
// draw random numbers, or do I/O in rhs()/jacobian(); they may throw, and the
// solver carries the exception across the C callback boundary.
class OdeSystem {
 public:
  virtual ~OdeSystem() = default;
  virtual int size() const = 0;
  virtual void rhs(double t, const double* y, double* ydot) const = 0;
  // Fills the dense Jacobian df/dy in column-major order (J[i + j*n] = df_i/dy_j).
  // Returns false when the system has no analytic Jacobian (CVODE then uses
  // difference quotients).
  virtual bool jacobian(double t, const double* y, double* jac) const {
    (void)t;
    (void)y;
    (void)jac;
    return false;
  }
  virtual bool has_jacobian() const { return false; }

  // Optional root functions g_i(t, y), i < n_roots(): CvodeSolver locates
  // every sign change of each between its steps, on its dense output
  // (CVODE's rootfinding), and calls on_root() with the interpolated state
  // there before going on. Other integrators ignore them. Same rules as rhs().
  virtual int n_roots() const { return 0; }
  virtual void root_functions(double t, const double* y, double* g) const {
    (void)t;
    (void)y;
    (void)g;
  }
  virtual void on_root(double t, const double* y) const {
    (void)t;
    (void)y;
  }
};

enum class SolveStatus : int {
  kOk = 0,
  kTooMuchWork = 1,        // step limit reached before the output time
  kErrorTestFailure = 2,   // could not meet the tolerance (often a singularity)
  kConvergenceFailure = 3, // Newton iteration failed repeatedly (stiff blow-up)
  kNonFinite = 4,          // the model produced NaN or Inf
  kRhsFailure = 5,         // the right-hand side threw or failed
  kOther = 6,
  kStiff = 7,              // an explicit integrator detected stiffness (the engine falls back to CVODE)
  kInvalidParameter = 8,   // an individual parameter left the model's declared range (e.g. CL < 0
                           // from a normal random effect): not simulated
};

// Number of SolveStatus values (for per-status counters indexed by the value).
constexpr int kSolveStatusCount = 9;

const char* to_string(SolveStatus s);

struct OdeOptions {
  double rtol = 1e-8;
  // One absolute tolerance per state, or a single value for all.
  std::vector<double> atol = {1e-10};
  long max_steps = 500000;     // per advance() call; bounds run time on hostile input
  double max_step = 0.0;       // 0 = no limit
  int max_order = 5;
  // Steps over all advance() calls since start(), i.e. one patient's whole
  // integration: many outputs or doses cannot multiply max_steps into a hang.
  // Exhausting it ends advance() with kTooMuchWork. Last member, so positional
  // initialisers written before it keep their meaning.
  long max_total_steps = 2'000'000;
};

// The interface both integrators implement, so engines can switch between them.
class OdeIntegrator {
 public:
  virtual ~OdeIntegrator() = default;
  virtual int size() const = 0;
  // Binds a system and initial state; sets tolerances and the Jacobian.
  virtual void start(const OdeSystem& system, double t0, const double* y0, const OdeOptions& options) = 0;
  // Restarts the integration at a discontinuity (after a dose) from state y.
  virtual void restart(double t, const double* y) = 0;
  // Integrates from the current time to tout without stepping past tstop
  // (pass tstop = tout or an event time); writes y(tout). Outputs between
  // steps are interpolated, so they cost no extra steps.
  virtual SolveStatus advance(double tout, double tstop, double* y) = 0;
  virtual double current_time() const = 0;
  virtual long total_steps() const = 0;
  // Human-readable reason for the last failure.
  virtual const std::string& last_message() const = 0;
};

class CvodeSolver final : public OdeIntegrator {
 public:
  explicit CvodeSolver(int n);
  ~CvodeSolver() override;
  CvodeSolver(const CvodeSolver&) = delete;
  CvodeSolver& operator=(const CvodeSolver&) = delete;

  int size() const override { return n_; }
  void start(const OdeSystem& system, double t0, const double* y0, const OdeOptions& options) override;
  void restart(double t, const double* y) override;
  SolveStatus advance(double tout, double tstop, double* y) override;
  double current_time() const override { return t_; }
  long total_steps() const override;
  const std::string& last_message() const override { return message_; }

  struct Impl;  // public so the C callbacks in ode_cvode.cpp can name it

 private:
  std::unique_ptr<Impl> impl_;
  int n_;
  double t_ = 0.0;
  std::string message_;
};

}  // namespace twinsim::core
