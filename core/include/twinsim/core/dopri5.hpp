// Explicit Dormand-Prince 5(4) integrator with 4th-order dense output, for
// small non-stiff systems where CVODE's per-step overhead dominates.
//
// Method: Dormand & Prince (1980), J Comput Appl Math 6:19; dense output and
// stiffness detection as described in Hairer, Norsett & Wanner, Solving
// Ordinary Differential Equations I, 2nd ed., section II.5 and IV.2. A one-step
// method needs no history, so restart() only resets the step-size guess.
// Stiffness (or the step limit) ends advance() with SolveStatus::kStiff /
// kTooMuchWork; callers then switch to CvodeSolver.
#pragma once

#include <array>
#include <string>

#include "twinsim/core/ode.hpp"

namespace twinsim::core {

class Dopri5Solver final : public OdeIntegrator {
 public:
  static constexpr int kMaxSize = 32;

  explicit Dopri5Solver(int n);
  int size() const override { return n_; }
  void start(const OdeSystem& system, double t0, const double* y0, const OdeOptions& options) override;
  void restart(double t, const double* y) override;
  SolveStatus advance(double tout, double tstop, double* y) override;
  double current_time() const override { return t_out_; }
  long total_steps() const override { return steps_; }
  const std::string& last_message() const override { return message_; }

 private:
  using Vec = std::array<double, kMaxSize>;
  double initial_step(double tstop);
  // One attempted step of size h from (t_, y_); returns the scaled error norm.
  double try_step(double h);
  void dense(double t, double* out) const;  // within the last accepted step

  int n_;
  const OdeSystem* sys_ = nullptr;
  OdeOptions opt_;
  Vec atol_{};
  double t_ = 0.0;       // end of the last accepted step
  double t_prev_ = 0.0;  // start of the last accepted step
  double t_out_ = 0.0;   // time of the last returned output
  double h_ = 0.0;       // next step size (0: estimate)
  bool have_step_ = false;
  Vec y_{}, f_{};        // state and derivative at t_
  Vec k2_{}, k3_{}, k4_{}, k5_{}, k6_{}, k7_{}, y1_{}, ystage_{};
  Vec r1_{}, r2_{}, r3_{}, r4_{}, r5_{};  // dense-output coefficients of the last step
  long steps_ = 0;
  int stiff_count_ = 0, nonstiff_count_ = 0;
  std::string message_;
};

}  // namespace twinsim::core
