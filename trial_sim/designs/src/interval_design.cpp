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
#include <climits>
#include <cmath>
#include <string>
#include <vector>

#include <boost/math/distributions/beta.hpp>

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
  std::vector<int> index;
  std::vector<double> est, weight;
  for (std::size_t i = 0; i < elim_from && i < n.size(); ++i) {
    if (n[i] <= 0) continue;
    const double a = 1.0 + y[i], b = 1.0 + n[i] - y[i];
    index.push_back(static_cast<int>(i));
    est.push_back(a / (a + b));
    weight.push_back((a + b) * (a + b) * (a + b + 1.0) / (a * b));  // 1 / posterior variance
  }
  const std::size_t k = est.size();
  if (k == 0) return -1;
  // Weighted pool-adjacent-violators: blocks on a stack.
  std::vector<double> bval, bw;
  std::vector<std::size_t> bstart;
  for (std::size_t i = 0; i < k; ++i) {
    bval.push_back(est[i]);
    bw.push_back(weight[i]);
    bstart.push_back(i);
    while (bval.size() > 1 && bval[bval.size() - 2] > bval.back()) {
      const std::size_t t = bval.size() - 1;
      const double w = bw[t - 1] + bw[t];
      bval[t - 1] = (bval[t - 1] * bw[t - 1] + bval[t] * bw[t]) / w;
      bw[t - 1] = w;
      bval.pop_back();
      bw.pop_back();
      bstart.pop_back();
    }
  }
  for (std::size_t b = 0; b < bval.size(); ++b) {
    const std::size_t end = b + 1 < bval.size() ? bstart[b + 1] : k;
    for (std::size_t i = bstart[b]; i < end; ++i) est[i] = bval[b];
  }
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
struct IntervalTables {
  std::vector<int> escalate;    // E if y <= escalate[n]
  std::vector<int> deescalate;  // D if y >= deescalate[n] (S in between)
  std::vector<int> exclude;     // excluded if y >= exclude[n] (INT_MAX: never)
};

IntervalTables build_tables(const detail::IntervalOptions& o, detail::IntervalActionFn action) {
  const auto size = static_cast<std::size_t>(o.max_patients) + 1;
  IntervalTables t;
  t.escalate.assign(size, -1);
  t.deescalate.assign(size, INT_MAX);
  t.exclude.assign(size, INT_MAX);
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
      t.exclude[un] = x <= n ? x : INT_MAX;
    }
  }
  return t;
}

class IntervalDesign;

class IntervalRun final : public DesignRun {
 public:
  IntervalRun(const IntervalDesign& design, int n_doses) : design_(design), top_(n_doses - 1), elim_from_(n_doses) {}
  Decision first() override;
  Decision next(const TrialData& data) override;
  int select(const TrialData& data) override;

 private:
  const IntervalDesign& design_;
  int top_;
  int elim_from_;  // lowest excluded dose (doses >= it are out); n_doses when none
  bool toxic_stop_ = false;
};

class IntervalDesign final : public Design {
 public:
  IntervalDesign(const detail::IntervalOptions& o, int n_doses, detail::IntervalActionFn action)
      : o_(o), n_doses_(n_doses), t_(build_tables(o, action)) {}
  std::unique_ptr<DesignRun> start() const override { return std::make_unique<IntervalRun>(*this, n_doses_); }
  int max_patients() const override { return o_.max_patients; }
  int planned_patients() const override { return o_.max_patients; }
  double target() const override { return o_.target; }
  const detail::IntervalOptions& options() const { return o_; }
  const IntervalTables& tables() const { return t_; }

 private:
  detail::IntervalOptions o_;
  int n_doses_;
  IntervalTables t_;
};

Decision IntervalRun::first() {
  const auto& o = design_.options();
  return {false, o.start_dose, std::min(o.cohort_size, o.max_patients)};
}

Decision IntervalRun::next(const TrialData& data) {
  const auto& o = design_.options();
  const auto& t = design_.tables();
  const int d = data.current;
  const auto nd = static_cast<std::size_t>(data.n[static_cast<std::size_t>(d)]);
  const int y = data.dlt[static_cast<std::size_t>(d)];
  if (y >= t.exclude[nd]) {
    elim_from_ = std::min(elim_from_, d);
    if (d == 0) {
      toxic_stop_ = true;
      return {true, -1, 0};
    }
  }
  const int remaining = o.max_patients - data.total_patients;
  if (remaining <= 0) return {true, -1, 0};
  int next = d;
  if (y <= t.escalate[nd]) {
    if (d < top_ && d + 1 < elim_from_) next = d + 1;
  } else if (y >= t.deescalate[nd]) {
    if (d > 0) next = d - 1;
  }
  next = std::min(next, elim_from_ - 1);  // elim_from_ > 0 here
  if (o.n_earlystop > 0 && data.n[static_cast<std::size_t>(next)] >= o.n_earlystop) return {true, -1, 0};
  return {false, next, std::min(o.cohort_size, remaining)};
}

int IntervalRun::select(const TrialData& data) {
  if (toxic_stop_) return -1;
  return select_below(design_.options().target, data.n, data.dlt, static_cast<std::size_t>(elim_from_));
}

}  // namespace

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
  o.target = target.value_or(0.3);
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
  const double last = ctx.n_doses > 0 ? static_cast<double>(ctx.n_doses - 1) : 0.0;
  o.start_dose = static_cast<int>(r.optional_int("start_dose", 0, Range::closed(0, last)));
  o.cutoff_eli = r.optional_double("cutoff_eli", 0.95, Range::open_unit());
  o.exclusion_min_n = static_cast<int>(r.optional_int("exclusion_min_n", 3, Range::closed(1, kIntervalMaxPatients)));
  o.n_earlystop = static_cast<int>(r.optional_int("n_earlystop", 0, Range::closed(0, kIntervalMaxPatients)));
  return diag.size() == errors_before && ctx.n_doses > 0;
}

std::unique_ptr<Design> make_interval_design(const IntervalOptions& o, int n_doses, IntervalActionFn action) {
  return std::make_unique<IntervalDesign>(o, n_doses, action);
}

}  // namespace detail

}  // namespace twinsim::trial
