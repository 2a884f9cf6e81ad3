// One generated virtual patient: plain data filled by Population::generate().
// Reuse one object per thread: generate() only resizes its vectors, so after
// the first patient no memory is allocated.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <vector>

#include "twinsim/vp/patient_id.hpp"

namespace twinsim::vp {

struct VirtualPatient {
  PatientId id;
  // Baseline covariates in Population::covariate_names() order. Categorical
  // covariates hold their level code 0 .. K-1 as a double.
  std::vector<double> covariates;
  // Between-subject random effects, one per Population::eta_names() entry.
  std::vector<double> etas;
  // Inter-occasion random effects: n_cycles rows of Population::occasion_eta_names(),
  // row-major (cycle c, effect k at c * n_iov + k).
  std::vector<double> occasion_etas;
  // Product of all covariate effects, one per model parameter (1 if none).
  std::vector<double> covariate_factors;
  // Normal scores of the declared continuous covariates (the copula's
  // correlated normals), in declaration order. For diagnostics and tests.
  std::vector<double> copula_scores;
  // Row of the covariate CSV this patient was resampled from (0 without a CSV).
  std::size_t csv_row = 0;
  // Time on study, in cycles, at which the patient drops out (infinity with
  // no dropout hazard): exponential with P(drop out within a cycle) = hazard.
  double dropout_time_cycles = std::numeric_limits<double>::infinity();
  // The 0-based cycle during which the patient drops out, if before the last
  // cycle ends: floor(dropout_time_cycles) when < n_cycles.
  std::optional<int> dropout_cycle;
};

}  // namespace twinsim::vp
