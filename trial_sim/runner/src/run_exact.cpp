// `twinsim run --exact`: every design's OCs from every trial it can run
// (designs/path_tree.hpp) instead of simulated trials.
#include <chrono>
#include <stdexcept>

#include "twinsim/core/error.hpp"
#include "twinsim/trial/designs/path_tree.hpp"
#include "twinsim/trial/io/schema.hpp"
#include "twinsim/trial/results/exact_oc.hpp"
#include "twinsim/trial/results/oc_tables.hpp"
#include "twinsim/trial/runner/run.hpp"

namespace twinsim::trial {

RunSummary run_exact(const Scenario& s, ResultSink& sink, const RunOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!s.true_dlt_probabilities)
    throw core::UsageError("--exact needs design-only mode (toxicity.true_dlt_probabilities); a PK/PD scenario is "
                           "simulated");
  // Every design is checked before anything is written.
  for (const auto& spec : s.designs) {
    if (!spec.design->is_dose_finding())
      throw core::UsageError("--exact: design '" + spec.name + "' is a fixed arm; run it without --exact");
    if (spec.design->decision_basis() == DecisionBasis::other)
      throw core::UsageError("--exact: design '" + spec.name + "' (" + spec.type +
                             ") may decide from more than the DLT counts, so its trials cannot be enumerated");
  }
  const auto model = make_patient_model(s);
  RunOptions with_method = opt;
  with_method.attributes.emplace_back(schema::attr::kOcMethod, schema::kOcMethodExact);
  RunInfo info = run_info(s, *model, with_method);
  info.replicates = 0;
  info.seed = 0;
  info.layout.patients = false;
  OcContext context;
  context.truth = *s.true_dlt_probabilities;
  context.dose_levels = s.dose_levels;
  context.scoring = s.scoring;
  if (s.accrual) context.duration = duration_model(s.accrual->patients_per_month, s.accrual->dlt_window_days);
  std::vector<DesignTargetInfo> target_info;
  for (const auto& spec : s.designs)
    target_info.push_back({true, spec.design->target() >= 0 ? std::optional<double>(spec.design->target())
                                                            : std::nullopt});
  const std::vector<ScoringTarget> targets = scoring_targets(target_info);
  // Enumerated first, so a refusal leaves nothing half-written.
  std::vector<std::vector<WeightedTrial>> trials;
  for (const auto& spec : s.designs) {
    if (opt.stop && opt.stop()) throw Interrupted("interrupted before design '" + spec.name + "'");
    ExactTree tree;
    try {
      const auto ws = spec.design->workspace();
      tree = exact_outcomes(*spec.design, *s.true_dlt_probabilities, ws.get());
    } catch (const std::length_error& e) {
      throw core::UsageError("--exact: design '" + spec.name + "': " + e.what());
    }
    std::vector<WeightedTrial> w;
    w.reserve(tree.outcomes.size());
    for (const auto& o : tree.outcomes) w.push_back({o.probability, o.selected, o.cohorts, o.n, o.dlt});
    trials.push_back(std::move(w));
  }
  sink.begin_run(info);
  RunSummary summary;
  summary.oc = oc_report_header(info, context, opt.label);
  for (std::size_t k = 0; k < s.designs.size(); ++k) {
    const DesignSpec& spec = s.designs[k];
    const auto planned = static_cast<std::int64_t>(spec.design->planned_patients());
    sink.begin_design({spec.name, spec.type, spec.design->target(), planned, true});
    DesignOc oc = exact_design_oc(spec.name, spec.type, targets[k], trials[k], planned, context);
    sink.end_design(oc, {});
    DesignSummary ds;
    ds.name = spec.name;
    ds.type = spec.type;
    summary.oc.designs.push_back(std::move(oc));
    summary.designs.push_back(std::move(ds));
    if (opt.progress) opt.progress(static_cast<std::int64_t>(k + 1), static_cast<std::int64_t>(s.designs.size()));
  }
  sink.commit();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return summary;
}

}  // namespace twinsim::trial
