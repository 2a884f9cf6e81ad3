#include "twinsim/trial/patient/patient_model.hpp"

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>
#include <limits>

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

TruthPatientModel::TruthPatientModel(std::uint64_t seed, std::vector<double> p_true,
                                     std::optional<EfficacySpec> efficacy)
    : seed_(seed), p_true_(std::move(p_true)), efficacy_(std::move(efficacy)) {
  if (!efficacy_) return;
  for (double q : efficacy_->true_response_probabilities) {
    const double inf = std::numeric_limits<double>::infinity();
    response_z_.push_back(q <= 0.0 ? -inf : q >= 1.0 ? inf : core::normal_quantile(q));
  }
}

std::vector<ColumnSpec> TruthPatientModel::extra_columns() const {
  if (!efficacy_) return {};
  return {{kResponseColumn, "0/1", true}};
}

std::unique_ptr<PatientWorkspace> TruthPatientModel::workspace() const {
  return std::make_unique<PatientWorkspace>();
}

void TruthPatientModel::simulate(PatientWorkspace&, std::uint64_t trial, std::uint64_t patient, int dose,
                                 PatientOutcome& out, double*) const {
  // Variant 0: the DLT uniforms do not depend on the design (common random numbers).
  core::RngStream rng(seed_, 0, core::StreamKind::kDltUniform, trial, patient);
  const auto d = static_cast<std::size_t>(dose);
  const double u = rng.uniform();
  // Field by field, not `out = PatientOutcome{}`: the caller reuses `out`, and
  // extra keeps its capacity.
  out.dlt = u < p_true_[d];
  out.dlt_time_h = std::numeric_limits<double>::quiet_NaN();
  out.status = core::SolveStatus::kOk;
  out.response = -1;
  out.extra.clear();
  if (!efficacy_) return;
  core::RngStream eff(seed_, 0, core::StreamKind::kEfficacy, trial, patient);
  const double rho = efficacy_->correlation;
  const double z_t = core::normal_quantile(u);
  const double z_e = rho * z_t + std::sqrt(1.0 - rho * rho) * eff.normal();
  out.response = z_e < response_z_[d] ? 1 : 0;
  out.extra.push_back(out.response);
}

double dlt_and_response_probability(double p, double q, double rho) {
  if (p <= 0.0 || q <= 0.0) return 0.0;
  if (p >= 1.0) return q;
  if (q >= 1.0) return p;
  const double a = core::normal_quantile(p), b = core::normal_quantile(q), s = std::sqrt(1.0 - rho * rho);
  // P(Z_T < a, Z_E < b) = integral over z < a of phi(z) Phi((b - rho z) / s).
  const auto f = [&](double z) {
    return std::exp(-0.5 * z * z) / std::sqrt(2.0 * M_PI) * 0.5 * std::erfc(-(b - rho * z) / (s * M_SQRT2));
  };
  return boost::math::quadrature::gauss_kronrod<double, 31>::integrate(f, -std::numeric_limits<double>::infinity(), a,
                                                                       15, 1e-14);
}

std::unique_ptr<PatientModel> make_patient_model(const Scenario& s, std::size_t design) {
  if (s.pk && s.designs.at(design).regimen) return std::make_unique<PkPatientModel>(s, *s.designs[design].regimen);
  return make_patient_model(s);
}

std::unique_ptr<PatientModel> make_patient_model(const Scenario& s) {
  if (s.pkpd_mode()) return std::make_unique<PkPatientModel>(s);
  return std::make_unique<TruthPatientModel>(s.seed, s.true_dlt_probabilities.value_or(std::vector<double>{}),
                                             s.efficacy);
}

}  // namespace twinsim::trial
