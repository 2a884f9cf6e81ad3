// Stationary points and threshold crossings of Cc for linear PK that has no
// safe eigendecomposition (transit chains, whose rates repeat; coincident
// rates), from the exact solution without an ODE solver.
//
// Each interval between input changes is cut into N steps of h <= 1/||A||
// (at most kMaxNodes per interval); the exact state at every node comes from
// the cached matrix exponential, and with it dCc/dt = (A x + r)_c / V and
// Cc - threshold exactly. Where either changes sign between two nodes, the
// root is refined by TOMS 748 (Boost.Math) on the Taylor series of the exact
// solution about the left node, x(s + d) = x + sum_k d^k/k! A^(k-1) (A x + r),
// whose terms fall at least as fast as 1/k! for d <= h (truncated at 1e-20).
// As with an ODE solver's root-finding, two roots within one step (a bump
// narrower than the fastest time constant) are not seen.
#pragma once

#include <vector>

#include "twinsim/core/dosing.hpp"
#include "twinsim/pkpd/exposure_trace.hpp"
#include "twinsim/pkpd/model_system.hpp"

namespace twinsim::pkpd::detail {

class AnalyticPropagator;

constexpr int kMaxNodes = 4096;

// pk_only: the PK system (no PD states) with its start time and state;
// appends the points found up to t_end, ascending. prop must be bound to pk_only.pk.
void node_scan(const ModelSystem& pk_only, const std::vector<core::InputAction>& actions, double t_end,
               double threshold, AnalyticPropagator& prop, std::vector<CcPoint>& out);

}  // namespace twinsim::pkpd::detail
