// The population model as inert, validated data: what parse_population()
// produces and Population is built from. Every index in here has been checked
// against the names it refers to; every matrix is symmetric positive definite.
//
// Covariate columns come in a fixed order (covariate_names()): the CSV columns
// (if a CSV is resampled), then the declared covariates in file order, then
// the derived covariates in file order.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "twinsim/core/error.hpp"
#include "twinsim/vp/covariate_table.hpp"
#include "twinsim/vp/marginal.hpp"

namespace twinsim::vp {

// One sampled covariate declared in the scenario.
struct CovariateSpec {
  std::string name;
  bool categorical = false;
  ContinuousMarginal marginal;              // continuous only
  std::vector<std::string> levels;          // categorical: coded 0 .. K-1 in this order
  std::vector<double> probabilities;        // categorical: sums to 1
};

// Baseline covariates resampled from a CSV file, one row per patient.
struct CsvSourceSpec {
  std::string path;                         // as opened (scenario dir + file)
  CovariateTable table;
  std::vector<bool> categorical;            // per column: integer codes 0 .. K-1, never jittered
  double jitter_cv = 0.0;                   // log-normal jitter of continuous columns
};

enum class DerivedFormula { kBsaMosteller, kBsaDuBois, kBmi, kCockcroftGault };

// A covariate computed from others. Input indices are covariate columns.
struct DerivedCovariateSpec {
  std::string name;
  DerivedFormula formula = DerivedFormula::kBsaMosteller;
  std::size_t weight = 0, height = 0, age = 0, creatinine = 0, sex = 0;
  double female_code = 1.0;                 // value of the sex column meaning female
};

enum class EffectType { kPower, kLinear, kExponential, kCategorical };

// P *= (x/ref)^c | 1 + c (x - ref) | exp(c (x - ref)) | multipliers[x].
struct CovariateEffectSpec {
  std::string parameter;
  std::size_t parameter_index = 0;
  std::string covariate;
  std::size_t covariate_index = 0;
  EffectType type = EffectType::kPower;
  double reference = 0.0;
  double coefficient = 0.0;                 // exponent, slope or coefficient
  std::vector<double> multipliers;          // categorical: one per level
};

// How a random effect eta acts on a parameter P (after covariate effects):
// log-normal P exp(eta); normal P (1 + eta); logit 1 / (1 + exp(-(logit P + eta))).
enum class EtaDistribution { kLognormal, kNormal, kLogit };

// Between-subject (iiv) or inter-occasion (iov) variability: etas ~ N(0, omega).
struct VariabilitySpec {
  std::vector<std::string> parameters;
  std::vector<std::size_t> parameter_indices;
  std::vector<EtaDistribution> distributions;
  Eigen::MatrixXd omega;                    // covariance of the etas (variances on the diagonal)

  bool empty() const { return parameters.empty(); }
  std::size_t size() const { return parameters.size(); }
};

enum class ResidualModel { kAdditive, kProportional, kCombined, kExponential };

// Residual error on one observed variable; see observe() in residual_error.hpp.
struct ResidualErrorSpec {
  std::string variable;
  ResidualModel model = ResidualModel::kProportional;
  double additive = 0.0;                    // sd, in the variable's units
  double proportional = 0.0;                // sd of the relative error (0.2 = 20 %)
  double exponential = 0.0;                 // sd of the log-scale error
  core::SourceMark mark;                    // where `variable` was given (for later checks)
};

struct AdherenceSpec {
  double p_miss_dose = 0.0;                 // per scheduled oral dose, independently
};

struct DropoutSpec {
  double hazard_per_cycle = 0.0;            // P(drop out during a cycle | on study at its start)
};

enum class DltAction { kNone, kHoldAndReduce, kDiscontinue };

// What the runner does after a DLT (a rule description; the runner applies it,
// see docs/population.md): the next cycle is delayed until recovery, then
// given reduced.
struct DoseModificationSpec {
  DltAction after_dlt = DltAction::kNone;
  int reduce_levels = 1;                    // dose levels to step down after the hold
  int recover_to_grade = 1;                 // hold until the toxicity is back to <= this grade
  double recheck_interval_h = 168.0;        // h between recovery checks during a hold (weekly)
  double max_hold_h = std::numeric_limits<double>::infinity();  // h; longer holds discontinue
  core::SourceMark mark;                    // where the block was given (for cross-checks)
};

struct PopulationSpec {
  std::vector<std::string> parameter_names; // the model's, in the lead's order
  int n_cycles = 1;                         // occasions for inter-occasion variability

  std::optional<CsvSourceSpec> csv;
  std::vector<CovariateSpec> covariates;
  // Copula correlation of the declared continuous covariates, in the order
  // they are declared (categorical ones skipped). Identity when not given.
  Eigen::MatrixXd covariate_correlation;
  std::vector<DerivedCovariateSpec> derived;
  std::vector<CovariateEffectSpec> effects;
  VariabilitySpec iiv;
  VariabilitySpec iov;
  std::vector<ResidualErrorSpec> residual_errors;
  AdherenceSpec adherence;
  DropoutSpec dropout;
  DoseModificationSpec dose_modification;

  // Column order of VirtualPatient::covariates.
  std::vector<std::string> covariate_names() const;
  // True if nothing varies: every patient is the typical patient.
  bool typical_only() const;
};

}  // namespace twinsim::vp
