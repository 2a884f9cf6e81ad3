// Bayesian logistic regression model with escalation with overdose control
// (BLRM + EWOC; Neuenschwander, Branson & Gsponer 2008, Stat Med 27:2420).
//
//   logit p(d) = log(alpha) + beta * log(d / d*),   theta = (log alpha, log beta)
//   theta ~ sum_k w_k N(m_k, S_k)                    (one or more components)
//
// A self-contained numerical component: the posterior, the interval
// probabilities and the dose decision are pure functions of (options, per-dose
// patients and DLTs). The posterior is integrated deterministically (no MCMC):
// see docs/designs.md, "BLRM", for the method and its tested accuracy.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "twinsim/trial/designs/design.hpp"

namespace twinsim::trial {

// One column of the shared grid of one prior component: the posterior given
// log beta = b, as a Chebyshev series of its CDF in v on [lo, hi], where
// log alpha = a0 + sd v. Every dose's summaries are sums over columns.
struct BlrmColumn {
  double b = 0.0, eb = 1.0;   // log beta and beta
  double a0 = 0.0, sd = 1.0;  // conditional mode and curvature sd of log alpha
  double lo = 0.0, hi = 0.0;  // window on v outside which the mass is negligible
  double weight = 0.0;        // trapezoid weight times the column's mass (unnormalised)
  std::size_t offset = 0;     // first coefficient in BlrmPosterior's coefficient store
  std::size_t count = 0;      // number of coefficients
};

// One bivariate normal component of the prior on (log alpha, log beta).
// Default: the weakly informative prior of OncoBayes2's single-agent example
// (Neuenschwander et al. 2008 as adapted in OncoBayes2 0.9, `example-single-agent`):
// log alpha ~ N(logit(0.5), 2^2), log beta ~ N(log 1, 1^2), independent. For a
// prior guess p* of the DLT rate at d*, set mean_log_alpha = logit(p*).
struct BlrmPriorComponent {
  double weight = 1.0;          // mixture weight (> 0; weights are normalised)
  double mean_log_alpha = 0.0;  // logit of the DLT rate at d* (dimensionless)
  double mean_log_beta = 0.0;   // log slope (dimensionless)
  double sd_log_alpha = 2.0;    // > 0
  double sd_log_beta = 1.0;     // > 0
  double correlation = 0.0;     // in (-1, 1)
};

struct BlrmOptions {
  std::vector<double> doses;     // dose levels, strictly increasing, > 0 (mg; any unit, same as d*)
  double reference_dose = 0.0;   // d* (same unit as doses); <= 0: the highest dose
  std::vector<BlrmPriorComponent> prior = {BlrmPriorComponent{}};
  // Interval cut points on the DLT probability: underdosing [0, target_low),
  // target [target_low, target_high), overdosing [target_high, 1]
  // (Neuenschwander et al. 2008, section 3.3).
  double target_low = 0.16;
  double target_high = 0.33;
  double ewoc = 0.25;            // a dose is eligible only if P(overdosing) < ewoc
  double max_increase = 1.0;     // escalation cap: next dose <= (1 + max_increase) * highest dose given
  bool allow_skipping = true;    // false: at most one level above the highest dose given
  int start_level = 0;           // level of the first cohort (0-based)
  int cohort_size = 3;           // patients per cohort (the last one is cut to fit max_patients)
  int min_patients_at_mtd = 6;   // stop when the recommended dose has this many patients ...
  double stop_target_prob = 0.5; // ... and P(target) at it is at least this
  int max_patients = 30;         // ... or when this many patients have been treated
  // The rule has none; a single DLT rate given here only tells the operating
  // characteristics which dose counts as correct (as for 3+3).
  std::optional<double> target;

  // Throws std::invalid_argument naming the key ("prior[1].sd_log_beta: must be > 0 (got 0)").
  void validate() const;
  double dstar() const { return reference_dose > 0 ? reference_dose : doses.back(); }
};

// Posterior summaries of p(d) at one dose level.
struct BlrmDoseSummary {
  double p_under = 0.0;   // P(p < target_low | data)
  double p_target = 0.0;  // P(target_low <= p < target_high | data)
  double p_over = 0.0;    // P(p >= target_high | data)
  double mean = 0.0;      // E[p | data]
};

// Accuracy the integration is built and tested for (absolute, on every
// probability and mean above and on quantiles of p).
constexpr double kBlrmTolerance = 1e-7;

// The posterior integrator. Holds its scratch so that repeated updates do not
// allocate once warmed up; one per thread.
class BlrmPosterior {
 public:
  explicit BlrmPosterior(BlrmOptions options);

  // Integrates the posterior for n[d] patients with y[d] DLTs at each level.
  void update(const std::vector<int>& n, const std::vector<int>& y);

