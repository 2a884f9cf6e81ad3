// PK/PD mode: a patient is drawn, simulated under the regimen at the assigned
// dose, and judged on the simulated trajectory: overall exposure, the DLT
// rule, and the scenario's endpoints (endpoints/endpoint.hpp), whose columns
// it lays out by their declarations. With population.dose_modification the regimen itself
// depends on the simulated toxicity: cycles are then simulated one after the
// other and delayed, reduced or stopped (pk_cycles.cpp).
#pragma once

#include "twinsim/core/value_text.hpp"
#include "twinsim/core/dosing.hpp"
#include "twinsim/pkpd/model_system.hpp"
#include "twinsim/trial/endpoints/endpoint.hpp"
#include "twinsim/trial/patient/patient_model.hpp"

namespace twinsim::trial {

struct PkWorkspace;  // per-thread scratch, defined in pk_workspace.hpp

class PkPatientModel final : public PatientModel {
 public:
  explicit PkPatientModel(const Scenario& scenario);
  // An arm with its own regimen (designs[i].regimen) on the scenario's model and patients.
  PkPatientModel(const Scenario& scenario, const RegimenSpec& regimen);
  std::unique_ptr<PatientWorkspace> workspace() const override;
  void simulate(PatientWorkspace& ws, std::uint64_t trial, std::uint64_t patient, int dose,
                PatientOutcome& out, double* timecourse) const override;

  // Simulates only up to the end of the DLT window.
  void simulate_dlt(PatientWorkspace& ws, std::uint64_t trial, std::uint64_t patient, int dose,
                    PatientOutcome& out) const override;

  bool has_exposure() const override { return true; }
  std::vector<std::string> parameter_names() const override;
  std::vector<ColumnSpec> extra_columns() const override { return extra_; }
  std::vector<ColumnSpec> cycle_columns() const override { return cycle_; }
  int n_cycles() const override { return regimen_.cycles; }
  const std::vector<std::string>& timecourse_variables() const override { return output_names_; }
  const std::vector<double>& time_grid() const override { return grid_; }

  // The model system of a patient with these parameter values (PK then each PD block's).
  pkpd::ModelSystem compile(const std::vector<double>& values) const;

 private:
  // How to read a named variable from a state vector.
  struct Variable {
    enum class Kind { kConcentration, kState, kPdOutput } kind = Kind::kConcentration;
    int index = 0;   // state, or PD block
    int output = 0;  // kPdOutput: which of the block's outputs
  };
  // One endpoint of the scenario, its outputs resolved and its columns placed.
  struct EndpointSlot {
    std::shared_ptr<const Endpoint> endpoint;
    std::vector<Variable> outputs;
    std::vector<const vp::ResidualErrorSpec*> errors;  // per output, null: measured exactly
    std::size_t column = 0, cycle_column = 0;          // its first column in extra_ and cycle_
  };
  class View;  // the PatientView endpoints read, in pk_patient_view.cpp

