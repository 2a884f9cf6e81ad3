#include "twinsim/trial/patient/pk_patient_model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "pk_workspace.hpp"
#include "twinsim/pkpd/steady_state.hpp"

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

// Cycle starts and the times the endpoints ask for.
std::vector<double> extra_sample_times(const RegimenSpec& g, const EndpointSpec& e) {
  std::vector<double> t;
  for (const auto& ep : e.list) {
    const auto more = ep->sample_times();
    t.insert(t.end(), more.begin(), more.end());
  }
  for (int c = 0; c <= g.cycles; ++c) t.push_back(c * g.cycle_length_h);
  return t;
}

// Names of the states a variable may name: the PK model's, or model.ode's.
std::vector<std::string> state_names(const Scenario& s) {
  if (s.ode) return s.ode->states;
  return s.pk->model->state_names(s.pk->model->compile(s.pk->values).n_transit);
}

}  // namespace

PkPatientModel::PkPatientModel(const Scenario& s) : PkPatientModel(s, s.regimen) {}

PkPatientModel::PkPatientModel(const Scenario& s, const RegimenSpec& regimen)
    : pk_(s.pk ? *s.pk : PkSpec{}),
      ode_(s.ode),
      pd_(s.pd),
      solver_(s.solver),
      regimen_(regimen),
      schedule_(regimen.doses()),
      endpoints_(s.endpoints),
      dose_levels_(s.dose_levels),
      seed_(s.seed),
      population_(s.population),
      typical_(s.typical_values()),
      // One grid for every arm of the scenario: the longest regimen's.
      grid_(make_grid(s.horizon_h(), s.output.grid_h)),
      variables_(s.output.timecourses),
      pk_state_names_(state_names(s)),
      plan_(grid_, regimen.dose_times(), regimen.interval_h, regimen.end_time(),
            extra_sample_times(regimen, s.endpoints)) {
  if (ode_)
    for (const auto& p : ode_->model->parameters()) param_ranges_.push_back(p.range);
  if (pk_.model)
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
  body_size_column_ = s.regimen.body_size.scales() ||
                      std::any_of(s.designs.begin(), s.designs.end(),
                                  [](const DesignSpec& d) { return d.regimen && d.regimen->body_size.scales(); });
  if (body_size_column_) extra_.push_back({"dose_mg", "mg given per administration of the dose level (dose_factor 1)"});
  endpoint_column_ = extra_.size();
  for (const auto& ep : endpoints_.list) {
    EndpointSlot slot{ep, {}, {}, extra_.size(), cycle_.size()};
    for (const auto& name : ep->outputs()) {
      slot.outputs.push_back(variable(name));
      slot.errors.push_back(population_->residual_error(name));
    }
    for (auto& c : ep->columns()) {
      if (c.name == kResponseColumn && response_column_ < 0) response_column_ = static_cast<int>(extra_.size());
      extra_.push_back(std::move(c));
    }
    for (auto& c : ep->cycle_columns()) cycle_.push_back(std::move(c));
    if (exposure_threshold_ == 0.0) exposure_threshold_ = ep->exposure_threshold();
    slots_.push_back(std::move(slot));
  }
  if (endpoints_.dlt) {
    for (const auto& c : endpoints_.dlt->criteria) dlt_variables_.push_back(variable(c.variable));
    for (const auto& smp : plan_.samples()) {
      if (smp.time > endpoints_.dlt->window_end_h + regimen_.cycle_length_h) break;  // episodes may outlast the window
      dlt_samples_.push_back(smp);
    }
  }
  by_cycle_ = !population_->occasion_eta_names().empty() && regimen_.cycles > 1;
  modifies_doses_ = population_->spec().dose_modification.after_dlt != vp::DltAction::kNone && endpoints_.dlt;
  if (modifies_doses_) {
    modification_column_ = static_cast<int>(extra_.size());
    extra_.push_back({"n_holds", "cycles delayed", true});
    extra_.push_back({"hold_h", "h"});
    extra_.push_back({"n_dose_reductions", "reductions", true});
    extra_.push_back({"final_dose_index", "dose index of the last cycle started", true});
    extra_.push_back({"discontinued", "0/1", true});
    extra_.push_back({"discontinued_h", "h"});
    modification_cycle_column_ = static_cast<int>(cycle_.size());
    cycle_.push_back({"start_h", "h"});
    cycle_.push_back({"dose", "mg"});
  }
}

