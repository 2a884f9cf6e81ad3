// PK/PD mode: a patient is simulated under the regimen at the assigned dose,
// and the clinic's readouts are derived from the simulated time course:
// exposure (overall and per cycle), neutropenia grade and nadir, the DLT rule,
// RECIST response. (Typical-value patients until the population model adds
// variability.)
#pragma once

#include "twinsim/pkpd/model_system.hpp"
#include "twinsim/trial/patient_model.hpp"

namespace twinsim::trial {

class PkPatientModel final : public PatientModel {
 public:
  explicit PkPatientModel(const Scenario& scenario);
  std::unique_ptr<PatientWorkspace> workspace() const override;
  void simulate(PatientWorkspace& ws, std::uint64_t trial, std::uint64_t patient, int dose,
                PatientOutcome& out, double* timecourse) const override;

  bool has_exposure() const override { return true; }
  std::vector<std::string> parameter_names() const override;
  std::vector<ColumnSpec> extra_columns() const override { return extra_; }
  std::vector<ColumnSpec> cycle_columns() const override;
  int n_cycles() const override { return regimen_.cycles; }
  const std::vector<std::string>& timecourse_variables() const override { return variables_; }
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
  double read(const pkpd::ModelSystem& m, const Variable& v, const double* y) const;
  void fill_series(const pkpd::ModelSystem& m, const pkpd::Trajectory& traj, const Variable& v,
                   std::vector<double>& out) const;

  PkSpec pk_;
  std::vector<PdSpec> pd_;
  RegimenSpec regimen_;
  EndpointSpec endpoints_;
  std::vector<double> dose_levels_;
  std::vector<double> grid_;
  std::vector<std::string> variables_;
  std::vector<Variable> variable_readers_;
  std::vector<double> assessments_;  // RECIST visit times
  std::vector<ColumnSpec> extra_;
  int anc_column_ = -1, recist_column_ = -1, above_column_ = -1;
  std::vector<std::string> pk_state_names_;
  pkpd::SamplePlan plan_;
};

}  // namespace twinsim::trial
