// Linear PK solved exactly, PD integrated by CVODE with the concentration as a
// known function of time (issue 8's fast path).
//
// Cc(t) is a piecewise sum of exponentials (concentration_curve.hpp). Only the
// PD states go through the integrator, and the solver restarts only where Cc
// jumps (an IV bolus into the central compartment): oral doses and infusion
// changes leave Cc continuous.
#pragma once

#include <vector>

#include "concentration_curve.hpp"
#include "twinsim/core/ode.hpp"
#include "twinsim/pkpd/pk_simulator.hpp"

namespace twinsim::pkpd::detail {

class AnalyticPropagator;

class HybridEngine {
 public:
  bool applicable(const ModelSystem& m) { return m.cc_block < 0 && m.pk.linear() && m.has_pd_states() && curve_.prepare(m.pk); }
  // Cc of the last run_pd.
  const ConcentrationCurve& curve() const { return curve_; }
  // Fills out.states; PK rows must already hold the analytic PK solution.
  void run_pd(const ModelSystem& m, const std::vector<core::InputAction>& actions,
              const std::vector<Sample>& samples, core::OdeIntegrator& solver, const core::OdeOptions& opt,
              AnalyticPropagator& prop, Trajectory& out);

 private:
  ConcentrationCurve curve_;
  std::vector<std::pair<double, bool>> breaks_;  // input-change times; true where Cc jumps
};

}  // namespace twinsim::pkpd::detail
