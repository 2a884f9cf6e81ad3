#include "twinsim/trial/patient/pk_patient_model.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "twinsim/core/rng.hpp"
#include "twinsim/trial/endpoints/ctcae.hpp"
#include "twinsim/vp/residual_error.hpp"
#include "pk_workspace.hpp"

namespace twinsim::trial {

namespace {

std::vector<double> make_grid(double end_h, double step_h) {
  std::vector<double> g;
  const auto n = static_cast<std::size_t>(std::floor(end_h / step_h + 1e-9));
  g.reserve(n + 1);
  // Multiply, never accumulate: k*step stays exact on the grid points users expect.
  for (std::size_t k = 0; k <= n; ++k) g.push_back(static_cast<double>(k) * step_h);
  return g;
}

std::vector<double> assessment_times(const EndpointSpec& e, double end_h) {
  std::vector<double> t;
  if (!e.recist) return t;
  for (int k = 1; k * e.recist->assessment_interval_h <= end_h + 1e-9; ++k)
    t.push_back(k * e.recist->assessment_interval_h);
  return t;
}

std::vector<double> extra_sample_times(const RegimenSpec& g, const std::vector<double>& assessments) {
  std::vector<double> t = assessments;
  for (int c = 0; c <= g.cycles; ++c) t.push_back(c * g.cycle_length_h);
  return t;
}

const double kNaN = std::numeric_limits<double>::quiet_NaN();

bool finite(double x) { return std::isfinite(x); }

// What a successful patient must have finite: exposure metrics and the
// requested time courses (NaN-as-"not reached" columns such as dlt_time_h or
// ttp_h are not checked). Per-cycle values may be NaN, a cycle not given under
// dose modification, but never infinite; a blow-up in a later cycle also
// shows in the overall exposure (auc_total).
bool results_finite(const PatientOutcome& out, const double* timecourse, std::size_t n) {
  const auto& e = out.exposure;
  for (double x : {e.cmax, e.tmax, e.ctrough, e.cmin_last, e.auc_first, e.auc_last, e.auc_total})
    if (!finite(x)) return false;
  if (std::any_of(out.cycles.begin(), out.cycles.end(), [](double x) { return std::isinf(x); })) return false;
  return !timecourse || std::all_of(timecourse, timecourse + n, finite);
}

}  // namespace

PkPatientModel::PkPatientModel(const Scenario& s)
    : pk_(*s.pk),
      pd_(s.pd),
      regimen_(s.regimen),
      endpoints_(s.endpoints),
      dose_levels_(s.dose_levels),
      seed_(s.seed),
      population_(s.population),
      typical_(s.typical_values()),
      grid_(make_grid(s.regimen.end_time(), s.output.grid_h)),
      variables_(s.output.timecourses),
      assessments_(assessment_times(s.endpoints, s.regimen.end_time())),
      pk_state_names_(pk_.model->state_names(pk_.model->compile(pk_.values).n_transit)),
      plan_(grid_, s.regimen.dose_times(), s.regimen.interval_h, s.regimen.end_time(),
            extra_sample_times(s.regimen, assessments_)) {
  for (const auto& p : pk_.model->parameters()) param_ranges_.push_back(p.range);
  for (const auto& d : pd_)
    for (const auto& p : d.model->parameters()) param_ranges_.push_back(p.range);
  for (const auto& v : variables_) variable_readers_.push_back(variable(v));
  output_names_ = variables_;
  for (const auto& v : variables_) {
    if (const auto* re = population_->residual_error(v)) {
      output_names_.push_back(v + "_obs");
      observed_.push_back(re);
    }
  }
  covariate_column_ = extra_.size();
  for (const auto& c : population_->covariate_names()) extra_.push_back({c, "covariate"});
  eta_column_ = extra_.size();
  for (const auto& e : population_->eta_names()) extra_.push_back({e, "-"});
  dropout_column_ = extra_.size();
  extra_.push_back({"dropout_cycle", "cycle (-1: none)", true});
  extra_.push_back({"missed_doses", "doses", true});
  if (endpoints_.dlt) {
    for (const auto& smp : plan_.samples()) {
      if (smp.time > endpoints_.dlt->window_end_h + regimen_.cycle_length_h) break;  // episodes may outlast the window
      dlt_samples_.push_back(smp);
    }
  }
  by_cycle_ = !population_->occasion_eta_names().empty() && regimen_.cycles > 1;
  if (by_cycle_) {
    const auto& smp = plan_.samples();
    cycle_samples_.resize(static_cast<std::size_t>(regimen_.cycles));
    cycle_index_.resize(static_cast<std::size_t>(regimen_.cycles));
    for (std::size_t j = 0; j < smp.size(); ++j) {
      const int c = std::min(regimen_.cycles - 1, static_cast<int>(std::floor(smp[j].time / regimen_.cycle_length_h)));
      cycle_samples_[static_cast<std::size_t>(c)].push_back(smp[j]);
      cycle_index_[static_cast<std::size_t>(c)].push_back(static_cast<int>(j));
    }
    // Each cycle but the last also ends on the next cycle's start: its state there starts the next.
    for (int c = 0; c + 1 < regimen_.cycles; ++c) {
      cycle_samples_[static_cast<std::size_t>(c)].push_back({(c + 1) * regimen_.cycle_length_h, false});
      cycle_index_[static_cast<std::size_t>(c)].push_back(-1);
    }
  }
  const bool has_anc = std::any_of(pd_.begin(), pd_.end(), [](const PdSpec& p) { return p.name == "ANC"; });
  if (has_anc) {
    anc_column_ = static_cast<int>(extra_.size());
    extra_.push_back({"anc_nadir", "10^9/L"});
    extra_.push_back({"anc_nadir_time_h", "h"});
    extra_.push_back({"neutropenia_grade", "CTCAE grade", true});
    extra_.push_back({"anc_recovery_h", "h"});
  }
  if (endpoints_.recist) {
    recist_column_ = static_cast<int>(extra_.size());
    extra_.push_back({"tumor_baseline", "mm"});
    extra_.push_back({"tumor_nadir", "mm"});
    extra_.push_back({"best_response", "1 CR, 2 PR, 3 SD, 4 PD, 0 not evaluable", true});
    extra_.push_back({"objective_response", "0/1", true});
    extra_.push_back({"progressed", "0/1", true});
    extra_.push_back({"ttp_h", "h"});
  }
  if (endpoints_.exposure_threshold) {
    above_column_ = static_cast<int>(extra_.size());
    extra_.push_back({"time_above_threshold_h", "h"});
  }
  modifies_doses_ = population_->spec().dose_modification.after_dlt != vp::DltAction::kNone && endpoints_.dlt;
  if (modifies_doses_) {
    modification_column_ = static_cast<int>(extra_.size());
    extra_.push_back({"n_holds", "cycles delayed", true});
    extra_.push_back({"hold_h", "h"});
    extra_.push_back({"n_dose_reductions", "reductions", true});
    extra_.push_back({"final_dose_index", "dose index of the last cycle started", true});
    extra_.push_back({"discontinued", "0/1", true});
    extra_.push_back({"discontinued_h", "h"});
  }
}

PkPatientModel::Variable PkPatientModel::variable(const std::string& name) const {
  Variable v;
  if (name == "Cc") return v;
  for (std::size_t i = 0; i < pd_.size(); ++i) {
    if (pd_[i].name == name) {
      v.kind = Variable::Kind::kPdOutput;
      v.index = static_cast<int>(i);
      return v;
    }
  }
  const auto it = std::find(pk_state_names_.begin(), pk_state_names_.end(), name);
  if (it == pk_state_names_.end()) throw std::logic_error("unknown variable " + name);
  v.kind = Variable::Kind::kState;
  v.index = static_cast<int>(it - pk_state_names_.begin());
  return v;
}

double PkPatientModel::read(const pkpd::ModelSystem& m, const Variable& v, const double* y) const {
  switch (v.kind) {
    case Variable::Kind::kConcentration: return m.pk.concentration(y);
    case Variable::Kind::kState: return y[v.index];
    case Variable::Kind::kPdOutput: return m.output(v.index, y);
  }
  return kNaN;
}

void PkPatientModel::fill_series(const pkpd::ModelSystem& m, const pkpd::Trajectory& traj, const Variable& v,
                                 std::vector<double>& out) const {
  const auto n = static_cast<std::size_t>(traj.states.cols());
  out.resize(n);
  for (std::size_t j = 0; j < n; ++j) out[j] = read(m, v, traj.states.col(static_cast<Eigen::Index>(j)).data());
}

std::vector<std::string> PkPatientModel::parameter_names() const {
  std::vector<std::string> names;
  for (const auto& p : pk_.model->parameters()) names.push_back(p.name);
  for (const auto& d : pd_)
    for (const auto& p : d.model->parameters()) names.push_back(d.name + "." + p.name);
  return names;
}

std::vector<ColumnSpec> PkPatientModel::cycle_columns() const {
  std::vector<ColumnSpec> c = {{"cmax", "mg/L"}, {"tmax", "h"}, {"cmin", "mg/L"}, {"auc", "mg*h/L"}};
  if (endpoints_.exposure_threshold) c.push_back({"time_above_threshold_h", "h"});
  if (modifies_doses_) {
    c.push_back({"start_h", "h"});
    c.push_back({"dose", "mg"});
  }
  return c;
}

pkpd::ModelSystem PkPatientModel::compile(const std::vector<double>& values) const {
  const std::size_t n_pk = pk_.values.size();
  pkpd::ModelSystem m(pk_.model->compile(std::vector<double>(values.begin(), values.begin() + static_cast<long>(n_pk))));
  std::size_t k = n_pk;
  for (const auto& d : pd_) {
    const std::size_t np = d.values.size();
    m.add_pd(d.model.get(), std::vector<double>(values.begin() + static_cast<long>(k), values.begin() + static_cast<long>(k + np)),
             d.input_block);
    k += np;
  }
  return m;
}

std::unique_ptr<PatientWorkspace> PkPatientModel::workspace() const { return std::make_unique<PkWorkspace>(); }

void PkPatientModel::dose_records(const pkpd::PkSystem& pk, double amount, const std::vector<std::uint8_t>& missed,
                                  double dropout_h, std::vector<core::DoseEvent>& out) const {
  out.clear();
  const bool all_taken = std::find(missed.begin(), missed.end(), 1) == missed.end() && std::isinf(dropout_h);
  if (all_taken) {
    // One record per cycle with ADDL, as a NONMEM data set would have it.
    for (int c = 0; c < regimen_.cycles; ++c) {
      core::DoseEvent e = pkpd::make_dose(pk, regimen_.route, c * regimen_.cycle_length_h, amount,
                                          regimen_.infusion_duration_h);
      e.ii = regimen_.interval_h;
      e.addl = regimen_.doses_per_cycle - 1;
      out.push_back(e);
    }
    return;
  }
  const auto times = regimen_.dose_times();
  for (std::size_t k = 0; k < times.size(); ++k) {
    if (times[k] >= dropout_h) break;
    if (k < missed.size() && missed[k]) continue;
    out.push_back(pkpd::make_dose(pk, regimen_.route, times[k], amount, regimen_.infusion_duration_h));
  }
}

bool PkPatientModel::parameters_valid(const std::vector<double>& values) const {
  for (std::size_t k = 0; k < values.size() && k < param_ranges_.size(); ++k)
    if (!std::isfinite(values[k]) || !param_ranges_[k].contains(values[k])) return false;
  return true;
}

void PkPatientModel::simulate_by_cycle(PkWorkspace& ws, const std::vector<core::InputAction>& actions) const {
  const auto C = static_cast<std::size_t>(regimen_.cycles);
  std::vector<double> state;
  std::vector<double> running_rate;
  ws.traj.status = core::SolveStatus::kOk;
  ws.traj.trace.clear();
  for (std::size_t c = 0; c < C; ++c) {
    const double t0 = static_cast<double>(c) * regimen_.cycle_length_h;
    const double t1 = t0 + regimen_.cycle_length_h;
    population_->individual_parameters(ws.patient, typical_, static_cast<int>(c), ws.params);
    if (!parameters_valid(ws.params)) {
      ws.traj.status = core::SolveStatus::kInvalidParameter;
      return;
    }
    pkpd::ModelSystem m = compile(ws.params);
    m.t0 = t0;
    m.initial = state;
    if (running_rate.empty()) running_rate.assign(static_cast<std::size_t>(m.pk.n_states), 0.0);
    // This cycle's inputs; an infusion still running at t0 is restarted at t0.
    ws.cycle_actions.clear();
    for (std::size_t i = 0; i < running_rate.size(); ++i)
      if (running_rate[i] != 0.0) ws.cycle_actions.push_back({t0, static_cast<int>(i), 0.0, running_rate[i]});
    for (const auto& a : actions) {
      if (a.time < t0 || (a.time >= t1 && c + 1 < C)) continue;
      ws.cycle_actions.push_back(a);
      running_rate[static_cast<std::size_t>(a.cmt)] += a.rate_change;
    }
    std::stable_sort(ws.cycle_actions.begin(), ws.cycle_actions.end(),
                     [](const core::InputAction& x, const core::InputAction& y) { return x.time < y.time; });
    const auto& smp = cycle_samples_[c];
    ws.sim.simulate(m, ws.cycle_actions, smp, pkpd::Engine::kAuto, ws.piece);
    if (ws.piece.status != core::SolveStatus::kOk) {
      ws.traj.status = ws.piece.status;
      ws.traj.message = ws.piece.message;
      return;
    }
    ws.traj.trace.append(ws.piece.trace);
    const auto& idx = cycle_index_[c];
    for (std::size_t j = 0; j < idx.size(); ++j) {
      if (idx[j] >= 0) {
        ws.traj.states.col(idx[j]) = ws.piece.states.col(static_cast<Eigen::Index>(j));
      } else {
        const auto col = ws.piece.states.col(static_cast<Eigen::Index>(j));
        state.assign(col.data(), col.data() + col.size());
      }
    }
  }
}

void PkPatientModel::apply_dlt_rule(const pkpd::ModelSystem& system, PkWorkspace& ws, PatientOutcome& out) const {
  const auto& rule = *endpoints_.dlt;
  ws.criteria_series.resize(rule.criteria.size());
  std::vector<const std::vector<double>*> ptrs;
  for (std::size_t k = 0; k < rule.criteria.size(); ++k) {
    fill_series(system, ws.traj, variable(rule.criteria[k].variable), ws.criteria_series[k]);
    ptrs.push_back(&ws.criteria_series[k]);
  }
  const DltResult d = evaluate_dlt(rule, ws.times, ptrs);
  out.dlt = d.dlt;
  out.dlt_time_h = d.time_h;
}

void PkPatientModel::simulate_dlt(PatientWorkspace& base, std::uint64_t trial, std::uint64_t patient, int dose,
                                  PatientOutcome& out) const {
  // With occasion-varying parameters or no DLT rule, take the full path.
  if ((by_cycle_ && !modifies_doses_) || !endpoints_.dlt) return simulate(base, trial, patient, dose, out, nullptr);
  auto& ws = static_cast<PkWorkspace&>(base);
  out = PatientOutcome{};
  ws.sim.exposure() = {};  // the DLT alone needs no exposure trace
  population_->generate(seed_, trial, patient, ws.patient);
  population_->individual_parameters(ws.patient, typical_, 0, ws.params);
  if (!parameters_valid(ws.params)) {
    out.status = core::SolveStatus::kInvalidParameter;
    return;
  }
  const pkpd::ModelSystem system = compile(ws.params);
  population_->missed_doses(seed_, trial, patient, regimen_.dose_times().size(), ws.missed);
  if (modifies_doses_) {
    // Later cycles' doses depend on cycle 1's toxicity; an episode that
    // outlasts the window sees the hold, as in the full simulation.
    ws.traj.states.resize(system.n_states, static_cast<Eigen::Index>(dlt_samples_.size()));
    simulate_modified(ws, dose, dlt_samples_.back().time, dlt_samples_.size());
  } else {
    dose_records(system.pk, dose_levels_[static_cast<std::size_t>(dose)], ws.missed,
                 ws.patient.dropout_time_cycles * regimen_.cycle_length_h, ws.doses);
    ws.sim.simulate(system, core::expand_doses(ws.doses), dlt_samples_, pkpd::Engine::kAuto, ws.traj);
  }
  out.status = ws.traj.status;
  if (out.status != core::SolveStatus::kOk) return;
  ws.times.resize(dlt_samples_.size());
  for (std::size_t j = 0; j < dlt_samples_.size(); ++j) ws.times[j] = dlt_samples_[j].time;
  apply_dlt_rule(system, ws, out);
}

void PkPatientModel::simulate(PatientWorkspace& base, std::uint64_t trial, std::uint64_t patient, int dose,
                              PatientOutcome& out, double* timecourse) const {
  auto& ws = static_cast<PkWorkspace&>(base);
  out = PatientOutcome{};
  const double threshold = endpoints_.exposure_threshold.value_or(0.0);
  ws.sim.exposure() = {true, threshold};
  population_->generate(seed_, trial, patient, ws.patient);
  population_->individual_parameters(ws.patient, typical_, 0, out.parameters);
  // A patient whose parameters leave the model's ranges is recorded, not
  // simulated; the typical values stand in for the unused model below.
  const bool valid = parameters_valid(out.parameters);
  pkpd::ModelSystem system = compile(valid ? out.parameters : typical_);
  const double amount = dose_levels_[static_cast<std::size_t>(dose)];
  population_->missed_doses(seed_, trial, patient, regimen_.dose_times().size(), ws.missed);
  const double dropout_h = ws.patient.dropout_time_cycles * regimen_.cycle_length_h;
  if (!valid) {
    ws.traj.status = core::SolveStatus::kInvalidParameter;
  } else if (modifies_doses_) {
    ws.traj.states.resize(system.n_states, static_cast<Eigen::Index>(plan_.samples().size()));
    simulate_modified(ws, dose, plan_.samples().back().time, plan_.samples().size());
  } else if (by_cycle_) {
    dose_records(system.pk, amount, ws.missed, dropout_h, ws.doses);
    const auto actions = core::expand_doses(ws.doses);
    ws.traj.states.resize(system.n_states, static_cast<Eigen::Index>(plan_.samples().size()));
    simulate_by_cycle(ws, actions);
  } else {
    dose_records(system.pk, amount, ws.missed, dropout_h, ws.doses);
    ws.sim.simulate(system, core::expand_doses(ws.doses), plan_.samples(), pkpd::Engine::kAuto, ws.traj);
  }
  out.status = ws.traj.status;
  out.extra.assign(extra_.size(), kNaN);
  for (std::size_t k = 0; k < ws.patient.covariates.size(); ++k) out.extra[covariate_column_ + k] = ws.patient.covariates[k];
  for (std::size_t k = 0; k < ws.patient.etas.size(); ++k) out.extra[eta_column_ + k] = ws.patient.etas[k];
  out.extra[dropout_column_] = ws.patient.dropout_cycle ? *ws.patient.dropout_cycle : -1;
  out.extra[dropout_column_ + 1] = static_cast<double>(std::count(ws.missed.begin(), ws.missed.end(), 1));
  const auto n_cycle_cols = cycle_columns().size();
  out.cycles.assign(static_cast<std::size_t>(regimen_.cycles) * n_cycle_cols, kNaN);
  const std::size_t T = grid_.size();
  if (out.status != core::SolveStatus::kOk) {
    if (timecourse) std::fill(timecourse, timecourse + output_names_.size() * T, kNaN);
    return;
  }
  // Exposure from the exact trace of Cc, independent of the output grid.
  const pkpd::ExposureTrace& trace = ws.traj.trace;
  out.exposure = plan_.metrics(trace);

  const auto& samples = plan_.samples();
  ws.times.resize(samples.size());
  for (std::size_t j = 0; j < samples.size(); ++j) ws.times[j] = samples[j].time;

  for (int c = 0; c < regimen_.cycles; ++c) {
    double* row = out.cycles.data() + static_cast<std::size_t>(c) * n_cycle_cols;
    double start = c * regimen_.cycle_length_h, end = (c + 1) * regimen_.cycle_length_h;
    if (modifies_doses_) {
      // Actual cycles: from this cycle's start to the next one's (delays included).
      const auto& h = ws.history;
      const auto cu = static_cast<std::size_t>(c);
      start = h.cycle_start_h[cu];
      end = cu + 1 < h.cycle_start_h.size() && !std::isnan(h.cycle_start_h[cu + 1]) ? h.cycle_start_h[cu + 1]
                                                                                    : regimen_.end_time();
      row[n_cycle_cols - 2] = start;
      row[n_cycle_cols - 1] = h.cycle_dose_mg[cu];
      if (std::isnan(start)) continue;
    }
    const auto w = pkpd::window_exposure(trace, start, end, threshold);
    row[0] = w.cmax;
    row[1] = w.tmax;
    row[2] = w.cmin;
    row[3] = w.auc;
    if (endpoints_.exposure_threshold) row[4] = w.time_above_h;
  }
  if (modification_column_ >= 0) {
    const auto& h = ws.history;
    double* e = out.extra.data() + modification_column_;
    e[0] = h.n_holds;
    e[1] = h.hold_h;
    e[2] = h.n_reductions;
    e[3] = h.final_dose;
    e[4] = std::isnan(h.discontinued_h) ? 0 : 1;
    e[5] = h.discontinued_h;
  }
  if (above_column_ >= 0) {
    out.extra[static_cast<std::size_t>(above_column_)] =
        pkpd::window_exposure(trace, 0.0, regimen_.end_time(), threshold).time_above_h;
  }
  if (anc_column_ >= 0) {
    fill_series(system, ws.traj, variable("ANC"), ws.series);
    const auto n = summarize_neutropenia(ws.times, ws.series, endpoints_.anc_lln);
    double* e = out.extra.data() + anc_column_;
    e[0] = n.nadir;
    e[1] = n.nadir_time_h;
    e[2] = n.worst_grade;
    e[3] = n.recovery_h;
  }
  if (endpoints_.dlt) apply_dlt_rule(system, ws, out);
  // Observations draw residual errors from one stream in a fixed order:
  // baseline, RECIST assessments, then observed time courses.
  core::RngStream noise(seed_, 0, core::StreamKind::kResidualError, trial, patient);
  if (recist_column_ >= 0) {
    const Variable v = variable(endpoints_.recist->variable);
    const vp::ResidualErrorSpec* re = population_->residual_error(endpoints_.recist->variable);
    // A measured size cannot be negative (additive error near zero).
    auto measure = [&](double x) { return re ? std::max(0.0, vp::observe(*re, x, noise)) : x; };
    const double baseline = measure(read(system, v, ws.traj.states.col(plan_.index_of(0.0)).data()));
    std::vector<double> sld, times;
    for (double t : assessments_) {
      if (t >= dropout_h) break;  // no assessments once off study
      sld.push_back(measure(read(system, v, ws.traj.states.col(plan_.index_of(t)).data())));
      times.push_back(t);
    }
    const RecistResult r = evaluate_recist(baseline, times, sld, endpoints_.recist->options);
    double* e = out.extra.data() + recist_column_;
    e[0] = baseline;
    e[1] = sld.empty() ? baseline : std::min(baseline, *std::min_element(sld.begin(), sld.end()));
    e[2] = static_cast<double>(r.best);
    e[3] = r.objective_response ? 1 : 0;
    e[4] = r.progressed ? 1 : 0;
    e[5] = r.ttp_h;
  }
  if (timecourse) {
    for (std::size_t v = 0; v < variables_.size(); ++v) {
      for (std::size_t k = 0; k < T; ++k) {
        const int j = plan_.grid_index()[k];
        timecourse[v * T + k] = read(system, variable_readers_[v], ws.traj.states.col(j).data());
      }
    }
    // Observed copies (residual error on observations only, never on the state).
    std::size_t o = variables_.size();
    for (std::size_t v = 0; v < variables_.size(); ++v) {
      if (!population_->residual_error(variables_[v])) continue;
      const auto* re = observed_[o - variables_.size()];
      for (std::size_t k = 0; k < T; ++k) timecourse[o * T + k] = vp::observe(*re, timecourse[v * T + k], noise);
      ++o;
    }
  }
  // Finite states can still give a non-finite concentration, AUC or metric
  // (amount / a tiny volume overflows): such a patient is a failure, recorded
  // as one, never a row of NaN that looks like a valid result.
  if (!results_finite(out, timecourse, output_names_.size() * T)) {
    out.status = core::SolveStatus::kNonFinite;
    out.dlt = false;
    out.exposure = pkpd::ExposureMetrics{};
    // Covariates, etas, dropout and missed doses stay: they describe the patient, not the solve.
    std::fill(out.extra.begin() + static_cast<long>(dropout_column_ + 2), out.extra.end(), kNaN);
    std::fill(out.cycles.begin(), out.cycles.end(), kNaN);
    if (timecourse) std::fill(timecourse, timecourse + output_names_.size() * T, kNaN);
  }
}

}  // namespace twinsim::trial
