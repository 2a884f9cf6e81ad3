// The population model ready to draw patients from. Built once from a
// validated PopulationSpec, immutable afterwards, and safe to share between
// threads (every method is const and touches no shared mutable state).
//
// Every draw comes from a counter-based stream keyed by (seed, trial, patient)
// with variant 0, so patient k of trial r is the same twin in every compared
// design, on every thread, shard or rank (common random numbers). The streams:
//   kCovariates    CSV row (1 uniform), CSV jitter (1 normal per continuous
//                  CSV column), copula normals (1 per declared continuous
//                  covariate), categorical levels (1 uniform each)
//   kEtas          one normal per IIV parameter, correlated through chol(Omega)
//   kOccasionEtas  one normal per IOV parameter and cycle, cycle by cycle
//   kAdherence     word 0: dropout time; word 1 + k: whether dose k is missed
//   kResidualError left to the runner (observe(), one normal per observation)
// The number of draws per stream is fixed by the spec, never by the values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "twinsim/vp/population_spec.hpp"
#include "twinsim/vp/virtual_patient.hpp"

namespace twinsim::vp {

class Population {
 public:
  // No population model: every patient is the typical patient.
  Population();
  // `spec` must come from parse_population() (it is not re-validated).
  explicit Population(PopulationSpec spec);

  const PopulationSpec& spec() const { return spec_; }
  std::size_t n_parameters() const { return spec_.parameter_names.size(); }
  int n_cycles() const { return spec_.n_cycles; }
  const std::vector<std::string>& covariate_names() const { return covariate_names_; }
  // Names of VirtualPatient::etas and of one row of occasion_etas: the
  // parameter each random effect acts on, prefixed "ETA_" / "IOV_" (ETA_CL).
  const std::vector<std::string>& eta_names() const { return eta_names_; }
  const std::vector<std::string>& occasion_eta_names() const { return occasion_eta_names_; }

  // Draws patient (trial, patient) of the scenario with this seed into `out`.
  // The result depends only on (seed, trial, patient) and the spec: not on
  // which patients were generated before, nor in what order.
  void generate(std::uint64_t seed, std::uint64_t trial, std::uint64_t patient, VirtualPatient& out) const;

  // A given patient (twinsim fit: covariates read from a data set): `out.covariates`
  // holds every covariate column in covariate_names() order; the derived ones
  // are computed here (overwritten), then the covariate effects. Etas are left
  // as they are.
  void complete_covariates(VirtualPatient& out) const;

  // Individual parameters for treatment cycle `cycle` (0-based, < n_cycles()):
  // typical value x covariate effects, then IIV, then IOV for that cycle:
  //   log-normal P = TV * f * exp(eta + kappa_c); normal P = TV * f * (1 + eta + kappa_c);
  //   logit P = expit(logit(clamp(TV * f, 0, 1)) + eta + kappa_c).
  // `typical` has one value per model parameter (the spec's parameter_names
  // order). With no population model, out == typical. Aborts on a size
  // mismatch or a cycle out of range (a bug in the caller). `out` may not
  // alias `typical`.
  void individual_parameters(const VirtualPatient& patient, const std::vector<double>& typical, int cycle,
                             std::vector<double>& out) const;
  std::vector<double> individual_parameters(const VirtualPatient& patient, const std::vector<double>& typical,
                                            int cycle) const;

  // Residual error model of an observed variable, or nullptr if it has none.
  const ResidualErrorSpec* residual_error(const std::string& variable) const;

  // Adherence: out[k] = 1 if scheduled dose k (0-based, over the whole
  // regimen) is missed. Dose k's draw does not depend on n_doses, so a
  // longer schedule extends a shorter one. All zeros with p_miss_dose = 0.
  void missed_doses(std::uint64_t seed, std::uint64_t trial, std::uint64_t patient, std::size_t n_doses,
                    std::vector<std::uint8_t>& out) const;
  // The same for one dose (costs O(dose_index) draws: prefer missed_doses).
  bool dose_missed(std::uint64_t seed, std::uint64_t trial, std::uint64_t patient, std::size_t dose_index) const;

 private:
  void sample_covariates(std::uint64_t seed, std::uint64_t trial, std::uint64_t patient,
                         VirtualPatient& out) const;
  void derive_covariates(VirtualPatient& out) const;
  void apply_effects(VirtualPatient& out) const;

  PopulationSpec spec_;
  std::vector<std::string> covariate_names_;
  std::vector<std::string> eta_names_;
  std::vector<std::string> occasion_eta_names_;
  std::size_t declared_offset_ = 0;          // first declared covariate column
  std::size_t derived_offset_ = 0;           // first derived covariate column
  std::vector<std::size_t> continuous_;      // declared index of each copula covariate
  std::vector<std::vector<double>> cumulative_;  // per declared covariate (categorical only)
  double jitter_sigma_ = 0.0;
  Eigen::MatrixXd copula_chol_;              // lower Cholesky factor (empty: independent)
  Eigen::MatrixXd iiv_chol_;
  Eigen::MatrixXd iov_chol_;
  // Per model parameter: slot in etas / occasion row (-1: none), distribution.
  std::vector<int> iiv_slot_;
  std::vector<int> iov_slot_;
  std::vector<EtaDistribution> distribution_;
};

}  // namespace twinsim::vp
