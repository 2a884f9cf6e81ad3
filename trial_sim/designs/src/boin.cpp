// `type: boin`: the Bayesian optimal interval design of Liu & Yuan (2015), as
// the R package BOIN (2.7.1) simulates it in get.oc() with its defaults.
//
//   Boundaries:  lambda_e = log((1-p_saf)/(1-t)) / log(t(1-p_saf) / (p_saf(1-t)))
//                lambda_d = log((1-t)/(1-p_tox)) / log(p_tox(1-t) / (t(1-p_tox)))
//   With y DLTs among n patients at the current dose d:
//     y <= floor(lambda_e n)  -> escalate to d+1 (unless d+1 is eliminated or d is the highest)
//     y >= ceil(lambda_d n)   -> de-escalate to d-1 (unless d is the lowest)
//     otherwise               -> stay
//   Elimination: if n >= 3 and P(p_d > t | y, n) > cutoff_eli under a beta(1,1)
//   prior, doses d and above are eliminated; eliminating the lowest dose stops
//   the trial with no MTD. The de-escalation boundary never exceeds the
//   elimination boundary (get.boundary caps it).
//   Stop when max_patients are treated (the last cohort is cut to fit), or when
//   n_earlystop patients are at the current dose and the rule would keep it
//   there (get.oc 2.7.1's condition; n_earlystop_rule: simple stops as soon
//   as n_earlystop are at the dose, as BOIN <= 2.6 did).
//   extrasafe (off by default): also stop when >= 3 are at the lowest dose and
//   P(p_1 > t | data) > cutoff_eli - offset (offset 0.05).
//   bound_mtd (off by default): the selected dose's isotonic estimate must be
//   below lambda_d.
//   MTD: select.mtd(): isotonic (PAVA, weights 1/var) posterior means under a
//   beta(0.05, 0.05) prior over the treated, non-eliminated doses; the dose
//   closest to t, ties between pooled doses broken toward the lower dose above
//   t and the higher dose below t (the package adds i * 1e-10 to the i-th estimate).
//
// All boundaries are tables indexed by the number of patients, computed once
// when the design is built; a decision is a few integer comparisons.
#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

#include "boin_keys.hpp"
#include "table_flow.hpp"
#include "twinsim/trial/designs/bf_boin.hpp"
#include "twinsim/trial/designs/designs.hpp"

