// Steady state (NONMEM SS=1): the state of a PK system at the start of a
// period when the same inputs have been given every period for ever.
//  - linear PK: exact. With y(t) the response from an empty system to one
//    period's inputs (all of which end within two periods), the state at a
//    period's start is the infinite superposition sum_{k>=1} y(kT)
//    = y(T) + (I - e^{AT})^{-1} y(2T), the geometric series of the
//    propagator e^{AT} over the amount compartments, summed in closed form.
//  - Michaelis-Menten: periods are integrated one after the other from an
//    empty system until the state at the period's start changes by at most
//    SteadyStateOptions::rel_tol of its largest amount over one period
//    (docs/models.md, "Steady state").
// Units: time h, amounts mg.
#pragma once

#include <string>
#include <vector>

#include "twinsim/core/dosing.hpp"
#include "twinsim/core/ode.hpp"
#include "twinsim/pkpd/pk_model.hpp"
#include "twinsim/pkpd/pk_simulator.hpp"

namespace twinsim::pkpd {

struct SteadyStateOptions {
  double rel_tol = 1e-10;   // Michaelis-Menten: largest change over one period / largest amount
  int max_periods = 10000;  // Michaelis-Menten: more is reported as kTooMuchWork
};

struct SteadyState {
  core::SolveStatus status = core::SolveStatus::kOk;
  std::string message;
  std::vector<double> state;  // PK states (pk_model.hpp layout) at the period's start, AUC 0
  // The previous period's inputs still to come at and after the start (its
  // infusions still running, its lagged doses), with times from the start:
  // they belong to the first period simulated from `state`.
  std::vector<core::InputAction> carried;
  int periods = 0;  // periods integrated (Michaelis-Menten; 0 for linear PK)
};

// `period` holds one period's inputs, times from its start (>= 0), sorted.
// Uses `sim` (its exposure options are restored on return).
SteadyState periodic_state(PkSimulator& sim, const PkSystem& pk, const std::vector<core::InputAction>& period,
                           double period_h, const SteadyStateOptions& options = {});

}  // namespace twinsim::pkpd
