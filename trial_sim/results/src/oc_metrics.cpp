#include "twinsim/trial/results/oc_metrics.hpp"

#include <algorithm>

#include "twinsim/core/error.hpp"
#include "twinsim/trial/results/results.hpp"

namespace twinsim::trial {

TrueDecision true_decision(const std::vector<double>& truth, double target, const ScoringOptions& scoring) {
  TrueDecision t;
  if (truth.empty() || !(target > 0 && target < 1)) return t;
  for (double p : truth)
    if (!std::isfinite(p)) return t;  // a dose of unknown toxicity: no right answer to score against
  t.scored = true;
  t.overdose_limit = scoring.overdose_factor * target;
  double best_gap = 0.0;
  for (std::size_t d = 0; d < truth.size(); ++d) {
    const double gap = std::fabs(truth[d] - target);
    t.acceptable.push_back(gap <= scoring.acceptable_margin + kScoringTolerance);
    if (truth[d] > t.overdose_limit + kScoringTolerance) continue;  // an overdose is never the right answer
    if (t.correct_dose < 0 || gap < best_gap - kScoringTolerance) {  // strictly closer: ties keep the lower dose
      t.correct_dose = static_cast<int>(d);
      best_gap = gap;
    }
  }
  return t;
}

const char* to_string(DesignObjective o) { return o == DesignObjective::obd ? "OBD" : "MTD"; }

TrueObd true_obd(const std::vector<double>& p_t, const std::vector<double>& p_e, const std::vector<double>& p_both,
                 const ObdRule& rule) {
  TrueObd t;
  const std::size_t D = p_t.size();
  if (D == 0 || p_e.size() != D || p_both.size() != D) return t;
  for (std::size_t d = 0; d < D; ++d)
    if (!std::isfinite(p_t[d]) || !std::isfinite(p_e[d]) || !std::isfinite(p_both[d])) return t;
  t.scored = true;
  double best = 0.0;
  for (std::size_t d = 0; d < D; ++d) {
    const double both = p_both[d], eff_only = p_e[d] - both, tox_only = p_t[d] - both;
    const double neither = 1.0 - p_t[d] - p_e[d] + both;
    const double u = rule.u1 * eff_only + rule.u2 * neither + rule.u3 * both + rule.u4 * tox_only;
    t.utility.push_back(u);
    const bool ok = p_t[d] <= rule.phi_t + kScoringTolerance && p_e[d] >= rule.phi_e - kScoringTolerance;
    t.admissible.push_back(ok);
    if (!ok) continue;
    // Utilities are on a 0-100 scale: the tolerance scales with it.
    if (t.obd < 0 || u > best + 100.0 * kScoringTolerance) {  // strictly higher: ties keep the lower dose
      t.obd = static_cast<int>(d);
      best = u;
    }
  }
  return t;
}

std::vector<double> utility_se(const TruthCurve& truth, const ObdRule& rule) {
  std::vector<double> se;
  const std::size_t D = truth.response.size();
  if (truth.p.size() != D || truth.both.size() != D || truth.n_evaluable.size() != D) return se;
  for (std::size_t d = 0; d < D; ++d) {
    const double both = truth.both[d], eff_only = truth.response[d] - both, tox_only = truth.p[d] - both;
    const double neither = 1.0 - truth.p[d] - truth.response[d] + both;
    const double u = rule.u1 * eff_only + rule.u2 * neither + rule.u3 * both + rule.u4 * tox_only;
    const double u_sq = rule.u1 * rule.u1 * eff_only + rule.u2 * rule.u2 * neither + rule.u3 * rule.u3 * both +
                        rule.u4 * rule.u4 * tox_only;
    const auto n = static_cast<double>(truth.n_evaluable[d]);
    se.push_back(n > 0 ? std::sqrt(std::max(0.0, u_sq - u * u) / n) : std::numeric_limits<double>::quiet_NaN());
  }
  return se;
}

bool same_target(const std::optional<double>& a, const std::optional<double>& b) {
  if (!a || !b) return !a && !b;
  return std::fabs(*a - *b) <= kScoringTolerance;
}

std::vector<ScoringTarget> scoring_targets(const std::vector<DesignTargetInfo>& designs,
                                           std::optional<double> given) {
  std::optional<double> shared;
  bool agree = true;
  for (const auto& d : designs) {
    if (!d.target) continue;
    if (shared && !same_target(shared, d.target)) agree = false;
    if (!shared) shared = d.target;
  }
  const std::optional<double> fallback = given ? given : agree ? shared : std::nullopt;
  std::vector<ScoringTarget> out;
  for (const auto& d : designs) {
    ScoringTarget s;
    s.dose_finding = d.dose_finding;
    if (d.target) {
      s.target = d.target;
    } else if (d.dose_finding && fallback) {
      s.target = fallback;
      s.assumed = true;
    }
    out.push_back(s);
  }
  return out;
}

DurationModel duration_model(double patients_per_month, double dlt_window_days) {
  return {30.4375 / patients_per_month, dlt_window_days};  // a month of 30.4375 days (365.25 / 12)
}

double trial_duration_days(const DurationModel& m, std::int64_t n_patients, std::int64_t n_cohorts) {
  return static_cast<double>(n_patients - n_cohorts) * m.gap_days + static_cast<double>(n_cohorts) * m.window_days;
}

const std::vector<OcMetric>& oc_metrics() {
  static const std::vector<OcMetric> metrics{
      {"pcs", "PCS", "pcs", 100.0, 1, " %", true, true, &OcEstimates::pcs},
      {"p_acceptable", "acceptable dose selected", "p_acceptable", 100.0, 1, " %", true, true,
       &OcEstimates::p_acceptable},
      {"p_no_selection", "no dose selected", "p_no_selection", 100.0, 1, " %", true, false,
       &OcEstimates::p_no_selection},
      {"p_stopped_early", "stopped early", "p_stopped_early", 100.0, 1, " %", true, false,
       &OcEstimates::p_stopped_early},
      {"above_target", "treated above target", "p_treated_above_target", 100.0, 1, " %", false, true,
       &OcEstimates::above_target},
      {"mean_total_patients", "mean total N", "mean_total_patients", 1.0, 2, "", false, false,
       &OcEstimates::mean_total_patients},
      {"mean_total_dlts", "mean total DLTs", "mean_total_dlts", 1.0, 2, "", false, false,
       &OcEstimates::mean_total_dlts},
      {"mean_duration_days", "mean duration (days)", "mean_duration_days", 1.0, 1, "", false, false,
       &OcEstimates::mean_duration_days},
      {"p_treated_at_obd", "treated at the true OBD", "p_treated_at_obd", 100.0, 1, " %", false, false,
       &OcEstimates::p_treated_at_obd},
      {"expected_utility", "expected true utility of the selection", "expected_utility", 1.0, 2, "", false, false,
       &OcEstimates::expected_utility},
  };
  return metrics;
}

const OcMetric& oc_metric(const std::string& key) {
  for (const auto& m : oc_metrics())
    if (key == m.key) return m;
  throw core::UsageError("unknown metric '" + key + "'");
}

}  // namespace twinsim::trial
