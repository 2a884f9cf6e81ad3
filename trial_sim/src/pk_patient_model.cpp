#include "twinsim/trial/pk_patient_model.hpp"

#include <algorithm>
#include <cmath>

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

struct PkWorkspace final : PatientWorkspace {
  pkpd::PkSimulator sim;
  pkpd::Trajectory traj;
  std::vector<core::DoseEvent> doses;
};

}  // namespace

PkPatientModel::PkPatientModel(const Scenario& s)
    : pk_(*s.pk),
      regimen_(s.regimen),
      dose_levels_(s.dose_levels),
      grid_(make_grid(s.regimen.end_time(), s.output.grid_h)),
      variables_(s.output.timecourses),
      plan_(grid_, s.regimen.dose_times(), s.regimen.interval_h, s.regimen.end_time()) {
  // Typical patient: its system tells where each named state lives.
  const pkpd::PkSystem typical = pk_.model->compile(pk_.values);
  const auto names = pk_.model->state_names(typical.n_transit);
  for (const auto& v : variables_) {
    if (v == "Cc") {
      variable_state_.push_back(-1);
    } else {
      const auto it = std::find(names.begin(), names.end(), v);
      variable_state_.push_back(static_cast<int>(it - names.begin()));
    }
  }
}

std::vector<std::string> PkPatientModel::parameter_names() const {
  std::vector<std::string> names;
  for (const auto& p : pk_.model->parameters()) names.push_back(p.name);
  return names;
}

std::unique_ptr<PatientWorkspace> PkPatientModel::workspace() const { return std::make_unique<PkWorkspace>(); }

void PkPatientModel::simulate(PatientWorkspace& base, std::uint64_t, std::uint64_t, int dose,
                              PatientOutcome& out, double* timecourse) const {
  auto& ws = static_cast<PkWorkspace&>(base);
  out = PatientOutcome{};
  out.parameters = pk_.values;
  const pkpd::PkSystem system = pk_.model->compile(out.parameters);
  const double amount = dose_levels_[static_cast<std::size_t>(dose)];
  ws.doses.clear();
  // One record per cycle with ADDL, as a NONMEM data set would have it.
  for (int c = 0; c < regimen_.cycles; ++c) {
    core::DoseEvent e = pkpd::make_dose(system, regimen_.route, c * regimen_.cycle_length_h, amount,
                                        regimen_.infusion_duration_h);
    e.ii = regimen_.interval_h;
    e.addl = regimen_.doses_per_cycle - 1;
    ws.doses.push_back(e);
  }
  const auto actions = core::expand_doses(ws.doses);
  ws.sim.simulate(system, actions, plan_.samples(), pkpd::Engine::kAuto, ws.traj);
  out.status = ws.traj.status;
  out.exposure = plan_.metrics(system, ws.traj);
  if (!timecourse) return;
  const std::size_t T = grid_.size();
  for (std::size_t v = 0; v < variables_.size(); ++v) {
    for (std::size_t k = 0; k < T; ++k) {
      const int j = plan_.grid_index()[k];
      const int st = variable_state_[v];
      timecourse[v * T + k] = st < 0 ? ws.traj.states(system.idx_central, j) / system.v_central
                                     : ws.traj.states(st, j);
    }
  }
}

}  // namespace twinsim::trial
