// PK/PD mode: a patient is simulated under the regimen at the assigned dose.
// (Typical-value patients until the population model adds variability.)
#pragma once

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
  const std::vector<std::string>& timecourse_variables() const override { return variables_; }
  const std::vector<double>& time_grid() const override { return grid_; }

 private:
  PkSpec pk_;
  RegimenSpec regimen_;
  std::vector<double> dose_levels_;
  std::vector<double> grid_;
  std::vector<std::string> variables_;
  std::vector<int> variable_state_;  // state index per variable; -1 = Cc
  pkpd::SamplePlan plan_;
};

}  // namespace twinsim::trial