  const std::vector<BlrmDoseSummary>& summaries() const { return summary_; }
  // The summaries for (n, y), from a table of the data sets seen before (the
  // same per-dose counts recur across simulated trials) or by update() on a
  // miss. The result is bit-identical either way; cdf() and quantile() refer
  // to the last update(). The table holds at most cache_limit entries.
  const std::vector<BlrmDoseSummary>& cached_summaries(const std::vector<int>& n, const std::vector<int>& y);
  std::size_t cache_hits() const { return hits_; }
  std::size_t cache_limit = 1u << 18;
  // q-quantile of p(d) (0 < q < 1), by root finding on the posterior CDF.
  // The first cdf() or quantile() after an update() integrates again on a
  // grid also refined for the CDF over the bulk of every p(d) (the summaries
  // need it only at the interval bounds); summaries() are not changed.
  double quantile(std::size_t dose, double q);
  // P(p(dose) < p | data), any p in (0, 1).
  double cdf(std::size_t dose, double p);
  // Posterior probability of each prior component (the mixture weights after the data).
  const std::vector<double>& component_weights() const { return post_weight_; }
  // Posterior evaluations of the last update (grid points, summed over components).
  std::size_t nodes_used() const { return nodes_; }
  const BlrmOptions& options() const { return opt_; }

 private:
  // P(logit p(dose) < eta) under component k (normalised within the component).
  double component_cdf(std::size_t k, std::size_t dose, double eta) const;
  void integrate(bool probes);
  void integrate_component(std::size_t k, bool probes);

  BlrmOptions opt_;
  std::vector<double> x_;                 // log(d / d*) per level
  std::vector<BlrmDoseSummary> summary_;
  std::vector<double> post_weight_;
  std::vector<BlrmColumn> columns_;       // every component's columns, component after component
  std::vector<std::size_t> first_column_; // per component, and one past the last
  std::vector<double> coef_;              // Chebyshev coefficients of every column's CDF
  std::vector<double> log_mass_;          // per component: log of its posterior mass (unnormalised)
  std::vector<double> under_, below_, mean_;  // per component and dose: the component's summaries
  std::vector<double> contrib_;           // per column and dose: P(under), P(below target_high), E[p] parts
  std::vector<long> position_;            // per column of the component being built: its grid index
  std::vector<double> values_, scratch_, u_, fine_, coarse_, exp_neg_a_, lobatto_, probe_;
  std::vector<double> tx_;                // log(d / d*) of the levels with patients
  std::vector<int> tn_, ty_;              // their patients and DLTs
  std::vector<std::vector<double>> cos_tables_, cc_weights_;  // per refinement level
  std::size_t nodes_ = 0;
  bool probed_ = false;  // the columns are refined for cdf() and quantile()
  std::map<std::vector<int>, std::vector<BlrmDoseSummary>> cache_;  // key: n then y
  std::vector<int> key_;
  std::size_t hits_ = 0;
};

enum class BlrmAction {
  kContinue,     // treat the next cohort at next_level
  kStopTarget,   // enough patients at the recommended dose and P(target) high enough
  kStopMaxN,     // max_patients reached
  kStopSafety,   // no dose satisfies EWOC (including the lowest)
};

struct BlrmDecision {
  BlrmAction action = BlrmAction::kContinue;
  int next_level = -1;  // level for the next cohort (-1 when stopped)
  int mtd = -1;         // selected MTD when stopped (-1: none)
  std::vector<BlrmDoseSummary> summaries;
};

// The decision after the data (n[d] patients, y[d] DLTs per level):
//  * eligible levels: P(overdosing) < ewoc and dose <= (1 + max_increase) x the
//    highest dose given so far (and, without skipping, at most one level above it);
//  * the recommended level is the eligible one with the largest P(target)
//    (ties to the higher level); none eligible: stop for safety;
//  * stop when n at the recommended level >= min_patients_at_mtd and its
//    P(target) >= stop_target_prob, or when sum(n) >= max_patients;
//  * MTD at a stop: the tested level (n > 0) satisfying EWOC with the largest
//    P(target); none for a safety stop.
// With no patients yet, the next level is start_level. Deterministic. Uses
// posterior.cached_summaries().
BlrmDecision blrm_decide(BlrmPosterior& posterior, const std::vector<int>& n, const std::vector<int>& y);

// The MTD rule of blrm_decide on given summaries: the tested level (n > 0)
// satisfying EWOC with the largest P(target) (ties to the higher), or -1.
int blrm_select_mtd(const BlrmOptions& o, const std::vector<BlrmDoseSummary>& s, const std::vector<int>& n);

// `type: blrm` (designs/src/blrm.cpp): the rule above as a Design. Each thread
// keeps its own BlrmPosterior (with its table of integrated data sets) in the
// workspace; decisions depend only on the per-dose counts, so they are the
// same for any thread count.
class Blrm final : public Design {
 public:
  // Throws std::invalid_argument when the options do not validate.
  explicit Blrm(BlrmOptions o);
  std::unique_ptr<DesignRun> start(DesignWorkspace* ws) const override;
  std::unique_ptr<DesignWorkspace> workspace() const override;
  int max_patients() const override { return o_.max_patients; }
  int planned_patients() const override { return o_.max_patients; }
  double target() const override { return o_.target.value_or(-1.0); }
  const BlrmOptions& options() const { return o_; }

  // The decision after n[d] patients with y[d] DLTs per level (the per-history
  // decision table: what a `boundaries` / pathways view asks). ws: from
  // workspace(), or nullptr for a fresh posterior.
  BlrmDecision decide(const std::vector<int>& n, const std::vector<int>& y, DesignWorkspace* ws = nullptr) const;

 private:
  BlrmOptions o_;
};

}  // namespace twinsim::trial
