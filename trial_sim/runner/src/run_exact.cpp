// `twinsim run --exact`: every design's OCs from every trial it can run
// (designs/path_tree.hpp) instead of simulated trials. In PK/PD mode the
// trials are enumerated on the true DLT curve estimated by the reference
// cohort (runner/truth.hpp): a trial's patients are independent draws from
// the population, each evaluated at one dose, so the DLTs of a cohort at dose
// d are Binomial(c, p_d) with p_d the population's P(DLT) there, exactly as
// in design-only mode; the curve's sampling error is carried into every OC's
// SE (propagate_truth_uncertainty).
#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "twinsim/core/error.hpp"
#include "twinsim/trial/designs/path_tree.hpp"
#include "twinsim/trial/io/schema.hpp"
#include "twinsim/trial/results/exact_oc.hpp"
#include "twinsim/trial/results/oc_tables.hpp"
#include "twinsim/trial/runner/run.hpp"
#include "twinsim/trial/runner/truth.hpp"

namespace twinsim::trial {

namespace {

// Central differences where p +/- h stays in [0, 1], one-sided at the ends.
constexpr double kTruthStep = 1e-4;

std::vector<WeightedTrial> enumerate(const DesignSpec& spec, const std::vector<double>& p) {
  ExactTree tree;
  try {
    const auto ws = spec.design->workspace();
    tree = exact_outcomes(*spec.design, p, ws.get());
  } catch (const std::length_error& e) {
    throw core::UsageError("--exact: design '" + spec.name + "': " + e.what());
  }
  std::vector<WeightedTrial> w;
  w.reserve(tree.outcomes.size());
  for (const auto& o : tree.outcomes) w.push_back({o.probability, o.selected, o.cohorts, o.n, o.dlt});
  return w;
}

}  // namespace

RunSummary run_exact(const Scenario& s, ResultSink& sink, const RunOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  const bool estimated = !s.true_dlt_probabilities;
  if (estimated && (!s.endpoints.dlt || s.endpoints.truth_cohort_size <= 0))
    throw core::UsageError("--exact needs the true DLT curve: toxicity.true_dlt_probabilities (design-only), or in "
                           "PK/PD mode endpoints.dlt with truth_cohort_size > 0");
  // Every design is checked before anything is written.
  for (const auto& spec : s.designs) {
    if (!spec.design->is_dose_finding())
      throw core::UsageError("--exact: design '" + spec.name + "' is a fixed arm; run it without --exact");
    if (spec.design->decision_basis() == DecisionBasis::other)
      throw core::UsageError("--exact: design '" + spec.name + "' (" + spec.type +
                             ") may decide from more than the DLT counts, so its trials cannot be enumerated");
    if (estimated && spec.regimen)
      throw core::UsageError("--exact: design '" + spec.name + "' has its own regimen; the reference cohort gives the "
                             "true DLT curve of the scenario's regimen only");
  }
  const auto model = make_patient_model(s);
  RunOptions with_method = opt;
  with_method.attributes.emplace_back(schema::attr::kOcMethod, schema::kOcMethodExact);
  RunInfo info = run_info(s, *model, with_method);
  info.replicates = 0;
  info.seed = 0;
  info.layout.patients = false;
  OcContext context;
  TruthCurve truth;
  if (estimated) {
    truth = estimate_truth(*model, s.dose_levels.size(), s.endpoints.truth_cohort_size, opt.threads,
                           s.endpoints.failure_policy(), opt.stop, true);
    // Trials count a failed solve by on_solve_failure; the curve leaves it out:
    // the enumeration would then not be the simulated trial's distribution.
    if (truth.failed > 0)
      throw core::UsageError("--exact: " + std::to_string(truth.failed) +
                             " reference patients' solves failed, so trials would not follow the estimated curve; "
                             "run without --exact");
    context.truth = truth.p;
    context.truth_se = truth.se;
  } else {
    context.truth = *s.true_dlt_probabilities;
  }
  const std::vector<double>& p = *context.truth;
  context.dose_levels = s.dose_levels;
  context.scoring = s.scoring;
  if (s.accrual) context.duration = duration_model(s.accrual->patients_per_month, s.accrual->dlt_window_days);
  std::vector<DesignTargetInfo> target_info;
  for (const auto& spec : s.designs)
    target_info.push_back({true, spec.design->target() >= 0 ? std::optional<double>(spec.design->target())
                                                            : std::nullopt});
  const std::vector<ScoringTarget> targets = scoring_targets(target_info);
  const std::size_t D = s.dose_levels.size();
  // Enumerated first, so a refusal leaves nothing half-written.
  std::vector<DesignOc> ocs;
  for (std::size_t k = 0; k < s.designs.size(); ++k) {
    const DesignSpec& spec = s.designs[k];
    if (opt.stop && opt.stop()) throw Interrupted("interrupted before design '" + spec.name + "'");
    const auto planned = static_cast<std::int64_t>(spec.design->planned_patients());
    DesignOc oc = exact_design_oc(spec.name, spec.type, targets[k], enumerate(spec, p), planned, context);
    if (estimated) {
      TruthPerturbation tp;
      tp.plus.resize(D);
      tp.minus.resize(D);
      tp.step_up.assign(D, 0.0);
      tp.step_down.assign(D, 0.0);
      for (std::size_t d = 0; d < D; ++d) {
        if (truth.covariance[d * D + d] <= 0.0) continue;
        tp.step_up[d] = std::min(kTruthStep, 1.0 - p[d]);
        tp.step_down[d] = std::min(kTruthStep, p[d]);
        std::vector<double> up = p, down = p;
        up[d] += tp.step_up[d];
        down[d] -= tp.step_down[d];
        // Scored against the truth at p (context), so the correct dose stays put.
        tp.plus[d] = exact_design_oc(spec.name, spec.type, targets[k], enumerate(spec, up), planned, context);
        tp.minus[d] = exact_design_oc(spec.name, spec.type, targets[k], enumerate(spec, down), planned, context);
      }
      propagate_truth_uncertainty(oc, tp, truth.covariance);
    }
    ocs.push_back(std::move(oc));
  }
  sink.begin_run(info);
  if (estimated) sink.truth(truth);
  RunSummary summary;
  summary.oc = oc_report_header(info, context, opt.label);
  summary.oc.exact = true;
  for (std::size_t k = 0; k < s.designs.size(); ++k) {
    const DesignSpec& spec = s.designs[k];
    const auto planned = static_cast<std::int64_t>(spec.design->planned_patients());
    sink.begin_design({spec.name, spec.type, spec.design->target(), planned, true});
    sink.end_design(ocs[k], {});
    DesignSummary ds;
    ds.name = spec.name;
    ds.type = spec.type;
    summary.oc.designs.push_back(std::move(ocs[k]));
    summary.designs.push_back(std::move(ds));
    if (opt.progress) opt.progress(static_cast<std::int64_t>(k + 1), static_cast<std::int64_t>(s.designs.size()));
  }
  sink.commit();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return summary;
}

}  // namespace twinsim::trial
