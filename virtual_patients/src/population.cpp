#include "twinsim/vp/population.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include <Eigen/Cholesky>

#include "twinsim/core/rng.hpp"
#include "twinsim/vp/derived_covariates.hpp"

namespace twinsim::vp {

namespace {

using core::RngStream;
using core::StreamKind;

// Variant 0 for every population stream: compared designs share patients.
constexpr std::uint64_t kVariant = 0;

[[noreturn]] void contract_violation(const char* file, int line, const char* what) {
  std::fprintf(stderr, "%s:%d: twinsim bug: %s\n", file, line, what);
  std::abort();
}
#define TWINSIM_VP_REQUIRE(cond, what) \
  do {                                 \
    if (!(cond)) contract_violation(__FILE__, __LINE__, what); \
  } while (false)

Eigen::MatrixXd lower_cholesky(const Eigen::MatrixXd& m) {
  if (m.size() == 0) return {};
  Eigen::LLT<Eigen::MatrixXd> llt(m);
  TWINSIM_VP_REQUIRE(llt.info() == Eigen::Success, "matrix in a PopulationSpec is not positive definite");
  return llt.matrixL();
}

double expit(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace

Population::Population() = default;

Population::Population(PopulationSpec spec) : spec_(std::move(spec)) {
  covariate_names_ = spec_.covariate_names();
  declared_offset_ = spec_.csv ? spec_.csv->table.n_columns() : 0;
  derived_offset_ = declared_offset_ + spec_.covariates.size();
  if (spec_.csv) {
    const double cv = spec_.csv->jitter_cv;
    jitter_sigma_ = std::sqrt(std::log1p(cv * cv));
  }
  cumulative_.resize(spec_.covariates.size());
  for (std::size_t i = 0; i < spec_.covariates.size(); ++i) {
    const auto& c = spec_.covariates[i];
    if (!c.categorical) {
      continuous_.push_back(i);
      continue;
    }
    double acc = 0.0;
    for (double p : c.probabilities) cumulative_[i].push_back(acc += p);
    cumulative_[i].back() = 1.0;  // the last level takes whatever rounding left over
  }
  const auto nc = static_cast<Eigen::Index>(continuous_.size());
  if (spec_.covariate_correlation.rows() == nc && nc > 0 &&
      !spec_.covariate_correlation.isIdentity(0.0)) {
    copula_chol_ = lower_cholesky(spec_.covariate_correlation);
  }
  iiv_chol_ = lower_cholesky(spec_.iiv.omega);
  iov_chol_ = lower_cholesky(spec_.iov.omega);

  const std::size_t np = n_parameters();
  iiv_slot_.assign(np, -1);
  iov_slot_.assign(np, -1);
  distribution_.assign(np, EtaDistribution::kLognormal);
  for (std::size_t k = 0; k < spec_.iiv.size(); ++k) {
    const std::size_t p = spec_.iiv.parameter_indices[k];
    iiv_slot_[p] = static_cast<int>(k);
    distribution_[p] = spec_.iiv.distributions[k];
    eta_names_.push_back("ETA_" + spec_.iiv.parameters[k]);
  }
  for (std::size_t k = 0; k < spec_.iov.size(); ++k) {
    const std::size_t p = spec_.iov.parameter_indices[k];
    iov_slot_[p] = static_cast<int>(k);
    distribution_[p] = spec_.iov.distributions[k];  // the parser made them agree with iiv
    occasion_eta_names_.push_back("IOV_" + spec_.iov.parameters[k]);
  }
}

void Population::sample_covariates(std::uint64_t seed, std::uint64_t trial, std::uint64_t patient,
                                   VirtualPatient& out) const {
  RngStream rng(seed, kVariant, StreamKind::kCovariates, trial, patient);
  if (spec_.csv) {
    const auto& csv = *spec_.csv;
    const std::size_t rows = csv.table.n_rows();
    out.csv_row = std::min(rows - 1, static_cast<std::size_t>(rng.uniform() * static_cast<double>(rows)));
    for (std::size_t c = 0; c < csv.table.n_columns(); ++c) {
      double v = csv.table.at(out.csv_row, c);
      if (!csv.categorical[c]) v *= std::exp(jitter_sigma_ * rng.normal());  // median-preserving
      out.covariates[c] = v;
    }
  }
  // Copula: independent normals, correlated by the Cholesky factor, then each
  // mapped through the inverse CDF of its (truncated) marginal.
  const auto nc = static_cast<Eigen::Index>(continuous_.size());
  out.copula_scores.resize(continuous_.size());
  Eigen::Map<Eigen::VectorXd> z(out.copula_scores.data(), nc);
  if (copula_chol_.size() > 0) {
    rng.multivariate_normal(copula_chol_, z);
  } else {
    for (Eigen::Index i = 0; i < nc; ++i) z[i] = rng.normal();
  }
  for (std::size_t j = 0; j < continuous_.size(); ++j) {
    const std::size_t i = continuous_[j];
    out.covariates[declared_offset_ + i] = spec_.covariates[i].marginal.from_normal_score(z[static_cast<Eigen::Index>(j)]);
  }
  for (std::size_t i = 0; i < spec_.covariates.size(); ++i) {
    if (!spec_.covariates[i].categorical) continue;
    const double u = rng.uniform();
    const auto& cum = cumulative_[i];
    const auto level = static_cast<std::size_t>(std::upper_bound(cum.begin(), cum.end(), u) - cum.begin());
    out.covariates[declared_offset_ + i] = static_cast<double>(std::min(level, cum.size() - 1));
  }
}

void Population::derive_covariates(VirtualPatient& out) const {
  auto& x = out.covariates;
  for (std::size_t i = 0; i < spec_.derived.size(); ++i) {
    const auto& d = spec_.derived[i];
    double v = 0.0;
    switch (d.formula) {
      case DerivedFormula::kBsaMosteller: v = bsa_mosteller(x[d.weight], x[d.height]); break;
      case DerivedFormula::kBsaDuBois: v = bsa_dubois(x[d.weight], x[d.height]); break;
      case DerivedFormula::kBmi: v = bmi(x[d.weight], x[d.height]); break;
      case DerivedFormula::kCockcroftGault:
        v = crcl_cockcroft_gault(x[d.age], x[d.weight], x[d.creatinine], x[d.sex] == d.female_code);
        break;
    }
    x[derived_offset_ + i] = v;
  }
}

void Population::apply_effects(VirtualPatient& out) const {
  out.covariate_factors.assign(n_parameters(), 1.0);
  for (const auto& e : spec_.effects) {
    const double x = out.covariates[e.covariate_index];
    double f = 1.0;
    switch (e.type) {
      case EffectType::kPower: f = std::pow(x / e.reference, e.coefficient); break;
      case EffectType::kLinear: f = 1.0 + e.coefficient * (x - e.reference); break;
      case EffectType::kExponential: f = std::exp(e.coefficient * (x - e.reference)); break;
      case EffectType::kCategorical: {
        const auto level = static_cast<std::size_t>(std::lround(x));
        f = level < e.multipliers.size() ? e.multipliers[level] : 1.0;
        break;
      }
    }
    out.covariate_factors[e.parameter_index] *= f;
  }
}

void Population::complete_covariates(VirtualPatient& out) const {
  out.covariates.resize(covariate_names_.size(), 0.0);
  derive_covariates(out);
  apply_effects(out);
}

void Population::generate(std::uint64_t seed, std::uint64_t trial, std::uint64_t patient,
                          VirtualPatient& out) const {
  out.id = PatientId{trial, patient};
  out.csv_row = 0;
  out.covariates.assign(covariate_names_.size(), 0.0);
  sample_covariates(seed, trial, patient, out);
  derive_covariates(out);
  apply_effects(out);

  const auto n_iiv = static_cast<Eigen::Index>(spec_.iiv.size());
  out.etas.resize(spec_.iiv.size());
  if (n_iiv > 0) {
    RngStream rng(seed, kVariant, StreamKind::kEtas, trial, patient);
    Eigen::Map<Eigen::VectorXd> eta(out.etas.data(), n_iiv);
    rng.multivariate_normal(iiv_chol_, eta);
  }

  const std::size_t n_iov = spec_.iov.size();
  out.occasion_etas.resize(n_iov * static_cast<std::size_t>(spec_.n_cycles));
  if (n_iov > 0) {
    RngStream rng(seed, kVariant, StreamKind::kOccasionEtas, trial, patient);
    for (int c = 0; c < spec_.n_cycles; ++c) {
      Eigen::Map<Eigen::VectorXd> kappa(out.occasion_etas.data() + static_cast<std::size_t>(c) * n_iov,
                                        static_cast<Eigen::Index>(n_iov));
      rng.multivariate_normal(iov_chol_, kappa);
    }
  }

  out.dropout_time_cycles = std::numeric_limits<double>::infinity();
  out.dropout_cycle.reset();
  const double h = spec_.dropout.hazard_per_cycle;
  if (h > 0.0) {
    RngStream rng(seed, kVariant, StreamKind::kAdherence, trial, patient);
    // Survival (1 - h)^t: T = ln U / ln(1 - h), so P(T < 1) = h.
    out.dropout_time_cycles = std::log(rng.uniform()) / std::log1p(-h);
    if (out.dropout_time_cycles < static_cast<double>(spec_.n_cycles)) {
      out.dropout_cycle = static_cast<int>(out.dropout_time_cycles);
    }
  }
}

void Population::individual_parameters(const VirtualPatient& patient, const std::vector<double>& typical,
                                       int cycle, std::vector<double>& out) const {
  const std::size_t np = n_parameters();
  if (np == 0) {  // no population model: typical patients
    out = typical;
    return;
  }
  TWINSIM_VP_REQUIRE(typical.size() == np, "individual_parameters: wrong number of typical values");
  TWINSIM_VP_REQUIRE(patient.covariate_factors.size() == np, "individual_parameters: patient not generated");
  TWINSIM_VP_REQUIRE(cycle >= 0 && (spec_.iov.empty() || cycle < spec_.n_cycles),
                     "individual_parameters: cycle out of range");
  const std::size_t n_iov = spec_.iov.size();
  out.resize(np);
  for (std::size_t p = 0; p < np; ++p) {
    const double tv = typical[p] * patient.covariate_factors[p];
    double eta = 0.0;
    bool random = false;
    if (iiv_slot_[p] >= 0) {
      eta += patient.etas[static_cast<std::size_t>(iiv_slot_[p])];
      random = true;
    }
    if (iov_slot_[p] >= 0) {
      eta += patient.occasion_etas[static_cast<std::size_t>(cycle) * n_iov + static_cast<std::size_t>(iov_slot_[p])];
      random = true;
    }
    if (!random) {
      out[p] = tv;
      continue;
    }
    switch (distribution_[p]) {
      case EtaDistribution::kLognormal: out[p] = tv * std::exp(eta); break;
      case EtaDistribution::kNormal: out[p] = tv * (1.0 + eta); break;
      case EtaDistribution::kLogit: {
        const double t = std::clamp(tv, 0.0, 1.0);
        out[p] = (t <= 0.0 || t >= 1.0) ? t : expit(std::log(t / (1.0 - t)) + eta);
        break;
      }
    }
  }
}

std::vector<double> Population::individual_parameters(const VirtualPatient& patient,
                                                      const std::vector<double>& typical, int cycle) const {
  std::vector<double> out;
  individual_parameters(patient, typical, cycle, out);
  return out;
}

const ResidualErrorSpec* Population::residual_error(const std::string& variable) const {
  for (const auto& r : spec_.residual_errors)
    if (r.variable == variable) return &r;
  return nullptr;
}

void Population::missed_doses(std::uint64_t seed, std::uint64_t trial, std::uint64_t patient, std::size_t n_doses,
                              std::vector<std::uint8_t>& out) const {
  out.assign(n_doses, 0);
  const double p = spec_.adherence.p_miss_dose;
  if (p <= 0.0) return;
  RngStream rng(seed, kVariant, StreamKind::kAdherence, trial, patient);
  (void)rng.uniform();  // word 0 belongs to the dropout time
  for (std::size_t k = 0; k < n_doses; ++k) out[k] = rng.uniform() < p ? 1 : 0;
}

bool Population::dose_missed(std::uint64_t seed, std::uint64_t trial, std::uint64_t patient,
                             std::size_t dose_index) const {
  const double p = spec_.adherence.p_miss_dose;
  if (p <= 0.0) return false;
  RngStream rng(seed, kVariant, StreamKind::kAdherence, trial, patient);
  for (std::size_t k = 0; k <= dose_index; ++k) (void)rng.uniform();
  return rng.uniform() < p;
}

}  // namespace twinsim::vp
