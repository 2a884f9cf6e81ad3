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
#include <vector>

namespace twinsim::trial {

// The posterior marginal of eta = logit p at one dose under one prior
// component, as a Chebyshev series of its CDF in v on [lo, hi], where
// eta = mu + sd sinh(v).
struct BlrmSeries {
  double mu = 0.0, sd = 1.0;  // Laplace mean and sd of eta
  double lo = 0.0, hi = 0.0;  // window on v outside which the mass is negligible
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
  int min_patients_at_mtd = 6;   // stop when the recommended dose has this many patients ...
  double stop_target_prob = 0.5; // ... and P(target) at it is at least this
  int max_patients = 30;         // ... or when this many patients have been treated

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
  double quantile(std::size_t dose, double q) const;
  // P(p(dose) < p | data), any p in (0, 1).
  double cdf(std::size_t dose, double p) const;
  // Posterior probability of each prior component (the mixture weights after the data).
  const std::vector<double>& component_weights() const { return post_weight_; }
  // Quadrature nodes used by the last update (outer times inner, summed over components).
  std::size_t nodes_used() const { return nodes_; }
  const BlrmOptions& options() const { return opt_; }

 private:
  // P(logit p(dose) < eta) under one component (normalised within the component).
  double series_cdf(const BlrmSeries& s, double eta) const;
  void integrate_component(std::size_t k);

  BlrmOptions opt_;
  std::vector<double> x_;                 // log(d / d*) per level
  std::vector<BlrmDoseSummary> summary_;
  std::vector<double> post_weight_;
  std::vector<BlrmSeries> series_;        // [component * doses + dose]
  std::vector<double> coef_;              // Chebyshev coefficients of every series
  std::vector<double> log_mass_;          // per component: log of its posterior mass (unnormalised)
  std::vector<double> mean_;              // per component and dose: E[p | data, component]
  std::vector<double> values_, products_, modes_, scratch_;
  std::vector<double> tx_;                // log(d / d*) of the levels with patients
  std::vector<int> tn_, ty_;              // their patients and DLTs
  std::vector<std::vector<double>> cos_tables_;  // per refinement level
  std::size_t nodes_ = 0;
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

}  // namespace twinsim::trial
