#include "twinsim/trial/runner/run.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>

#include "twinsim/core/error.hpp"
#include "twinsim/core/memory.hpp"
#include "twinsim/core/serial_executor.hpp"
#include "twinsim/trial/io/schema.hpp"
#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/results/oc_report.hpp"
#include "twinsim/trial/results/oc_tables.hpp"
#include "twinsim/trial/scenario/scenario_text.hpp"
#include "twinsim/trial/runner/truth.hpp"
#include "twinsim/trial/runner/runner.hpp"
#include "twinsim/trial/runner/timecourse_packer.hpp"

namespace twinsim::trial {

namespace {

// Trials per block so that one block's results stay under the memory bound.
std::int64_t block_trials(const Scenario& s, const Design& d, const PatientModel& m, std::size_t bytes) {
  const std::size_t per_patient = 256 + sizeof(double) * m.n_timecourse_values();
  const std::size_t per_trial = 128 + per_patient * static_cast<std::size_t>(std::max(1, d.max_patients()));
  const auto n = static_cast<std::int64_t>(std::max<std::size_t>(1, bytes / per_trial));
  return std::min<std::int64_t>(std::min<std::int64_t>(n, 100000), s.replicates);
}

// Results are streamed block by block, but a block holds at least one whole
// trial, its time courses above all. A trial that cannot fit is refused
// before anything is simulated: past the machine's memory the kernel's OOM
// killer would end the run without a word, hours in.
void check_trial_fits(const DesignSpec& spec, const PatientModel& m) {
  const double patients = std::max(1, spec.design->max_patients());
  const double values = static_cast<double>(m.n_timecourse_values());
  const double bytes = patients * (256.0 + sizeof(double) * values);
  if (bytes < double(1u << 30)) return;  // the common case: not worth asking the kernel
  std::uint64_t available = core::memory_available();
  if (const std::uint64_t limit = core::address_space_limit(); limit > 0 && (available == 0 || limit < available))
    available = limit;
  if (available == 0 || bytes <= static_cast<double>(available)) return;
  char detail[160];
  std::snprintf(detail, sizeof detail, "up to %.0f patients x %zu time courses x %zu time points x 8 bytes",
                patients, m.timecourse_variables().size(), m.time_grid().size());
  throw core::RuntimeError(core::not_enough_memory("one trial of design '" + spec.name + "'", bytes, detail,
                                                   available) +
                           "; store fewer output.timecourses, use a coarser output.grid_h, or fewer patients");
}

}  // namespace

std::vector<core::InputFile> scenario_inputs(const Scenario& s) {
  std::vector<core::InputFile> in;
  if (!s.source_path.empty()) in.push_back({"scenario file", s.source_path});
  if (s.population->spec().csv) in.push_back({"population CSV (population.csv.file)", s.population->spec().csv->path});
  if (!s.regimen.events_file.empty()) in.push_back({"dosing records (regimen.events)", s.regimen.events_file});
  for (std::size_t i = 0; i < s.designs.size(); ++i)
    if (s.designs[i].regimen && !s.designs[i].regimen->events_file.empty())
      in.push_back({"dosing records (designs[" + std::to_string(i) + "].regimen.events)", s.designs[i].regimen->events_file});
  return in;
}

RunInfo run_info(const Scenario& s, const PatientModel& m, const RunOptions& opt) {
  RunInfo r;
  r.scenario_name = s.name;
  r.scenario_file = s.source_path;
  r.scenario_yaml = s.source_text;
  r.seed = s.seed;
  r.replicates = s.replicates;
  r.pkpd = s.pkpd_mode();
  r.dose_levels = s.dose_levels;
  r.true_dlt_probabilities = s.true_dlt_probabilities;
  if (s.efficacy && s.true_dlt_probabilities) {
    const auto& q = s.efficacy->true_response_probabilities;
    r.true_response_probabilities = q;
    std::vector<double> joint;
    for (std::size_t d = 0; d < q.size(); ++d)
      joint.push_back(dlt_and_response_probability((*s.true_dlt_probabilities)[d], q[d], s.efficacy->correlation));
    r.true_dlt_and_response_probabilities = joint;
  }
  r.scoring = s.scoring;
  if (s.accrual) r.accrual = AccrualInfo{s.accrual->patients_per_month, s.accrual->dlt_window_days, s.accrual->poisson};
  r.compression = s.output.compression;
  r.records_replaced = s.endpoints.failure_policy() == SolveFailurePolicy::kReplace;
  if (s.endpoints.dlt) r.on_solve_failure = to_string(s.endpoints.on_solve_failure);
  r.population_key = parse_scenario_text(s.source_text, schema::attr::kScenarioYaml).population_key;
  r.attributes = opt.attributes;
  PatientLayout& l = r.layout;
  l.patients = s.output.patients;
  l.exposure = m.has_exposure();
  l.parameters = m.parameter_names();
  l.extra = m.extra_columns();
  l.cycle_columns = m.cycle_columns();
  l.n_cycles = m.n_cycles();
  l.timecourse_variables = m.timecourse_variables();
  l.time_grid = m.time_grid();
  return r;
}

namespace {

// Pairs every design with the first unless the first's trials would take
// more memory than this (bytes); beyond it the summary compares unpaired.
constexpr double kMaxReferenceBytes = double(256u << 20);

}  // namespace

RunSummary run(const Scenario& s, ResultSink& sink, const RunOptions& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto model = make_patient_model(s);
  // Arms with their own regimen (designs[i].regimen) simulate the same
  // patients under it; the layout of the tables is the same for every arm.
  std::vector<std::unique_ptr<PatientModel>> arm_models(s.designs.size());
  for (std::size_t i = 0; i < s.designs.size(); ++i)
    if (s.designs[i].regimen) arm_models[i] = make_patient_model(s, i);
  const auto model_of = [&](std::size_t i) -> const PatientModel& { return arm_models[i] ? *arm_models[i] : *model; };
  for (std::size_t i = 0; i < s.designs.size(); ++i) check_trial_fits(s.designs[i], model_of(i));
  const RunInfo info = run_info(s, *model, opt);
  sink.begin_run(info);
  RunSummary summary;
  // The true dose-toxicity curve: given (design-only) or estimated (PK/PD).
  OcContext context;
  std::optional<TruthCurve> truth;  // PK/PD mode: the reference cohort's estimates
  if (s.true_dlt_probabilities) {
    context.truth = *s.true_dlt_probabilities;
  } else if (s.endpoints.dlt && s.endpoints.truth_cohort_size > 0 &&
             std::any_of(s.designs.begin(), s.designs.end(), [](const DesignSpec& d) { return d.design->target() >= 0; })) {
    // Only dose-finding designs are scored against the truth; fixed arms need none.
    // An OBD design in PK/PD mode is scored against the twin's own joint of
    // DLT and response: the reference patients are then simulated whole.
    const bool efficacy = s.has_efficacy() && std::any_of(s.designs.begin(), s.designs.end(), [](const DesignSpec& d) {
                            return d.design->obd_objective().has_value();
                          });
    truth = estimate_truth(*model, s.dose_levels.size(), s.endpoints.truth_cohort_size, opt.threads,
                           s.endpoints.failure_policy(), opt.stop, false, efficacy);
    const TruthCurve& t = *truth;
    sink.truth(t);
    context.truth = t.p;
    context.truth_se = t.se;
    summary.truth_failed = t.failed;
  }
  // How the OCs are scored and timed: the same rules report and compare apply to the file.
  context.dose_levels = s.dose_levels;
  context.scoring = s.scoring;
  if (s.accrual) context.duration = duration_model(s.accrual->patients_per_month, s.accrual->dlt_window_days);
  summary.oc = oc_report_header(info, context, opt.label);
  std::vector<DesignTargetInfo> target_info;
  for (const auto& spec : s.designs)
    target_info.push_back({spec.design->is_dose_finding(), spec.design->target() >= 0 ? std::optional<double>(spec.design->target())
                                                                  : std::nullopt});
  std::vector<ScoringTarget> targets = scoring_targets(target_info);
  // OBD designs (BOIN12) are scored against the true OBD: design-only mode
  // has P(E) and the copula's joint (exact); PK/PD mode the reference
  // cohort's estimates (the OBD of the estimated curves, utilities with SEs).
  for (std::size_t i = 0; i < s.designs.size(); ++i) {
    const auto obj = s.designs[i].design->obd_objective();
    if (!obj) continue;
    targets[i].objective = DesignObjective::obd;
    const ObdRule rule{obj->phi_t, obj->phi_e, obj->u1, obj->u2, obj->u3, obj->u4};
    if (s.efficacy && s.true_dlt_probabilities) {
      const auto& pt = *s.true_dlt_probabilities;
      const auto& pe = s.efficacy->true_response_probabilities;
      std::vector<double> both;
      for (std::size_t d = 0; d < pt.size() && d < pe.size(); ++d)
        both.push_back(dlt_and_response_probability(pt[d], pe[d], s.efficacy->correlation));
      const TrueObd t = true_obd(pt, pe, both, rule);
      if (!t.scored) continue;
      targets[i].obd_dose = t.obd;
      targets[i].true_utility = t.utility;
    } else if (truth && !truth->response.empty()) {
      const TrueObd t = true_obd(truth->p, truth->response, truth->both, rule);
      if (!t.scored) continue;
      targets[i].obd_dose = t.obd;
      targets[i].true_utility = t.utility;
      targets[i].true_utility_se = utility_se(*truth, rule);
    }
  }
  const std::int64_t total = s.replicates * static_cast<std::int64_t>(s.designs.size());
  const bool pairs = s.designs.size() > 1 && double(s.replicates) * double(4 + s.dose_levels.size()) * 8.0 <=
                                                 kMaxReferenceBytes;
  std::optional<ReferenceTrials> reference;
  std::int64_t done = 0;
  // Output runs on one writer thread while the next block is simulated; two
  // blocks alternate, so at most one is being emitted while one is filled.
  // Declared before the executor so they outlive its thread on an exception.
  std::array<ResultBlock, 2> blocks;
  std::array<std::uint64_t, 2> written{0, 0};  // ticket of each block's last write
  core::SerialExecutor output;
  std::size_t cur = 0;
  for (std::size_t design_index = 0; design_index < s.designs.size(); ++design_index) {
    const DesignSpec& spec = s.designs[design_index];
    const PatientModel& arm = model_of(design_index);
    const bool timecourses = !arm.timecourse_variables().empty();
    DesignRunner runner(*spec.design, arm, s.dose_levels.size(), opt.threads, timecourses, s.output.patients,
                        s.endpoints.failure_policy(), spec.name);
    runner.set_stop(opt.stop);
    runner.set_trial_clock(trial_clock(s));
    runner.set_accrual_process({s.seed, s.accrual && s.accrual->poisson});
    // A sink that stores compressed chunks: the simulation threads compress
    // them, which would otherwise make the writer thread the bottleneck.
    std::optional<TimecoursePacker> packer;
    if (timecourses && sink.timecourse_compression() > 0) {
      const std::size_t T = arm.time_grid().size();
      packer.emplace(arm.timecourse_variables().size(), T, timecourse_chunk_rows(T), sink.timecourse_compression(),
                     opt.threads);
      runner.set_gather_timecourses(false);
    }
    const DesignInfo design{spec.name, spec.type, spec.design->target(),
                            static_cast<std::int64_t>(spec.design->planned_patients()),
                            spec.design->is_dose_finding(),
                            spec.design->time_driven() || (spec.design->measures_duration() && s.accrual),
                            spec.design->obd_objective().has_value()};
    output.submit([&sink, design] { sink.begin_design(design); });
    const std::int64_t planned = spec.design->planned_patients();
    OcAccumulator oc(s.dose_levels.size(), planned);
    std::optional<PairSums> pair;
    if (pairs && design_index == 0) reference.emplace(s.dose_levels.size(), planned);
    if (pairs && design_index > 0)
      pair.emplace(pair_key(summary.oc.path, s.designs[0].name), s.dose_levels.size(), s.dose_levels.size());
    DesignSummary ds;
    std::array<std::int64_t, core::kSolveStatusCount> failed_by_status{};
    ds.name = spec.name;
    ds.type = spec.type;
    const std::int64_t step = block_trials(s, *spec.design, arm, opt.block_bytes / blocks.size());
    for (std::int64_t first = 0; first < s.replicates; first += step) {
      const std::int64_t count = std::min(step, s.replicates - first);
      output.wait(written[cur]);
      ResultBlock& block = blocks[cur];
      runner.run_block(first, count, block);
      if (packer) packer->pack(block, runner.trial_timecourses());
      for (const auto& t : block.trials) {
        oc.add(t);
        if (pair) reference->pair(*pair, t.trial, oc.last(), planned);
        else if (reference && design_index == 0) reference->keep(oc.last());
        ds.patients += t.n_patients;
        ds.failed_patients += t.n_failed;
        ds.replaced_patients += t.n_replaced;
        for (std::size_t k = 0; k < t.failed_by_status.size(); ++k) failed_by_status[k] += t.failed_by_status[k];
        ds.mean_cmax += t.sum_cmax;
        ds.mean_auc_first += t.sum_auc_first;
        ds.mean_ctrough += t.sum_ctrough;
      }
      written[cur] = output.submit([&sink, &block] { sink.append(block); });
      cur ^= 1;
      done += count;
      if (opt.progress) opt.progress(done, total);
    }
    if (packer) output.submit([&sink, rows = packer->finish()] { sink.append_timecourse_rows(rows); });
    DesignOc result = design_oc_from_sums(spec.name, spec.type, targets[design_index], oc.sums(), context);
    DesignFailures failures{ds.failed_patients, ds.replaced_patients, {}};
    for (std::size_t k = 0; k < failed_by_status.size(); ++k)
      if (failed_by_status[k] > 0)
        failures.by_status[core::to_string(static_cast<core::SolveStatus>(k))] = failed_by_status[k];
    ds.failed_by_status = failures.by_status;
    output.submit([&sink, result, failures] { sink.end_design(result, failures); });
    const auto ok = static_cast<double>(std::max<std::int64_t>(1, ds.patients - ds.failed_patients));
    ds.mean_cmax /= ok;
    ds.mean_auc_first /= ok;
    ds.mean_ctrough /= ok;
    ds.trials = result.trials;
    result.with_reference = std::move(pair);
    summary.oc.designs.push_back(std::move(result));
    summary.designs.push_back(std::move(ds));
  }
  output.finish();
  sink.commit();
  if (!s.designs.empty()) {
    std::vector<DesignExposure> exposure = sink.exposure(pair_key(summary.oc.path, s.designs[0].name));
    for (std::size_t k = 0; k < exposure.size() && k < summary.oc.designs.size(); ++k)
      summary.oc.designs[k].exposure = std::move(exposure[k]);
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return summary;
}

}  // namespace twinsim::trial
