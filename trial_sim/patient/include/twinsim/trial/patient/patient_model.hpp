// How one virtual patient responds to a dose: the source of truth a design
// sees. Design-only mode draws DLTs from the true dose-toxicity curve; PK/PD
// mode simulates the patient's model under the regimen.
//
// A patient is identified by (trial, patient index within the trial); every
// random number comes from streams keyed by those, never by design or thread,
// so compared designs see the same patients (common random numbers).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "twinsim/core/error.hpp"
#include "twinsim/core/ode.hpp"
#include "twinsim/pkpd/exposure.hpp"
#include "twinsim/trial/endpoints/endpoint.hpp"  // ColumnSpec
#include "twinsim/trial/results/results.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace twinsim::trial {

// A patient whose solve failed, under SolveFailurePolicy::kError. A run-time
// failure (exit code 1, no output file): the scenario was valid, one of its
// patients could not be simulated. Indices are 0-based, as in the result file.
class PatientSolveError : public core::RuntimeError {
 public:
  // design: the design's name; empty for the reference cohort of /truth
  // (whose trial number is meaningless and not printed).
  PatientSolveError(std::string design, std::int64_t trial, std::int64_t patient, int dose_index,
                    core::SolveStatus status);
  const std::string& design() const { return design_; }
  std::int64_t trial() const { return trial_; }
  std::int64_t patient() const { return patient_; }
  int dose_index() const { return dose_index_; }
  core::SolveStatus status() const { return status_; }

 private:
  std::string design_;
  std::int64_t trial_, patient_;
  int dose_index_;
  core::SolveStatus status_;
};

// Per-thread scratch space of a PatientModel.
class PatientWorkspace {
 public:
  virtual ~PatientWorkspace() = default;
};

class PatientModel {
 public:
  virtual ~PatientModel() = default;
  virtual std::unique_ptr<PatientWorkspace> workspace() const = 0;
  // Simulates patient `patient` of trial `trial` at dose index `dose`.
  // timecourse (may be null) receives n_timecourse_values() doubles:
  // variable-major, one row of time_grid().size() values per variable.
  virtual void simulate(PatientWorkspace& ws, std::uint64_t trial, std::uint64_t patient, int dose,
                        PatientOutcome& out, double* timecourse) const = 0;

  // Only the DLT outcome (for the reference cohort of the truth curve); models
  // may simulate less than the whole run. Default: simulate() everything.
  virtual void simulate_dlt(PatientWorkspace& ws, std::uint64_t trial, std::uint64_t patient, int dose,
                            PatientOutcome& out) const {
    simulate(ws, trial, patient, dose, out, nullptr);
  }

  virtual bool has_exposure() const { return false; }
  virtual std::vector<ColumnSpec> extra_columns() const { return {}; }
  virtual std::vector<ColumnSpec> cycle_columns() const { return {}; }
  virtual int n_cycles() const { return 0; }
  virtual std::vector<std::string> parameter_names() const { return {}; }
  virtual const std::vector<std::string>& timecourse_variables() const;
  virtual const std::vector<double>& time_grid() const;
  std::size_t n_timecourse_values() const { return timecourse_variables().size() * time_grid().size(); }
};

// P(DLT and response) of a design-only patient at a dose with P(DLT) p and
// P(response) q, correlation rho of the latent normals: the bivariate normal
// CDF Phi_2(Phi^-1(p), Phi^-1(q); rho), by adaptive Gauss-Kronrod quadrature
// (absolute error below 1e-12).
double dlt_and_response_probability(double p, double q, double rho);

// Builds the patient model the scenario describes.
std::unique_ptr<PatientModel> make_patient_model(const Scenario& scenario);
// The model design `design` runs: the scenario's, under that arm's regimen if it has one.
std::unique_ptr<PatientModel> make_patient_model(const Scenario& scenario, std::size_t design);

// Design-only truth: patient k of trial r has a DLT at dose d iff u(r, k) < p_d,
// with one uniform per patient shared by all doses and designs. With an
// efficacy spec, a response iff rho z_T + sqrt(1 - rho^2) z < Phi^-1(q_d),
// z_T = Phi^-1(u), z a second normal of the patient (a latent bivariate
// normal: the Gaussian copula of docs/scenario-reference.md, "efficacy").
class TruthPatientModel final : public PatientModel {
 public:
  TruthPatientModel(std::uint64_t seed, std::vector<double> p_true, std::optional<EfficacySpec> efficacy = {});
  std::unique_ptr<PatientWorkspace> workspace() const override;
  void simulate(PatientWorkspace& ws, std::uint64_t trial, std::uint64_t patient, int dose,
                PatientOutcome& out, double* timecourse) const override;
  std::vector<ColumnSpec> extra_columns() const override;

 private:
  std::uint64_t seed_;
  std::vector<double> p_true_;
  std::optional<EfficacySpec> efficacy_;
  std::vector<double> response_z_;  // Phi^-1(q_d), +-inf at 1 and 0
};

}  // namespace twinsim::trial
