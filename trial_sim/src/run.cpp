#include "twinsim/trial/run.hpp"

#include <algorithm>
#include <chrono>

#include "twinsim/trial/oc_report.hpp"
#include "twinsim/trial/result_writer.hpp"
#include "twinsim/trial/truth.hpp"
#include "twinsim/trial/runner.hpp"

namespace twinsim::trial {

namespace {

// Trials per block so that one block's results stay under the memory bound.
std::int64_t block_trials(const Scenario& s, const Design& d, const PatientModel& m, std::size_t bytes) {
  const std::size_t per_patient = 256 + sizeof(double) * m.n_timecourse_values();
  const std::size_t per_trial = 128 + per_patient * static_cast<std::size_t>(std::max(1, d.max_patients()));
  const auto n = static_cast<std::int64_t>(std::max<std::size_t>(1, bytes / per_trial));
  return std::min<std::int64_t>(std::min<std::int64_t>(n, 100000), s.replicates);
}

}  // namespace

RunSummary run_scenario(const Scenario& s, const RunOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto model = make_patient_model(s);
  ResultWriter writer(opt.output, opt.overwrite, s, *model);
  RunSummary summary;
  // The true dose-toxicity curve: given (design-only) or estimated (PK/PD).
  std::vector<double> truth;
  if (s.true_dlt_probabilities) {
    truth = *s.true_dlt_probabilities;
  } else if (s.endpoints.dlt && s.endpoints.truth_cohort_size > 0 &&
             std::any_of(s.designs.begin(), s.designs.end(), [](const DesignSpec& d) { return d.design->target() >= 0; })) {
    // Only dose-finding designs are scored against the truth; fixed arms need none.
    const TruthCurve t = estimate_truth(*model, s.dose_levels.size(), s.endpoints.truth_cohort_size, opt.threads);
    writer.write_truth(t);
    truth = t.p;
    summary.truth_failed = t.failed;
  }
  const double gap_days = s.accrual ? 30.4375 / s.accrual->patients_per_month : -1.0;
  const double window_days = s.accrual ? s.accrual->dlt_window_days : 0.0;
  const std::int64_t total = s.replicates * static_cast<std::int64_t>(s.designs.size());
  std::int64_t done = 0;
  ResultBlock block;
  for (const auto& spec : s.designs) {
    const bool timecourses = !model->timecourse_variables().empty();
    DesignRunner runner(*spec.design, *model, s.dose_levels.size(), opt.threads, timecourses);
    writer.begin_design(spec, timecourses);
    const double target = spec.design->target();
    const int target_dose = (target >= 0 && !truth.empty()) ? true_target_dose(truth, target) : -1;
    OcAccumulator oc(s.dose_levels.size(), target_dose, gap_days, window_days);
    DesignSummary ds;
    ds.name = spec.name;
    ds.type = spec.type;
    const std::int64_t step = block_trials(s, *spec.design, *model, opt.block_bytes);
    for (std::int64_t first = 0; first < s.replicates; first += step) {
      const std::int64_t count = std::min(step, s.replicates - first);
      runner.run_block(first, count, block);
      for (const auto& t : block.trials) oc.add(t);
      for (const auto& p : block.patients) {
        ++ds.patients;
        if (p.outcome.status != core::SolveStatus::kOk) {
          ++ds.failed_patients;
          ++ds.failed_by_status[core::to_string(p.outcome.status)];
          continue;
        }
        ds.mean_cmax += p.outcome.exposure.cmax;
        ds.mean_auc_first += p.outcome.exposure.auc_first;
        ds.mean_ctrough += p.outcome.exposure.ctrough;
      }
      writer.append(block);
      done += count;
      if (opt.progress) opt.progress(done, total);
    }
    writer.end_design(oc);
    writer.failures(ds.failed_patients, ds.failed_by_status);
    const auto ok = static_cast<double>(std::max<std::int64_t>(1, ds.patients - ds.failed_patients));
    ds.mean_cmax /= ok;
    ds.mean_auc_first /= ok;
    ds.mean_ctrough /= ok;
    ds.trials = oc.trials();
    ds.p_select = oc.p_select();
    ds.p_no_selection = oc.p_no_selection();
    ds.mean_patients = oc.mean_patients();
    ds.mean_dlts = oc.mean_dlts();
    ds.mean_total_patients = oc.mean_total_patients();
    summary.designs.push_back(std::move(ds));
  }
  writer.commit();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return summary;
}

}  // namespace twinsim::trial
