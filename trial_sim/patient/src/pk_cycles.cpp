// Simulation cycle by cycle: with occasion-varying parameters
// (simulate_by_cycle), and with dose holds, reductions and discontinuation
// after a DLT (population.dose_modification, simulate_modified; the rule's
// decisions are protocol/dose_modification.hpp). Both integrate piece by
// piece through simulate_piece.
//
// The protocol rule modelled is the common one for cytotoxics given in
// cycles: toxicity does not interrupt the cycle under way; the next cycle is
// delayed until the toxicity has recovered (checked every recheck interval,
// weekly by default, as blood counts are re-checked during a delay) and is
// then given at a lower dose level if the cycle just finished had a DLT. A DLT
// here is the scenario's DLT definition (endpoints.dlt criteria) applied to
// each cycle as its own window. See docs/population.md.
#include <algorithm>
#include <cmath>

#include "pk_workspace.hpp"
#include "twinsim/trial/patient/pk_patient_model.hpp"

namespace twinsim::trial {

bool PkPatientModel::simulate_piece(PkWorkspace& ws, pkpd::ModelSystem& m, double t0, double t1, bool last,
                                    std::size_t n_samples, std::size_t& next) const {
  m.t0 = t0;
  m.initial = ws.state;
  // Inputs of this piece; an infusion still running at t0 is restarted at t0.
  ws.cycle_actions.clear();
  std::vector<double> running(static_cast<std::size_t>(m.n_states), 0.0);
  for (const auto& a : ws.all_actions)
    if (a.time < t0) running[static_cast<std::size_t>(a.cmt)] += a.rate_change;
  for (std::size_t i = 0; i < running.size(); ++i)
    if (std::abs(running[i]) > 1e-12) ws.cycle_actions.push_back({t0, static_cast<int>(i), 0.0, running[i]});
  for (const auto& a : ws.all_actions)
    if (a.time >= t0 && (last || a.time < t1)) ws.cycle_actions.push_back(a);
  std::stable_sort(ws.cycle_actions.begin(), ws.cycle_actions.end(),
                   [](const core::InputAction& x, const core::InputAction& y) { return x.time < y.time; });

  const auto& smp = plan_.samples();
  ws.piece_samples.clear();
  ws.piece_index.clear();
  for (; next < n_samples && (last || smp[next].time < t1); ++next) {
    ws.piece_samples.push_back(smp[next]);
    ws.piece_index.push_back(static_cast<int>(next));
  }
  if (!last) {  // the state at t1 starts the next piece
    ws.piece_samples.push_back({t1, false});
    ws.piece_index.push_back(-1);
  }
  ws.sim.simulate(m, ws.cycle_actions, ws.piece_samples, pkpd::Engine::kAuto, ws.piece);
  if (ws.piece.status != core::SolveStatus::kOk) {
    ws.traj.status = ws.piece.status;
    ws.traj.message = ws.piece.message;
    return false;
  }
  ws.traj.trace.append(ws.piece.trace);
  for (std::size_t j = 0; j < ws.piece_index.size(); ++j) {
    const auto col = ws.piece.states.col(static_cast<Eigen::Index>(j));
    if (ws.piece_index[j] >= 0) ws.traj.states.col(ws.piece_index[j]) = col;
    else ws.state.assign(col.data(), col.data() + col.size());
  }
  return true;
}

void PkPatientModel::simulate_by_cycle(PkWorkspace& ws, const std::vector<core::InputAction>& actions) const {
  ws.traj.status = core::SolveStatus::kOk;
  ws.traj.trace.clear();
  ws.all_actions = actions;
  ws.state = ws.initial;
  const std::size_t n_samples = plan_.samples().size();
  std::size_t next = 0;
  for (int c = 0; c < regimen_.cycles; ++c) {
    const double t0 = c * regimen_.cycle_length_h;
    population_->individual_parameters(ws.patient, typical_, c, ws.params);
    if (!parameters_valid(ws.params)) {
      ws.traj.status = core::SolveStatus::kInvalidParameter;
      return;
    }
    pkpd::ModelSystem m = compile(ws.params);
    if (!simulate_piece(ws, m, t0, t0 + regimen_.cycle_length_h, c + 1 == regimen_.cycles, n_samples, next)) return;
  }
}

bool PkPatientModel::recovered(const pkpd::ModelSystem& m, PkWorkspace& ws, const double* y) const {
  ws.criteria_values.clear();
  for (const auto& v : dlt_variables_) ws.criteria_values.push_back(read(m, v, y));
  return dlt_recovered(*endpoints_.dlt, ws.criteria_values, population_->spec().dose_modification.recover_to_grade);
}

bool PkPatientModel::dlt_in(const pkpd::ModelSystem& m, PkWorkspace& ws, double start_h, double end_h,
                            std::size_t first, std::size_t last) const {
  DltRule rule = *endpoints_.dlt;
  rule.window_start_h = start_h;
  rule.window_end_h = end_h;
  const auto& smp = plan_.samples();
  ws.times.clear();
  for (std::size_t j = first; j < last; ++j) ws.times.push_back(smp[j].time);
  ws.criteria_series.resize(rule.criteria.size());
  ws.criteria_ptrs.clear();
  for (std::size_t k = 0; k < rule.criteria.size(); ++k) {
    auto& series = ws.criteria_series[k];
    series.clear();
    for (std::size_t j = first; j < last; ++j)
      series.push_back(read(m, dlt_variables_[k], ws.traj.states.col(static_cast<Eigen::Index>(j)).data()));
    ws.criteria_ptrs.push_back(&series);
  }
  return evaluate_dlt(rule, ws.times, ws.criteria_ptrs).dlt;
}

void PkPatientModel::simulate_modified(PkWorkspace& ws, int dose, double horizon_h, std::size_t n_samples) const {
  const auto& rule = population_->spec().dose_modification;
  const double L = regimen_.cycle_length_h;
  const double dropout_h = ws.patient.dropout_time_cycles * L;
  const int last_occasion = population_->n_cycles() - 1;
  auto& h = ws.history;
  h.reset(regimen_.cycles);
  ws.traj.status = core::SolveStatus::kOk;
  ws.traj.trace.clear();
  ws.all_actions.clear();
  ws.state.clear();
  std::size_t next = 0;
  double start = 0.0;
  int level = dose;
  for (int c = 0; c < regimen_.cycles; ++c) {
    population_->individual_parameters(ws.patient, typical_, std::min(c, last_occasion), ws.params);
    // Occasion effects can take a later cycle's parameters out of range even
    // when cycle 1's were valid (as in simulate_by_cycle).
    if (!parameters_valid(ws.params)) {
      ws.traj.status = core::SolveStatus::kInvalidParameter;
      return;
    }
    pkpd::ModelSystem m = compile(ws.params);
    const bool off_study = start >= dropout_h;
    if (!off_study) {
      h.cycle_start_h[static_cast<std::size_t>(c)] = start;
      h.cycle_dose_mg[static_cast<std::size_t>(c)] =
          regimen_.body_size.given_mg(dose_levels_[static_cast<std::size_t>(level)], ws.per_unit);
      h.final_dose = level;
      // The cycle's scheduled doses shifted to its actual start; missed doses
      // keep their place in the schedule (the adherence stream's index).
      ws.doses.clear();
      const std::size_t per_cycle = schedule_.size() / static_cast<std::size_t>(regimen_.cycles);
      for (std::size_t j = 0; j < per_cycle; ++j) {
        const auto k = static_cast<std::size_t>(c) * per_cycle + j;
        const double t = start + schedule_[j].time_h;
        if (t >= dropout_h || t >= horizon_h) break;
        if (k < ws.missed.size() && ws.missed[k]) continue;
        const DoseRecordSpec& r = regimen_.records[static_cast<std::size_t>(schedule_[j].record)];
        ws.doses.push_back(make_record_dose(m.pk, r, t, given_mg(r, dose_levels_[static_cast<std::size_t>(level)], ws.per_unit)));
      }
      auto actions = core::expand_doses(ws.doses);
      if (c == 0 && !steady_start(ws, m, dose_levels_[static_cast<std::size_t>(level)], actions)) return;
      if (c == 0) ws.state = ws.initial;
      ws.all_actions.insert(ws.all_actions.end(), actions.begin(), actions.end());
    }
    const double cycle_end = start + L;
    if (off_study || c + 1 == regimen_.cycles || cycle_end >= horizon_h) {
      simulate_piece(ws, m, start, horizon_h, true, n_samples, next);
      return;
    }
    const std::size_t first = next;
    if (!simulate_piece(ws, m, start, cycle_end, false, n_samples, next)) return;

    // Hold: the next cycle waits until the toxicity has recovered.
    double resume = cycle_end;
    bool stop = false;
    if (rule.after_dlt == vp::DltAction::kHoldAndReduce) {
      while (!recovered(m, ws, ws.state.data())) {
        if (hold_exceeds_limit(rule, resume, cycle_end)) {
          stop = true;
          break;
        }
        const double check = std::min(resume + rule.recheck_interval_h, horizon_h);
        const bool at_end = check >= horizon_h;
        if (!simulate_piece(ws, m, resume, check, at_end, n_samples, next)) return;
        resume = check;
        if (at_end) {  // still held when the simulated period ends
          ++h.n_holds;
          h.hold_h += resume - cycle_end;
          return;
        }
      }
    }
    if (resume > cycle_end) {
      ++h.n_holds;
      h.hold_h += resume - cycle_end;
    }
    // The cycle's DLT is judged on everything known at the decision,
    // including an episode still running at the cycle's end.
    if (!stop && dlt_in(m, ws, start, cycle_end, first, next)) {
      const int reduced = level_after_dlt(rule, level);
      if (reduced < 0) {
        stop = true;
      } else {
        level = reduced;
        ++h.n_reductions;
      }
    }
    if (stop) {
      h.discontinued_h = resume;
      simulate_piece(ws, m, resume, horizon_h, true, n_samples, next);
      return;
    }
    start = resume;
  }
}

}  // namespace twinsim::trial
