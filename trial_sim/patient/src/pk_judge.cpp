// A solved PK/PD patient judged: overall and per-cycle exposure, the DLT
// rule, every endpoint of the scenario, the dose-modification record, the
// time courses (true and observed).
#include <algorithm>
#include <cmath>
#include <limits>

#include "pk_workspace.hpp"
#include "twinsim/core/rng.hpp"
#include "twinsim/trial/patient/pk_patient_model.hpp"
#include "twinsim/vp/residual_error.hpp"

namespace twinsim::trial {

namespace {

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

// The trajectory as one endpoint sees it: outputs by the endpoint's own index.
class PkPatientModel::View final : public PatientView {
 public:
  View(const PkPatientModel& model, const pkpd::ModelSystem& system, const PkWorkspace& ws, core::RngStream& noise)
      : model_(model), system_(system), ws_(ws), noise_(noise) {}
  void bind(const EndpointSlot& slot) { slot_ = &slot; }

  const std::vector<double>& times() const override { return ws_.times; }
  void series(std::size_t k, std::vector<double>& out) const override {
    model_.fill_series(system_, ws_.traj, slot_->outputs[k], out);
  }
  double at(std::size_t k, double t) const override {
    return model_.read(system_, slot_->outputs[k], ws_.traj.states.col(model_.plan_.index_of(t)).data());
  }
  bool measured_with_error(std::size_t k) const override { return slot_->errors[k] != nullptr; }
  double measure(std::size_t k, double x) override {
    return slot_->errors[k] ? vp::observe(*slot_->errors[k], x, noise_) : x;
  }
  const pkpd::ExposureTrace& exposure() const override { return ws_.traj.trace; }
  double dropout_h() const override { return ws_.patient.dropout_time_cycles * model_.regimen_.cycle_length_h; }

 private:
  const PkPatientModel& model_;
  const pkpd::ModelSystem& system_;
  const PkWorkspace& ws_;
  core::RngStream& noise_;
  const EndpointSlot* slot_ = nullptr;
};

void PkPatientModel::judge(const pkpd::ModelSystem& system, PkWorkspace& ws, std::uint64_t trial,
                           std::uint64_t patient, PatientOutcome& out, double* timecourse) const {
  out.status = ws.traj.status;
  out.response = -1;
  out.extra.assign(extra_.size(), kNaN);
  for (std::size_t k = 0; k < ws.patient.covariates.size(); ++k) out.extra[covariate_column_ + k] = ws.patient.covariates[k];
  for (std::size_t k = 0; k < ws.patient.etas.size(); ++k) out.extra[eta_column_ + k] = ws.patient.etas[k];
  out.extra[dropout_column_] = ws.patient.dropout_cycle ? *ws.patient.dropout_cycle : -1;
  out.extra[dropout_column_ + 1] = static_cast<double>(std::count(ws.missed.begin(), ws.missed.end(), 1));
  if (body_size_column_) out.extra[dropout_column_ + 2] = ws.dose_mg;
  const std::size_t n_cycle_cols = cycle_.size();
  out.cycles.assign(static_cast<std::size_t>(regimen_.cycles) * n_cycle_cols, kNaN);
  const std::size_t T = grid_.size();
  if (out.status != core::SolveStatus::kOk) {
    if (timecourse) std::fill(timecourse, timecourse + output_names_.size() * T, kNaN);
    return;
  }
  // Exposure from the exact trace of Cc, independent of the output grid.
  out.exposure = plan_.metrics(ws.traj.trace);
  const auto& samples = plan_.samples();
  ws.times.resize(samples.size());
  for (std::size_t j = 0; j < samples.size(); ++j) ws.times[j] = samples[j].time;
  if (endpoints_.dlt) apply_dlt_rule(system, ws, out);

  // Observations draw residual errors from one stream in a fixed order:
  // the endpoints' measurements (RECIST: baseline, then assessments), then
  // observed time courses.
  core::RngStream noise(seed_, 0, core::StreamKind::kResidualError, trial, patient);
  View view(*this, system, ws, noise);
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
      row[modification_cycle_column_] = start;
      row[modification_cycle_column_ + 1] = h.cycle_dose_mg[cu];
      if (std::isnan(start)) continue;
    }
    for (const auto& slot : slots_) {
      view.bind(slot);
      slot.endpoint->evaluate_cycle(view, start, end, row + slot.cycle_column);
    }
  }
  for (const auto& slot : slots_) {
    view.bind(slot);
    slot.endpoint->evaluate(view, out.extra.data() + slot.column);
  }
  if (response_column_ >= 0) {
    const double r = out.extra[static_cast<std::size_t>(response_column_)];
    out.response = std::isnan(r) ? -1 : r > 0.5 ? 1 : 0;
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
    out.response = -1;
    out.exposure = pkpd::ExposureMetrics{};
    // Covariates, etas, dropout and missed doses stay: they describe the patient, not the solve.
    std::fill(out.extra.begin() + static_cast<long>(endpoint_column_), out.extra.end(), kNaN);
    std::fill(out.cycles.begin(), out.cycles.end(), kNaN);
    if (timecourse) std::fill(timecourse, timecourse + output_names_.size() * T, kNaN);
  }
}

}  // namespace twinsim::trial