namespace twinsim::trial {

namespace {

// Smallest y in 1..n with P(p > target | y, n) > cutoff, per n = 0..max_n (none below
// n = 3). The threshold is non-decreasing in n and grows by at most one per
// patient, so a single walk finds all of them.
std::vector<int> posterior_thresholds(double target, double cutoff, int max_n) {
  std::vector<int> out(static_cast<std::size_t>(max_n) + 1, kNoBoundary);
  int y = 1;
  for (int n = 3; n <= max_n; ++n) {
    y = std::max(1, std::min(y, n) - 1);  // step back one for safety against rounding
    while (y <= n && !(interval_prob_above(target, y, n) > cutoff)) ++y;
    out[static_cast<std::size_t>(n)] = y <= n ? y : kNoBoundary;
    if (y > n) y = n;
  }
  return out;
}

}  // namespace

BoinBoundaries boin_boundaries(double target, double p_saf, double p_tox, double cutoff_eli, double offset,
                               int max_n) {
  // offset < 0: no extrasafe table (left at kNoBoundary).
  BoinBoundaries b;
  b.lambda_e = std::log((1 - p_saf) / (1 - target)) / std::log(target * (1 - p_saf) / (p_saf * (1 - target)));
  b.lambda_d = std::log((1 - target) / (1 - p_tox)) / std::log(p_tox * (1 - target) / (target * (1 - p_tox)));
  const auto size = static_cast<std::size_t>(max_n) + 1;
  b.escalate.assign(size, -1);
  b.deescalate.assign(size, kNoBoundary);
  b.eliminate = posterior_thresholds(target, cutoff_eli, max_n);
  b.safety_stop = offset >= 0 ? posterior_thresholds(target, cutoff_eli - offset, max_n)
                              : std::vector<int>(size, kNoBoundary);
  for (std::size_t n = 1; n < size; ++n) {
    const double dn = static_cast<double>(n);
    b.escalate[n] = static_cast<int>(std::floor(b.lambda_e * dn));
    b.deescalate[n] = std::min(static_cast<int>(std::ceil(b.lambda_d * dn)), b.eliminate[n]);
  }
  return b;
}

namespace {

// select.mtd() given a test "is dose i eliminated by its own data" (first such
// dose eliminates itself and all above) and whether the lowest dose fails the
// extrasafe rule.
template <class Eliminated>
int select_mtd_impl(double target, const std::vector<int>& n, const std::vector<int>& y, Eliminated eliminated,
                    bool lowest_unsafe, bool bound_mtd, double lambda_d) {
  if (n.size() > kMaxDesignDoses || y.size() != n.size()) throw std::invalid_argument("boin select: bad dose count");
  const std::size_t doses = n.size();
  std::size_t elim_from = doses;
  for (std::size_t i = 0; i < doses; ++i) {
    if (n[i] >= 3 && eliminated(i)) {
      elim_from = i;
      break;
    }
  }
  if (lowest_unsafe) elim_from = 0;
  if (elim_from == 0) return -1;
  // Admissible doses: treated and not eliminated.
  std::array<int, kMaxDesignDoses> index{};
  std::array<double, kMaxDesignDoses> est{}, weight{};
  std::size_t k = 0;
  for (std::size_t i = 0; i < elim_from; ++i) {
    if (n[i] == 0) continue;
    const double ni = n[i], yi = y[i];
    index[k] = static_cast<int>(i);
    est[k] = (yi + 0.05) / (ni + 0.1);
    const double var = (yi + 0.05) * (ni - yi + 0.05) / ((ni + 0.1) * (ni + 0.1) * (ni + 0.1 + 1.0));
    weight[k] = 1.0 / var;
    ++k;
  }
  if (k == 0) return -1;
  detail::isotonic_in_place(est.data(), weight.data(), k);
  // Break ties as the package does: the i-th (1-based) estimate gets + i * 1e-10.
  int best = -1;
  double best_dist = 0.0;
  for (std::size_t i = 0; i < k; ++i) {
    const double p = est[i] + static_cast<double>(i + 1) * 1e-10;
    if (bound_mtd && !(p < lambda_d)) continue;
    const double dist = std::abs(p - target);
    if (best < 0 || dist < best_dist) {
      best = static_cast<int>(i);
      best_dist = dist;
    }
  }
  return best < 0 ? -1 : index[static_cast<std::size_t>(best)];
}

class BoinRun final : public detail::TableRun<Boin> {
 public:
  using TableRun::TableRun;
  Decision next(const TrialHistory& history, double now_day) override;
  int select(const TrialHistory& history, double now_day) override;
};

Decision BoinRun::next(const TrialHistory& history, double) {
  const DoseCounts& data = history.counts();
  const auto& o = design_.options();
  const auto& b = design_.boundaries();
  const auto& t = design_.table();
  const int remaining = o.max_patients - data.total_patients;
  if (remaining <= 0) return {true, -1, 0};
  const int d = data.current;
  const auto nd = static_cast<std::size_t>(data.n[static_cast<std::size_t>(d)]);
  const int y = data.dlt[static_cast<std::size_t>(d)];
  if (b.eliminate[nd] != kNoBoundary) {
    if (flow_.eliminate(data, t)) return {true, -1, 0};
    // get.oc checks the extrasafe rule only where an elimination boundary exists.
    if (o.extrasafe && d == 0 && nd >= 3 && y >= b.safety_stop[nd]) {
      flow_.stop_toxic();
      return {true, -1, 0};
    }
  }
  const bool can_escalate = flow_.can_escalate(d);
  if (static_cast<int>(nd) >= o.n_earlystop &&
      (o.earlystop_simple || (y > b.escalate[nd] && y < b.deescalate[nd]) || (d == 0 && y >= b.deescalate[nd]) ||
       (!can_escalate && y <= b.escalate[nd]))) {
    return {true, -1, 0};
  }
  return {false, flow_.move(data, t, detail::TableFlow::Rule::kBoinPackage), std::min(o.cohort_size, remaining)};
}

int BoinRun::select(const TrialHistory& history, double) {
  if (flow_.toxic_stop()) return -1;
  const DoseCounts& data = history.counts();
  const auto& o = design_.options();
  const auto& b = design_.boundaries();
  // Every count is <= max_patients, so the precomputed tables apply.
  auto eliminated = [&](std::size_t i) { return data.dlt[i] >= b.eliminate[static_cast<std::size_t>(data.n[i])]; };
  const bool lowest_unsafe =
      o.extrasafe && data.n[0] >= 3 && data.dlt[0] >= b.safety_stop[static_cast<std::size_t>(data.n[0])];
  return select_mtd_impl(o.target, data.n, data.dlt, eliminated, lowest_unsafe, o.bound_mtd, b.lambda_d);
}

}  // namespace

Boin::Boin(const BoinOptions& o, std::size_t n_doses) : o_(o), n_doses_(static_cast<int>(n_doses)) {
  o_.validate(n_doses);
  b_ = boin_boundaries(o_.target, o_.saf(), o_.tox(), o_.cutoff_eli, o_.extrasafe ? o_.offset : -1.0,
                       o_.max_patients);
  t_.escalate = b_.escalate;
  t_.deescalate = b_.deescalate;
  t_.eliminate = b_.eliminate;
  t_.parameters = {{"lambda_e", b_.lambda_e}, {"lambda_d", b_.lambda_d}};
}

std::unique_ptr<DesignRun> Boin::start(DesignWorkspace*) const { return std::make_unique<BoinRun>(*this); }

void BoinOptions::validate(std::size_t n_doses) const {
  auto fail = [](const std::string& key, const std::string& why) {
    throw std::invalid_argument("boin: " + key + " " + why);
  };
  if (!DesignRules::target().contains(target)) fail("target", "must be " + DesignRules::target().describe());
  if (!(saf() > 0.0 && saf() < target)) fail("p_saf", "must be in (0, target)");
  if (!(tox() > target && tox() < 1.0)) fail("p_tox", "must be in (target, 1)");
  validate_cohort_options(cohort_size, max_patients, kMaxPatientsPerTrial, "boin");
  if (n_earlystop < 1) fail("n_earlystop", "must be >= 1");
  validate_start_dose(start_dose, n_doses, "boin");
  if (!(cutoff_eli > 0.0 && cutoff_eli < 1.0)) fail("cutoff_eli", "must be in (0, 1)");
  if (extrasafe && !(offset > 0.0 && offset <= 0.5 && cutoff_eli - offset > 0.0))
    fail("offset", "must be in (0, 0.5] and below cutoff_eli");
}

int boin_select_mtd(double target, const std::vector<int>& n, const std::vector<int>& y, double cutoff_eli,
                    bool extrasafe, double offset, bool bound_mtd, double p_tox) {
  if (p_tox < 0) p_tox = BoinOptions::kToxFactor * target;
  auto eliminated = [&](std::size_t i) { return interval_prob_above(target, y[i], n[i]) > cutoff_eli; };
  const bool lowest_unsafe =
      extrasafe && !n.empty() && n[0] >= 3 && interval_prob_above(target, y[0], n[0]) > cutoff_eli - offset;
  const double lambda_d =
      std::log((1 - target) / (1 - p_tox)) / std::log(p_tox * (1 - target) / (target * (1 - p_tox)));
  return select_mtd_impl(target, n, y, eliminated, lowest_unsafe, bound_mtd, lambda_d);
}

std::unique_ptr<Design> parse_boin(core::MapReader& r, const DesignContext& ctx) {
  using core::Range;
  const std::size_t errors_before = r.diagnostics().size();
  BoinOptions o;
  detail::read_boin_keys(r, ctx, o, [&] {
    o.earlystop_simple = r.optional_choice("n_earlystop_rule", {"with_stay", "simple"},
                                           o.earlystop_simple ? "simple" : "with_stay") == "simple";
  });
  o.bound_mtd = r.optional_bool("bound_mtd", o.bound_mtd);
  const core::ConfigNode bf_node = r.get("backfill");
  BackfillOptions bf;
  const bool backfill = !bf_node.is_missing() && read_backfill_keys(bf_node, ctx, r.diagnostics(), bf);
  if (backfill && o.earlystop_simple) {
    const core::ConfigNode rule = r.get("n_earlystop_rule");
    r.diagnostics().error(rule.mark(), rule.path(),
                          "simple is not available with backfill (BF-BOIN stops at n_earlystop only where BOIN "
                          "would stay, as with_stay)");
  }
  if (r.diagnostics().size() != errors_before || ctx.n_doses == 0) return nullptr;
  if (backfill) return std::make_unique<BfBoin>(o, bf, ctx.n_doses);
  return std::make_unique<Boin>(o, ctx.n_doses);
}

}  // namespace twinsim::trial
