#include "twinsim/trial/patient/patient_model.hpp"

#include "twinsim/core/rng.hpp"
#include "twinsim/trial/patient/pk_patient_model.hpp"

namespace twinsim::trial {

namespace {
std::string solve_error_message(const std::string& design, std::int64_t trial, std::int64_t patient, int dose_index,
                                core::SolveStatus status) {
  const std::string who = design.empty() ? "reference cohort of /truth/dlt_probability: patient " + std::to_string(patient)
                                         : "design '" + design + "': trial " + std::to_string(trial) + ", patient " +
                                               std::to_string(patient);
  return who + " at dose index " + std::to_string(dose_index) + " failed to solve (" + core::to_string(status) +
         ") and endpoints.dlt.on_solve_failure is 'error'";
}
}  // namespace

PatientSolveError::PatientSolveError(std::string design, std::int64_t trial, std::int64_t patient, int dose_index,
                                     core::SolveStatus status)
    : core::RuntimeError(solve_error_message(design, trial, patient, dose_index, status)),
      design_(std::move(design)),
      trial_(trial),
      patient_(patient),
      dose_index_(dose_index),
      status_(status) {}

const std::vector<std::string>& PatientModel::timecourse_variables() const {
  static const std::vector<std::string> none;
  return none;
}

const std::vector<double>& PatientModel::time_grid() const {
  static const std::vector<double> none;
  return none;
}

TruthPatientModel::TruthPatientModel(std::uint64_t seed, std::vector<double> p_true)
    : seed_(seed), p_true_(std::move(p_true)) {}

std::unique_ptr<PatientWorkspace> TruthPatientModel::workspace() const {
  return std::make_unique<PatientWorkspace>();
}

void TruthPatientModel::simulate(PatientWorkspace&, std::uint64_t trial, std::uint64_t patient, int dose,
                                 PatientOutcome& out, double*) const {
  // Variant 0: the DLT uniforms do not depend on the design (common random numbers).
  core::RngStream rng(seed_, 0, core::StreamKind::kDltUniform, trial, patient);
  out = PatientOutcome{};
  out.dlt = rng.uniform() < p_true_[static_cast<std::size_t>(dose)];
}

std::unique_ptr<PatientModel> make_patient_model(const Scenario& s, std::size_t design) {
  if (s.pk && s.designs.at(design).regimen) return std::make_unique<PkPatientModel>(s, *s.designs[design].regimen);
  return make_patient_model(s);
}

std::unique_ptr<PatientModel> make_patient_model(const Scenario& s) {
  if (s.pk) return std::make_unique<PkPatientModel>(s);
  return std::make_unique<TruthPatientModel>(s.seed, s.true_dlt_probabilities.value_or(std::vector<double>{}));
}

}  // namespace twinsim::trial
