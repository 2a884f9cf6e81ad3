// Exact OCs (exact_oc.hpp): probability-weighted sums over possible trials.
#include "twinsim/trial/results/exact_oc.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "oc_sums.hpp"
#include "twinsim/core/error.hpp"

namespace twinsim::trial {

namespace {
Estimate exact(double v) { return {v, 0.0}; }
}  // namespace

DesignOc exact_design_oc(const std::string& name, const std::string& type, const ScoringTarget& target,
                         const std::vector<WeightedTrial>& trials, std::int64_t planned_patients,
                         const OcContext& ctx) {
  const std::size_t D = ctx.dose_levels.size();
  DesignOc oc = detail::design_oc_frame(name, type, target, ctx);
  oc.sums = TrialSums(D);
  oc.sums.planned_patients = planned_patients;
  std::vector<double> select(D + 1, 0.0), patients(D, 0.0), dlts(D, 0.0);
  double total_n = 0.0, total_y = 0.0, cohorts = 0.0, early = 0.0;
  for (const WeightedTrial& t : trials) {
    if (t.n.size() != D || t.dlt.size() != D || t.selected < -1 || t.selected >= static_cast<std::int64_t>(D))
      throw core::RuntimeError("design '" + name + "': an enumerated trial for another number of doses");
    const double w = t.probability;
    select[static_cast<std::size_t>(t.selected + 1)] += w;
    std::int64_t n = 0;
    for (std::size_t d = 0; d < D; ++d) {
      patients[d] += w * t.n[d];
      dlts[d] += w * t.dlt[d];
      total_y += w * t.dlt[d];
      n += t.n[d];
    }
    total_n += w * static_cast<double>(n);
    cohorts += w * static_cast<double>(t.n_cohorts);
    if (planned_patients > 0 && n < planned_patients) early += w;
  }
  for (std::size_t d = 0; d < D; ++d) {
    DoseOc& o = oc.doses[d];
    o.p_select = exact(select[d + 1]);
    o.mean_patients = exact(patients[d]);
    o.mean_dlts = exact(dlts[d]);
  }
  oc.p_no_selection = exact(select[0]);
  if (planned_patients > 0) oc.p_stopped_early = exact(early);
  oc.mean_total_patients = exact(total_n);
  oc.mean_total_dlts = exact(total_y);
  if (ctx.duration) {
    const DurationModel& m = *ctx.duration;
    oc.mean_duration_days = exact(m.gap_days * total_n + (m.window_days - m.gap_days) * cohorts);
  }
  if (!target.target) return oc;
  oc.target = target.target;
  oc.target_assumed = target.assumed;
  if (!ctx.truth || ctx.truth->size() != D) return oc;
  const TrueDecision truth = true_decision(*ctx.truth, *target.target, ctx.scoring);
  oc.overdose_limit = truth.overdose_limit;
  if (!truth.scored) return oc;
  oc.scored = true;
  oc.target_dose = truth.correct_dose;
  double acceptable = 0.0, above = 0.0;
  for (std::size_t d = 0; d < D; ++d) {
    oc.doses[d].acceptable = truth.acceptable[d];
    if (truth.acceptable[d]) acceptable += select[d + 1];
    if (static_cast<int>(d) > truth.correct_dose) above += patients[d];
  }
  oc.pcs = exact(select[static_cast<std::size_t>(truth.correct_dose + 1)]);
  oc.p_acceptable = exact(acceptable);
  // A ratio of expectations, as the simulated OC is a ratio of sums.
  if (total_n > 0) oc.above_target = exact(above / total_n);
  return oc;
}

void propagate_truth_uncertainty(DesignOc& oc, const TruthPerturbation& perturbed,
                                 const std::vector<double>& covariance) {
  const std::size_t D = oc.doses.size();
  if (covariance.size() != D * D || perturbed.plus.size() != D || perturbed.minus.size() != D ||
      perturbed.step_up.size() != D || perturbed.step_down.size() != D)
    throw core::RuntimeError("design '" + oc.name + "': truth perturbations for another number of doses");
  // One OC as a function of the design's OCs, so the same code reads it at p and at p +/- h e_d.
  const auto delta = [&](Estimate& value, const std::function<const Estimate&(const DesignOc&)>& of) {
    if (!std::isfinite(value.value)) return;
    std::vector<double> g(D, 0.0);
    for (std::size_t d = 0; d < D; ++d) {
      const double h = perturbed.step_up[d] + perturbed.step_down[d];
      if (covariance[d * D + d] <= 0.0 || h <= 0.0) continue;
      g[d] = (of(perturbed.plus[d]).value - of(perturbed.minus[d]).value) / h;
    }
    double var = 0.0;
    for (std::size_t d = 0; d < D; ++d)
      for (std::size_t e = 0; e < D; ++e) var += g[d] * covariance[d * D + e] * g[e];
    value.se = std::sqrt(std::max(var, 0.0));
  };
  for (const OcMetric& m : oc_metrics()) delta(oc.*m.field, [&](const DesignOc& o) -> const Estimate& { return o.*m.field; });
  for (std::size_t k = 0; k < D; ++k) {
    delta(oc.doses[k].p_select, [&](const DesignOc& o) -> const Estimate& { return o.doses[k].p_select; });
    delta(oc.doses[k].mean_patients, [&](const DesignOc& o) -> const Estimate& { return o.doses[k].mean_patients; });
    delta(oc.doses[k].mean_dlts, [&](const DesignOc& o) -> const Estimate& { return o.doses[k].mean_dlts; });
  }
}

}  // namespace twinsim::trial
