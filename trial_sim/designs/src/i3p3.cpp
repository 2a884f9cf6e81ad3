// `type: i3+3`: the interval 3+3 design (Liu M, Wang S-J, Ji Y. The i3+3
// design for phase I clinical trials. J Biopharm Stat 30(2):294-304, 2020).
//
//   EI = [target - eps1, target + eps2] (defaults 0.05, 0.05). With y DLTs of n
//   at the current dose:
//     y/n below the EI          -> escalate
//     y/n inside the EI         -> stay
//     y/n above the EI          -> stay if (y - 1)/n is below the EI, else de-escalate
//   The rule is model-free; only the exclusion rule (P(p > target | data) >
//   0.95 under beta(1, 1)) and the isotonic MTD selection are Bayesian, and both
//   are the shared interval-design flow (interval_design.cpp).
//   "Below" is y/n < target - eps1 and "above" y/n > target + eps2: the EI is
//   closed. A boundary ratio (e.g. 1/4 = 0.25 for target 0.3) is compared with
//   a 1e-9 allowance, since target - eps1 is not exact in binary (0.3 - 0.05 is
//   0.24999999999999997).
#include "interval_design.hpp"

namespace twinsim::trial {

IntervalAction i3p3_action(double target, double eps1, double eps2, int y, int n) {
  constexpr double kEdge = 1e-9;
  const double lo = target - eps1 - kEdge, hi = target + eps2 + kEdge;
  const double rate = static_cast<double>(y) / n;
  if (rate < lo) return IntervalAction::escalate;
  if (rate <= hi) return IntervalAction::stay;
  return static_cast<double>(y - 1) / n < lo ? IntervalAction::stay : IntervalAction::deescalate;
}

std::unique_ptr<Design> parse_i3p3(core::MapReader& r, const DesignContext& ctx) {
  IntervalOptions o;
  if (!detail::parse_interval_options(r, ctx, o)) return nullptr;
  return std::make_unique<I3p3>(o, ctx.n_doses);
}

}  // namespace twinsim::trial