  Variable variable(const std::string& name) const;
  // draw -> simulate -> judge. dlt_only: only what the DLT rule needs (the
  // reference cohort); the whole run where parameters change by cycle.
  void run(PkWorkspace& ws, std::uint64_t trial, std::uint64_t patient, int dose, PatientOutcome& out,
           double* timecourse, bool dlt_only) const;
  // The patient's covariates, random effects (ws.params: cycle 1's parameters),
  // dropout and missed doses.
  void draw(PkWorkspace& ws, std::uint64_t trial, std::uint64_t patient) const;
  // Simulates ws.traj at `samples`; returns the model of ws.params (of the
  // typical values if those are out of range: then ws.traj.status says so).
  pkpd::ModelSystem simulate_trajectory(PkWorkspace& ws, int dose, const std::vector<pkpd::Sample>& samples,
                                        bool exposure) const;
  // The endpoints, the DLT rule and the time courses of a solved patient.
  void judge(const pkpd::ModelSystem& system, PkWorkspace& ws, std::uint64_t trial, std::uint64_t patient,
             PatientOutcome& out, double* timecourse) const;
  // One cycle's records (with ADDL) at dose level level_mg (per_unit mg per
  // dose unit: regimen.dose_unit), the cycle starting at start_h.
  void cycle_records(const pkpd::PkSystem& pk, double level_mg, double per_unit, double start_h,
                     std::vector<core::DoseEvent>& out) const;
  // The mg given for record r at dose level level_mg (body size and rounding applied).
  double given_mg(const DoseRecordSpec& r, double level_mg, double per_unit) const;
  // regimen.steady_state: sets ws.initial to the periodic state of cycle 1's
  // doses at level_mg (PD states at rest) and adds the previous cycle's
  // inputs still to come to `actions`; otherwise clears ws.initial. False
  // (ws.traj.status set) if the steady state cannot be found.
  bool steady_start(PkWorkspace& ws, const pkpd::ModelSystem& m, double level_mg,
                    std::vector<core::InputAction>& actions) const;
  // Dose records of one patient: the regimen less missed doses and doses after dropout.
  void dose_records(const pkpd::PkSystem& pk, double amount, double per_unit, const std::vector<std::uint8_t>& missed,
                    double dropout_h, std::vector<core::DoseEvent>& out) const;
  // Evaluates endpoints.dlt on ws.traj sampled at ws.times; sets out.dlt and out.dlt_time_h.
  void apply_dlt_rule(const pkpd::ModelSystem& system, PkWorkspace& ws, PatientOutcome& out) const;
  // Simulates cycle by cycle with each cycle's parameters (inter-occasion variability).
  void simulate_by_cycle(PkWorkspace& ws, const std::vector<core::InputAction>& actions) const;
  // Dose modification (population.dose_modification): simulates cycle by
  // cycle up to horizon_h, deciding after each cycle on a hold, a reduction or
  // discontinuation; fills the first n_samples plan samples of ws.traj (sized
  // by the caller) and ws.history. Defined in pk_cycles.cpp.
  void simulate_modified(PkWorkspace& ws, int dose, double horizon_h, std::size_t n_samples) const;
  // Integrates [t0, t1] from ws.state with the inputs in ws.all_actions,
  // storing the plan samples from `next` on with time < t1 (all up to
  // n_samples if `last`); leaves the state at t1 in ws.state. False on a
  // solver failure (recorded in ws.traj). The one place inputs are applied
  // from a time on: by-cycle and dose-modified runs both go through it.
  bool simulate_piece(PkWorkspace& ws, pkpd::ModelSystem& m, double t0, double t1, bool last,
                      std::size_t n_samples, std::size_t& next) const;
  // Every DLT criterion's variable recovered enough to resume treatment.
  bool recovered(const pkpd::ModelSystem& m, PkWorkspace& ws, const double* y) const;
  // Whether a DLT episode starts in [start_h, end_h], judged on ws.traj samples [first, last).
  bool dlt_in(const pkpd::ModelSystem& m, PkWorkspace& ws, double start_h, double end_h, std::size_t first,
              std::size_t last) const;
  // Every individual parameter inside the range its model declares (random
  // effects, e.g. a normal one on CL, can leave it).
  bool parameters_valid(const std::vector<double>& values) const;
  double read(const pkpd::ModelSystem& m, const Variable& v, const double* y) const;
  void fill_series(const pkpd::ModelSystem& m, const pkpd::Trajectory& traj, const Variable& v,
                   std::vector<double>& out) const;

  PkSpec pk_;                 // no model with model.ode
  std::optional<OdeSpec> ode_;
  std::vector<PdSpec> pd_;
  SolverSpec solver_;
  RegimenSpec regimen_;
  std::vector<ScheduledDose> schedule_;         // every administration, by time (adherence index order)
  EndpointSpec endpoints_;
  std::vector<double> dose_levels_;
  std::uint64_t seed_ = 0;
  std::shared_ptr<const vp::Population> population_;
  std::vector<double> typical_;
  std::vector<core::Range> param_ranges_;      // declared range of each parameter, in parameter_names() order
  bool by_cycle_ = false;                       // inter-occasion variability present
  bool modifies_doses_ = false;                 // population.dose_modification applies
  bool body_size_column_ = false;               // some arm doses by body size: the dose_mg column
  double exposure_threshold_ = 0.0;             // mg/L, crossings the exposure trace locates (0: none)
  std::vector<std::string> output_names_;       // timecourse variables, then observed "<var>_obs"
  std::vector<const vp::ResidualErrorSpec*> observed_;  // residual error per observed variable
  std::vector<double> grid_;
  std::vector<std::string> variables_;
  std::vector<Variable> variable_readers_;
  std::vector<Variable> dlt_variables_;         // of each endpoints.dlt criterion
  std::vector<std::string> pk_state_names_;   // model.ode: its states
  // Columns by owner: the patient's (covariates, etas, dropout, missed doses),
  // each endpoint's, then the dose-modification record's.
  std::vector<ColumnSpec> extra_, cycle_;
  std::size_t covariate_column_ = 0, eta_column_ = 0, dropout_column_ = 0;
  std::size_t endpoint_column_ = 0;             // first column the solve determines
  std::vector<EndpointSlot> slots_;
  int response_column_ = -1;  // extra_ column of kResponseColumn (-1: no efficacy endpoint)
  int modification_column_ = -1, modification_cycle_column_ = -1;
  pkpd::SamplePlan plan_;
  std::vector<pkpd::Sample> dlt_samples_;  // the plan's samples up to the DLT window's end
};

}  // namespace twinsim::trial
