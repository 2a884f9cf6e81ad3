// PK/PD mode: a patient is simulated under the regimen at the assigned dose,
// and the clinic's readouts are derived from the simulated time course:
// exposure (overall and per cycle), neutropenia grade and nadir, the DLT rule,
// RECIST response. With population.dose_modification the regimen itself
// depends on the simulated toxicity: cycles are then simulated one after the
// other and delayed, reduced or stopped (pk_dose_modification.cpp).
#pragma once

#include "twinsim/core/config.hpp"
#include "twinsim/core/dosing.hpp"
#include "twinsim/pkpd/model_system.hpp"
#include "twinsim/trial/patient/patient_model.hpp"

namespace twinsim::trial {

struct PkWorkspace;  // per-thread scratch, defined in pk_patient_model.cpp

class PkPatientModel final : public PatientModel {
 public:
  explicit PkPatientModel(const Scenario& scenario);
  std::unique_ptr<PatientWorkspace> workspace() const override;
  void simulate(PatientWorkspace& ws, std::uint64_t trial, std::uint64_t patient, int dose,
                PatientOutcome& out, double* timecourse) const override;

  // Simulates only up to the end of the DLT window.
  void simulate_dlt(PatientWorkspace& ws, std::uint64_t trial, std::uint64_t patient, int dose,
                    PatientOutcome& out) const override;

  bool has_exposure() const override { return true; }
  std::vector<std::string> parameter_names() const override;
  std::vector<ColumnSpec> extra_columns() const override { return extra_; }
  std::vector<ColumnSpec> cycle_columns() const override;
  int n_cycles() const override { return regimen_.cycles; }
  const std::vector<std::string>& timecourse_variables() const override { return output_names_; }
  const std::vector<double>& time_grid() const override { return grid_; }

  // The model system of a patient with these parameter values (PK then each PD block's).
  pkpd::ModelSystem compile(const std::vector<double>& values) const;

 private:
  // How to read a named variable from a state vector.
  struct Variable {
    enum class Kind { kConcentration, kState, kPdOutput } kind = Kind::kConcentration;
    int index = 0;
  };
  Variable variable(const std::string& name) const;
  // Dose records of one patient: the regimen less missed doses and doses after dropout.
  void dose_records(const pkpd::PkSystem& pk, double amount, const std::vector<std::uint8_t>& missed,
                    double dropout_h, std::vector<core::DoseEvent>& out) const;
  // Evaluates endpoints.dlt on ws.traj sampled at ws.times; sets out.dlt and out.dlt_time_h.
  void apply_dlt_rule(const pkpd::ModelSystem& system, PkWorkspace& ws, PatientOutcome& out) const;
  // Simulates cycle by cycle with each cycle's parameters (inter-occasion variability).
  void simulate_by_cycle(PkWorkspace& ws, const std::vector<core::InputAction>& actions) const;
  // Dose modification (population.dose_modification): simulates cycle by
  // cycle up to horizon_h, deciding after each cycle on a hold, a reduction or
  // discontinuation; fills the first n_samples plan samples of ws.traj (sized
  // by the caller) and ws.history. Defined in pk_dose_modification.cpp.
  void simulate_modified(PkWorkspace& ws, int dose, double horizon_h, std::size_t n_samples) const;
  // Integrates [t0, t1] from ws.state with the inputs in ws.all_actions,
  // storing the plan samples from `next` on with time < t1 (all up to
  // n_samples if `last`); leaves the state at t1 in ws.state. False on a
  // solver failure (recorded in ws.traj).
  bool simulate_piece(PkWorkspace& ws, pkpd::ModelSystem& m, double t0, double t1, bool last,
                      std::size_t n_samples, std::size_t& next) const;
  // Every DLT criterion's variable back to recover_to_grade (graded) or off its threshold.
  bool recovered(const pkpd::ModelSystem& m, const double* y) const;
  // Whether a DLT episode starts in [start_h, end_h], judged on ws.traj samples [first, last).
  bool dlt_in(const pkpd::ModelSystem& m, PkWorkspace& ws, double start_h, double end_h, std::size_t first,
              std::size_t last) const;
  // Every individual parameter inside the range its model declares (random
  // effects, e.g. a normal one on CL, can leave it).
  bool parameters_valid(const std::vector<double>& values) const;
  double read(const pkpd::ModelSystem& m, const Variable& v, const double* y) const;
  void fill_series(const pkpd::ModelSystem& m, const pkpd::Trajectory& traj, const Variable& v,
                   std::vector<double>& out) const;

  PkSpec pk_;
  std::vector<PdSpec> pd_;
  RegimenSpec regimen_;
  EndpointSpec endpoints_;
  std::vector<double> dose_levels_;
  std::uint64_t seed_ = 0;
  std::shared_ptr<const vp::Population> population_;
  std::vector<double> typical_;
  std::vector<core::Range> param_ranges_;      // declared range of each parameter, in parameter_names() order
  bool by_cycle_ = false;                       // inter-occasion variability present
  bool modifies_doses_ = false;                 // population.dose_modification applies
  int modification_column_ = -1;
  std::vector<std::vector<pkpd::Sample>> cycle_samples_;  // per cycle, + the next cycle's start
  std::vector<std::vector<int>> cycle_index_;   // plan index of each cycle sample (-1: boundary extra)
  std::vector<std::string> output_names_;       // timecourse variables, then observed "<var>_obs"
  std::vector<const vp::ResidualErrorSpec*> observed_;  // residual error per observed variable
  std::size_t covariate_column_ = 0, eta_column_ = 0, dropout_column_ = 0;
  std::vector<double> grid_;
  std::vector<std::string> variables_;
  std::vector<Variable> variable_readers_;
  std::vector<double> assessments_;  // RECIST visit times
  std::vector<ColumnSpec> extra_;
  int anc_column_ = -1, recist_column_ = -1, above_column_ = -1;
  std::vector<std::string> pk_state_names_;
  pkpd::SamplePlan plan_;
  std::vector<pkpd::Sample> dlt_samples_;  // the plan's samples up to the DLT window's end
};

}  // namespace twinsim::trial
