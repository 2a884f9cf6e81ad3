// The shared flow of the interval designs (mTPI-2, i3+3), as both papers and
// the escalation R package run them:
//
//   After each cohort at dose d with y DLTs among n patients:
//   1. Exclusion: n >= exclusion_min_n and P(p_d > target | y, n) > cutoff_eli
//      under beta(1, 1) excludes d and every higher dose for the rest of the
//      trial; excluding the lowest dose stops the trial with no MTD.
//   2. Stop when max_patients are treated (the last cohort is cut to fit).
//   3. The design's action for (y, n): E -> d + 1 (stay if d is the highest
//      dose or d + 1 is excluded), S -> d, D -> d - 1 (stay at the lowest).
//      The next dose is never an excluded one.
//   4. n_earlystop (off by default): stop when the dose chosen for the next
//      cohort already has n_earlystop patients.
//   MTD: interval_select_mtd() on the final data.
//
// The actions depend on (y, n) only and are monotone in y (E for small y, D
// for large), so they are stored as two thresholds per n, computed once per
// design; a decision is two integer comparisons.
#include "interval_design.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/math/distributions/beta.hpp>

#include "table_flow.hpp"

namespace twinsim::trial {

double interval_prob_above(double target, int y, int n) {
  const boost::math::beta_distribution<double> post(1.0 + y, 1.0 + n - y);
  return boost::math::cdf(boost::math::complement(post, target));
}

namespace {

// Smallest y in [0, n] with pred(y), or n + 1 when none; pred must be monotone
// (false ... false true ... true). The search starts at `hint` and walks, so
// thresholds that move by about one per n cost O(1) evaluations each.
template <class Pred>
int first_true(int n, int hint, Pred pred) {
  int y = std::min(std::max(hint, 0), n);
  if (pred(y)) {
    while (y > 0 && pred(y - 1)) --y;
    return y;
  }
  while (y < n && !pred(y + 1)) ++y;
  return y < n ? y + 1 : n + 1;
}

// Doses [0, elim_from) are admissible. The shared MTD rule (see designs.hpp).
int select_below(double target, const std::vector<int>& n, const std::vector<int>& y, std::size_t elim_from) {
  if (n.size() > kMaxDesignDoses || y.size() != n.size()) throw std::invalid_argument("interval select: bad dose count");
  std::array<int, kMaxDesignDoses> index{};
  std::array<double, kMaxDesignDoses> est{}, weight{};
  std::size_t k = 0;
  for (std::size_t i = 0; i < elim_from && i < n.size(); ++i) {
    if (n[i] <= 0) continue;
    const double a = 1.0 + y[i], b = 1.0 + n[i] - y[i];
    index[k] = static_cast<int>(i);
    est[k] = a / (a + b);
    weight[k] = (a + b) * (a + b) * (a + b + 1.0) / (a * b);  // 1 / posterior variance
    ++k;
  }
  if (k == 0) return -1;
  detail::isotonic_in_place(est.data(), weight.data(), k);
  double best = INFINITY;
  for (std::size_t i = 0; i < k; ++i) best = std::min(best, std::abs(est[i] - target));
  constexpr double kTie = 1e-12;
  std::size_t lo = k, hi = 0, count = 0;
  double sum = 0.0;
  for (std::size_t i = 0; i < k; ++i) {
    if (std::abs(est[i] - target) > best + kTie) continue;
    lo = std::min(lo, i);
    hi = i;
    sum += est[i];
    ++count;
  }
  if (count == 1) return index[lo];
  // Tied: below the target the highest of them, otherwise the lowest (TPI / mTPI-2).
  return sum / static_cast<double>(count) < target ? index[hi] : index[lo];
}

// The decision and exclusion tables of one design, indexed by n = 0..max_patients.
detail::DecisionTable build_tables(const IntervalOptions& o, IntervalActionFn action) {
  const auto size = static_cast<std::size_t>(o.max_patients) + 1;
  detail::DecisionTable t;
  t.escalate.assign(size, -1);
  t.deescalate.assign(size, INT_MAX);
  t.eliminate.assign(size, INT_MAX);
  int not_e = 1, d = 1, x = 1;
  for (int n = 1; n <= o.max_patients; ++n) {
    auto act = [&](int y) { return action(o.target, o.eps1, o.eps2, y, n); };
    not_e = first_true(n, not_e, [&](int y) { return act(y) != IntervalAction::escalate; });
    d = first_true(n, d, [&](int y) { return act(y) == IntervalAction::deescalate; });
    const auto un = static_cast<std::size_t>(n);
    t.escalate[un] = not_e - 1;
    t.deescalate[un] = d <= n ? d : INT_MAX;
    if (n >= o.exclusion_min_n) {
      x = first_true(n, x, [&](int y) { return interval_prob_above(o.target, y, n) > o.cutoff_eli; });
      t.eliminate[un] = x <= n ? x : INT_MAX;
    }
  }
  return t;
}

class IntervalRun final : public detail::TableRun<IntervalDesign> {
 public:
  using TableRun::TableRun;
  Decision next(const TrialHistory& history, double now_day) override;
  int select(const TrialHistory& history, double now_day) override;
};

Decision IntervalRun::next(const TrialHistory& history, double) {
  const DoseCounts& data = history.counts();
  const auto& o = design_.options();
  if (flow_.eliminate(data, design_.table())) return {true, -1, 0};
  const int remaining = o.max_patients - data.total_patients;
  if (remaining <= 0) return {true, -1, 0};
  const int next = flow_.move(data, design_.table(), detail::TableFlow::Rule::kNeverEliminated);
  if (o.n_earlystop > 0 && data.n[static_cast<std::size_t>(next)] >= o.n_earlystop) return {true, -1, 0};
  return {false, next, std::min(o.cohort_size, remaining)};
}

int IntervalRun::select(const TrialHistory& history, double) {
  if (flow_.toxic_stop()) return -1;
  const DoseCounts& data = history.counts();
  return select_below(design_.options().target, data.n, data.dlt, static_cast<std::size_t>(flow_.elim_from()));
}

}  // namespace

IntervalDesign::IntervalDesign(const IntervalOptions& o, std::size_t n_doses, IntervalActionFn action)
    : o_(o), n_doses_(static_cast<int>(n_doses)) {
  o_.validate(n_doses);
  t_ = build_tables(o_, action);
}

std::unique_ptr<DesignRun> IntervalDesign::start(DesignWorkspace*) const {
  return std::make_unique<IntervalRun>(*this);
}

void IntervalOptions::validate(std::size_t n_doses) const {
  auto fail = [](const std::string& key, const std::string& why) {
    throw std::invalid_argument("interval design: " + key + " " + why);
  };
  if (!DesignRules::target().contains(target)) fail("target", "must be " + DesignRules::target().describe());
  if (!(eps1 > 0.0 && target - eps1 > 0.0)) fail("epsilon1", "must be > 0 with target - epsilon1 > 0");
  if (!(eps2 > 0.0 && target + eps2 < 1.0)) fail("epsilon2", "must be > 0 with target + epsilon2 < 1");
  validate_cohort_options(cohort_size, max_patients, kIntervalMaxPatients, "interval design");
  validate_start_dose(start_dose, n_doses, "interval design");
  if (!(cutoff_eli > 0.0 && cutoff_eli < 1.0)) fail("cutoff_eli", "must be in (0, 1)");
  if (exclusion_min_n < 1 || exclusion_min_n > kIntervalMaxPatients) fail("exclusion_min_n", "must be >= 1");
  if (n_earlystop < 0 || n_earlystop > kIntervalMaxPatients) fail("n_earlystop", "must be >= 0");
}

int interval_select_mtd(double target, const std::vector<int>& n, const std::vector<int>& y, double cutoff,
                        int min_n) {
  std::size_t elim_from = n.size();
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (n[i] >= min_n && n[i] > 0 && interval_prob_above(target, y[i], n[i]) > cutoff) {
      elim_from = i;
      break;
    }
  }
  return select_below(target, n, y, elim_from);
}