PkPatientModel::Variable PkPatientModel::variable(const std::string& name) const {
  Variable v;
  if (name == kConcentrationOutput) return v;
  if (ode_) {
    const auto& outs = ode_->outputs;
    const auto it = std::find(outs.begin(), outs.end(), name);
    if (it != outs.end()) {
      v.kind = Variable::Kind::kPdOutput;
      v.output = static_cast<int>(it - outs.begin());
      return v;
    }
  }
  for (std::size_t i = 0; i < pd_.size(); ++i) {
    const auto& outs = pd_[i].outputs;
    const auto it = std::find(outs.begin(), outs.end(), name);
    if ((outs.empty() && pd_[i].name == name) || it != outs.end()) {
      v.kind = Variable::Kind::kPdOutput;
      v.index = static_cast<int>(i);
      v.output = outs.empty() ? 0 : static_cast<int>(it - outs.begin());
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
    case Variable::Kind::kConcentration: return m.concentration(y);
    case Variable::Kind::kState: return y[v.index];
    case Variable::Kind::kPdOutput: return m.output(v.index, v.output, y);
  }
  return std::numeric_limits<double>::quiet_NaN();
}

void PkPatientModel::fill_series(const pkpd::ModelSystem& m, const pkpd::Trajectory& traj, const Variable& v,
                                 std::vector<double>& out) const {
  const auto n = static_cast<std::size_t>(traj.states.cols());
  out.resize(n);
  for (std::size_t j = 0; j < n; ++j) out[j] = read(m, v, traj.states.col(static_cast<Eigen::Index>(j)).data());
}

std::vector<std::string> PkPatientModel::parameter_names() const {
  std::vector<std::string> names;
  if (ode_)
    for (const auto& p : ode_->model->parameters()) names.push_back(p.name);
  if (!pk_.model) return names;
  for (const auto& p : pk_.model->parameters()) names.push_back(p.name);
  for (const auto& d : pd_)
    for (const auto& p : d.model->parameters()) names.push_back(d.name + "." + p.name);
  return names;
}

pkpd::ModelSystem PkPatientModel::compile(const std::vector<double>& values) const {
  if (ode_) {
    // No PK states: doses enter the user model's states, Cc and AUC are its own.
    pkpd::PkSystem shell;
    shell.idx_central = std::max(ode_->iv_state, 0);
    shell.oral_target = std::max(ode_->oral_state, 0);
    pkpd::ModelSystem m(shell);
    m.add_pd(ode_->model.get(), values, -1);
    m.cc_block = 0;
    m.cc_output = ode_->cc_output;
    m.auc_state = ode_->auc_state;
    return m;
  }
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

std::unique_ptr<PatientWorkspace> PkPatientModel::workspace() const {
  auto ws = std::make_unique<PkWorkspace>();
  for (core::OdeOptions* o : {&ws->sim.ode_options(), &ws->sim.hybrid_options()}) {
    if (solver_.rtol > 0) o->rtol = solver_.rtol;
    if (solver_.atol > 0) o->atol.assign(1, solver_.atol);
  }
  return ws;
}

void PkPatientModel::cycle_records(const pkpd::PkSystem& pk, double level_mg, double per_unit, double start_h,
                                   std::vector<core::DoseEvent>& out) const {
  for (const auto& r : regimen_.records) {
    core::DoseEvent e = make_record_dose(pk, r, start_h + r.time_h, given_mg(r, level_mg, per_unit));
    e.ii = r.ii_h;
    e.addl = r.addl;
    out.push_back(e);
  }
}

void PkPatientModel::dose_records(const pkpd::PkSystem& pk, double amount, double per_unit,
                                  const std::vector<std::uint8_t>& missed, double dropout_h,
                                  std::vector<core::DoseEvent>& out) const {
  out.clear();
  const bool all_taken = std::find(missed.begin(), missed.end(), 1) == missed.end() && std::isinf(dropout_h);
  if (all_taken) {
    // The cycle's records with their ADDL, as a NONMEM data set would have them.
    for (int c = 0; c < regimen_.cycles; ++c) cycle_records(pk, amount, per_unit, c * regimen_.cycle_length_h, out);
    return;
  }
  for (std::size_t k = 0; k < schedule_.size(); ++k) {
    const ScheduledDose& d = schedule_[k];
    if (d.time_h >= dropout_h) break;
    if (k < missed.size() && missed[k]) continue;
    const DoseRecordSpec& r = regimen_.records[static_cast<std::size_t>(d.record)];
    out.push_back(make_record_dose(pk, r, d.time_h, given_mg(r, amount, per_unit)));
  }
}

bool PkPatientModel::steady_start(PkWorkspace& ws, const pkpd::ModelSystem& m, double level_mg,
                                  std::vector<core::InputAction>& actions) const {
  ws.initial.clear();
  if (!regimen_.steady_state) return true;
  std::vector<core::DoseEvent> one;
  cycle_records(m.pk, level_mg, ws.per_unit, 0.0, one);
  const pkpd::SteadyState ss = pkpd::periodic_state(ws.sim, m.pk, core::expand_doses(one), regimen_.cycle_length_h);
  if (ss.status != core::SolveStatus::kOk) {
    ws.traj.status = ss.status;
    ws.traj.message = ss.message;
    return false;
  }
  ws.initial.resize(static_cast<std::size_t>(m.n_states));
  m.initial_state(ws.initial.data());
  std::copy(ss.state.begin(), ss.state.end(), ws.initial.begin());
  actions.insert(actions.end(), ss.carried.begin(), ss.carried.end());
  std::stable_sort(actions.begin(), actions.end(),
                   [](const core::InputAction& x, const core::InputAction& y) { return x.time < y.time; });
  return true;
}

double PkPatientModel::given_mg(const DoseRecordSpec& r, double level_mg, double per_unit) const {
  return regimen_.body_size.given_mg(r.amount(level_mg), per_unit);
}

bool PkPatientModel::parameters_valid(const std::vector<double>& values) const {
  for (std::size_t k = 0; k < values.size() && k < param_ranges_.size(); ++k)
    if (!std::isfinite(values[k]) || !param_ranges_[k].contains(values[k])) return false;
  return true;
}

void PkPatientModel::simulate(PatientWorkspace& ws, std::uint64_t trial, std::uint64_t patient, int dose,
                              PatientOutcome& out, double* timecourse) const {
  run(static_cast<PkWorkspace&>(ws), trial, patient, dose, out, timecourse, false);
}

void PkPatientModel::simulate_dlt(PatientWorkspace& ws, std::uint64_t trial, std::uint64_t patient, int dose,
                                  PatientOutcome& out) const {
  run(static_cast<PkWorkspace&>(ws), trial, patient, dose, out, nullptr, true);
}

void PkPatientModel::run(PkWorkspace& ws, std::uint64_t trial, std::uint64_t patient, int dose, PatientOutcome& out,
                         double* timecourse, bool dlt_only) const {
  // Occasion-varying parameters are simulated cycle by cycle over the whole
  // run; the DLT alone is then no cheaper.
  dlt_only = dlt_only && endpoints_.dlt && (modifies_doses_ || !by_cycle_);
  out = PatientOutcome{};
  draw(ws, trial, patient);
  if (!dlt_only) out.parameters = ws.params;
  const pkpd::ModelSystem system =
      simulate_trajectory(ws, dose, dlt_only ? dlt_samples_ : plan_.samples(), !dlt_only);
  if (!dlt_only) return judge(system, ws, trial, patient, out, timecourse);
  out.status = ws.traj.status;
  if (out.status != core::SolveStatus::kOk) return;
  ws.times.resize(dlt_samples_.size());
  for (std::size_t j = 0; j < dlt_samples_.size(); ++j) ws.times[j] = dlt_samples_[j].time;
  apply_dlt_rule(system, ws, out);
}

void PkPatientModel::draw(PkWorkspace& ws, std::uint64_t trial, std::uint64_t patient) const {
  population_->generate(seed_, trial, patient, ws.patient);
  population_->individual_parameters(ws.patient, typical_, 0, ws.params);
  population_->missed_doses(seed_, trial, patient, schedule_.size(), ws.missed);
}

pkpd::ModelSystem PkPatientModel::simulate_trajectory(PkWorkspace& ws, int dose,
                                                      const std::vector<pkpd::Sample>& samples, bool exposure) const {
  // The DLT alone needs no exposure trace.
  ws.sim.exposure() = exposure ? pkpd::ExposureOptions{true, exposure_threshold_} : pkpd::ExposureOptions{};
  // A patient whose parameters leave the model's ranges is recorded, not
  // simulated; the typical values stand in for the unused model.
  ws.per_unit = regimen_.body_size.factor(ws.patient.covariates);
  ws.dose_mg = regimen_.body_size.given_mg(dose_levels_[static_cast<std::size_t>(dose)], ws.per_unit);
  const bool valid = parameters_valid(ws.params);
  pkpd::ModelSystem system = compile(valid ? ws.params : typical_);
  if (!valid) {
    ws.traj.status = core::SolveStatus::kInvalidParameter;
    return system;
  }
  if (modifies_doses_) {
    // Later cycles' doses depend on earlier cycles' toxicity; an episode that
    // outlasts the DLT window sees the hold, as in the full simulation.
    ws.traj.states.resize(system.n_states, static_cast<Eigen::Index>(samples.size()));
    simulate_modified(ws, dose, samples.back().time, samples.size());
    return system;
  }
  const double level_mg = dose_levels_[static_cast<std::size_t>(dose)];
  dose_records(system.pk, level_mg, ws.per_unit, ws.missed, ws.patient.dropout_time_cycles * regimen_.cycle_length_h,
               ws.doses);
  std::vector<core::InputAction> actions = core::expand_doses(ws.doses);
  if (!steady_start(ws, system, level_mg, actions)) return system;
  if (by_cycle_) {
    ws.traj.states.resize(system.n_states, static_cast<Eigen::Index>(samples.size()));
    simulate_by_cycle(ws, actions);
  } else {
    system.initial = ws.initial;
    ws.sim.simulate(system, actions, samples, pkpd::Engine::kAuto, ws.traj);
  }
  return system;
}

void PkPatientModel::apply_dlt_rule(const pkpd::ModelSystem& system, PkWorkspace& ws, PatientOutcome& out) const {
  const auto& rule = *endpoints_.dlt;
  ws.criteria_series.resize(rule.criteria.size());
  ws.criteria_ptrs.clear();
  for (std::size_t k = 0; k < rule.criteria.size(); ++k) {
    fill_series(system, ws.traj, dlt_variables_[k], ws.criteria_series[k]);
    ws.criteria_ptrs.push_back(&ws.criteria_series[k]);
  }
  const DltResult d = evaluate_dlt(rule, ws.times, ws.criteria_ptrs);
  out.dlt = d.dlt;
  out.dlt_time_h = d.time_h;
}

}  // namespace twinsim::trial
