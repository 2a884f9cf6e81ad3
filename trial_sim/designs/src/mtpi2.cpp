// `type: mtpi2`: the modified toxicity probability interval design, version 2
// (Guo W, Wang S-J, Yang S, Lynn H, Ji Y. A Bayesian interval dose-finding
// design addressing Ockham's razor: mTPI-2. Contemp Clin Trials 58:23-33, 2017).
//
//   EI = [target - eps1, target + eps2] (defaults 0.05, 0.05). Below the EI the
//   unit interval is cut into sub-intervals of length eps1 + eps2 going down
//   from target - eps1, above it going up from target + eps2; the pieces that
//   reach 0 and 1 are shorter (kept, with their own length, as the escalation
//   R package and the authors' tool do). With y DLTs of n, p ~ beta(1 + y,
//   1 + n - y); the unit probability mass of a sub-interval is its posterior
//   probability divided by its length, and the sub-interval with the largest
//   UPM decides: below the EI escalate, the EI stay, above de-escalate.
//   Exclusion, stopping and the MTD (isotonic, tie rule of the paper) are the
//   shared interval-design flow (interval_design.cpp).
#include <algorithm>

#include <boost/math/special_functions/beta.hpp>

#include "interval_design.hpp"

namespace twinsim::trial {

IntervalAction mtpi2_action(double target, double eps1, double eps2, int y, int n) {
  const double a = 1.0 + y, b = 1.0 + n - y;
  auto cdf = [&](double p) { return p <= 0.0 ? 0.0 : p >= 1.0 ? 1.0 : boost::math::ibeta(a, b, p); };
  auto upm = [&](double lo, double hi) { return (cdf(hi) - cdf(lo)) / (hi - lo); };
  const double lo_ei = target - eps1, hi_ei = target + eps2, width = eps1 + eps2;
  // Pieces thinner than this are rounding residue of a grid that ends exactly at 0 or 1.
  constexpr double kThin = 1e-9;
  double best_under = 0.0;
  for (int k = 0;; ++k) {
    const double hi = lo_ei - k * width;
    if (hi <= kThin) break;
    const double lo = hi - width > kThin ? hi - width : 0.0;
    best_under = std::max(best_under, upm(lo, hi));
  }
  const double stay = upm(lo_ei, hi_ei);
  double best_over = 0.0;
  for (int k = 0;; ++k) {
    const double lo = hi_ei + k * width;
    if (lo >= 1.0 - kThin) break;
    const double hi = lo + width < 1.0 - kThin ? lo + width : 1.0;
    best_over = std::max(best_over, upm(lo, hi));
  }
  if (best_under >= stay && best_under >= best_over) return IntervalAction::escalate;
  if (stay >= best_over) return IntervalAction::stay;
  return IntervalAction::deescalate;
}

std::unique_ptr<Design> parse_mtpi2(core::MapReader& r, const DesignContext& ctx) {
  IntervalOptions o;
  if (!detail::parse_interval_options(r, ctx, o)) return nullptr;
  return std::make_unique<Mtpi2>(o, ctx.n_doses);
}

}  // namespace twinsim::trial
