// Simulates a compiled PK system under a dosing history at requested times.
//
// Two engines, validated against each other (tests/validation):
//  - analytic: linear systems are solved exactly between input changes with
//    the matrix exponential, x(t+h) = e^{Ah} x(t) + (integral_0^h e^{As} ds) r,
//    computed once per distinct step h (NONMEM's general linear model, ADVAN5/7,
//    takes the same route). No ODE solver, exact up to rounding.
//  - ode: CVODE (BDF) on the same equations, required for Michaelis-Menten.
//  - hybrid: linear PK exactly, PD states by CVODE with Cc(t) as a known sum of
//    exponentials (hybrid_engine.hpp); chosen automatically when it applies.
//
// Inputs change only at dose actions; the solver restarts only there.
// A sample at a dose time is taken before that dose unless after_inputs is set
// (NONMEM's convention for a pre-dose trough).
//
// Exposure trace (issue 13): with exposure().trace set, every simulation also
// records Cc at the start, at every input change (both one-sided values), at
// every sample, and at every stationary point and threshold crossing of Cc:
//  - linear PK (analytic and hybrid engines): located on the closed form
//    (concentration_curve.hpp, exponential_sum.hpp), exact up to rounding;
//    where the PK matrix is not safely diagonalisable (transit chains,
//    coincident rates) by a scan of the exact solution in steps of at most
//    1/||A|| with root refinement on its Taylor series (node_scan.hpp);
//  - ode engine: by CVODE's root-finding on its dense output during the
//    integration itself, on the exact dCc/dt of the right-hand side.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "twinsim/core/dosing.hpp"
#include "twinsim/core/ode.hpp"
#include "twinsim/pkpd/exposure_trace.hpp"
#include "twinsim/pkpd/model_system.hpp"
#include "twinsim/pkpd/pk_model.hpp"

namespace twinsim::pkpd {

struct Sample {
  double time = 0.0;          // h
  bool after_inputs = false;  // take the sample after the inputs at this time
  // Also a point of the exposure trace. Only output-grid samples that no
  // metric window starts or ends at leave this off (SamplePlan): Cc between
  // the other points is already known to be monotone.
  bool in_trace = true;
};

// Samples must be sorted by (time, after_inputs).
bool samples_sorted(const std::vector<Sample>& samples);

struct Trajectory {
  Eigen::MatrixXd states;  // n_states x n_samples: PK amounts (mg), AUC (mg*h/L), PD states
  core::SolveStatus status = core::SolveStatus::kOk;
  std::string message;     // why the solve failed, if it did
  long steps = 0;          // ODE steps taken (0 for the analytic engine)
  // Cc at every point where an exposure metric can be attained, when
  // PkSimulator::exposure() asks for it (empty otherwise and after a failure).
  ExposureTrace trace;
};

// What the simulator records for the exposure metrics (exposure.hpp).
struct ExposureOptions {
  bool trace = false;      // fill Trajectory::trace
  double threshold = 0.0;  // mg/L; > 0 also records the crossings of this concentration
};

enum class Engine { kAuto, kAnalytic, kOde, kHybrid };
const char* to_string(Engine e);

// The dose record for `amount_mg` given by `route` at `time_h`, with the
// system's bioavailability, lag and (zero-order) absorption duration applied
// the NONMEM way. infusion_h is the duration of an IV infusion.
core::DoseEvent make_dose(const PkSystem& system, Route route, double time_h, double amount_mg,
                          double infusion_h);

// Per-thread workspace: reuses CVODE memory and matrix-exponential results.
class PkSimulator {
 public:
  PkSimulator();
  ~PkSimulator();
  PkSimulator(const PkSimulator&) = delete;
  PkSimulator& operator=(const PkSimulator&) = delete;

  core::OdeOptions& ode_options() { return ode_options_; }
  ExposureOptions& exposure() { return exposure_; }
  // Tolerances of the PD integration in the hybrid engine.
  core::OdeOptions& hybrid_options() { return hybrid_options_; }

  // kAuto picks analytic for linear systems and ode otherwise. Solver failures
  // are reported in out.status (never thrown); invalid arguments throw.
  void simulate(const PkSystem& system, const std::vector<core::InputAction>& actions,
                const std::vector<Sample>& samples, Engine engine, Trajectory& out);
  // PK with PD blocks: analytic only when no PD block has states.
  void simulate(const ModelSystem& system, const std::vector<core::InputAction>& actions,
                const std::vector<Sample>& samples, Engine engine, Trajectory& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  core::OdeOptions ode_options_;
  core::OdeOptions hybrid_options_ = {1e-7, {1e-9}, 500000, 0.0, 5, 2'000'000};
  ExposureOptions exposure_;
};

}  // namespace twinsim::pkpd