namespace detail {

bool parse_interval_options(core::MapReader& r, const DesignContext& ctx, IntervalOptions& o) {
  using core::Range;
  auto& diag = r.diagnostics();
  const std::size_t errors_before = diag.size();
  const auto target = r.required_double("target", DesignRules::target());
  o.target = target.value_or(o.target);
  // The EI must lie inside (0, 1).
  auto epsilon = [&](const char* key, double& out, bool lower) {
    const core::ConfigNode node = r.get(key);
    if (node.is_missing()) return;
    const auto v = core::read_double(node, diag, Range::positive());
    if (!v) return;
    out = *v;
    if (!target) return;
    const double edge = lower ? o.target - out : o.target + out;
    if (lower ? !(edge > 0.0) : !(edge < 1.0)) {
      diag.error(node.mark(), node.path(),
                 std::string("the equivalence interval must lie inside (0, 1): target ") + (lower ? "- " : "+ ") +
                     key + " = " + core::format_number(edge));
    }
  };
  epsilon("epsilon1", o.eps1, true);
  epsilon("epsilon2", o.eps2, false);
  // A default epsilon next to a target near 0 or 1 puts the interval outside (0, 1).
  const bool low_default = r.get("epsilon1").is_missing() && !(o.target - o.eps1 > 0.0);
  const bool high_default = r.get("epsilon2").is_missing() && !(o.target + o.eps2 < 1.0);
  if (target && (low_default || high_default))
    diag.error(r.get("target").mark(), r.get("target").path(),
               std::string("with the default ") + (low_default ? "epsilon1" : "epsilon2") +
                   " the equivalence interval leaves (0, 1): target " +
                   (low_default ? "- " + core::format_number(o.eps1) + " = " + core::format_number(o.target - o.eps1)
                                : "+ " + core::format_number(o.eps2) + " = " + core::format_number(o.target + o.eps2)) +
                   "; give " + (low_default ? "epsilon1" : "epsilon2"));
  read_cohort_keys(r, kIntervalMaxPatients, o.cohort_size, o.max_patients);
  o.start_dose = read_start_dose(r, ctx, o.start_dose);
  o.cutoff_eli = r.optional_double("cutoff_eli", o.cutoff_eli, Range::open_unit());
  o.exclusion_min_n =
      static_cast<int>(r.optional_int("exclusion_min_n", o.exclusion_min_n, Range::closed(1, kIntervalMaxPatients)));
  o.n_earlystop = static_cast<int>(r.optional_int("n_earlystop", o.n_earlystop, Range::closed(0, kIntervalMaxPatients)));
  return diag.size() == errors_before && ctx.n_doses > 0;
}

}  // namespace detail

}  // namespace twinsim::trial
