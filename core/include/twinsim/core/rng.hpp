// Counter-based random streams (Philox4x64-10 from Random123).
//
// A stream is a pure function of (seed, variant, kind, trial, patient) and the
// index of the draw: key = (seed, variant), counter = (kind, trial, patient,
// block). No state is shared between streams, so patient i's numbers do not
// depend on thread count, scheduling order, shard, or MPI rank.
//
// Distributions are our own code: std:: distributions differ between standard
// libraries. Normals use the inverse-CDF transform z = -sqrt(2) erfc^-1(2u)
// (Boost.Math), one uniform per normal, which is monotone in u and identical
// on every platform with IEEE doubles.
#pragma once

#include <array>
#include <cstdint>

#include <Eigen/Core>

namespace twinsim::core {

// Which kind of draws a stream produces. Only ever grows: existing values must
// never be renumbered, or old results stop being reproducible.
enum class StreamKind : std::uint64_t {
  kCovariates = 1,
  kEtas = 2,
  kOccasionEtas = 3,
  kResidualError = 4,
  kDltUniform = 5,
  kDesign = 6,
  kAdherence = 7,
  kTruthCohort = 8,
  kEfficacy = 9,  // design-only response: the normal paired with the DLT's (trial_sim patient model)
  kAccrual = 10,  // Poisson accrual: the gap after patient k's arrival (trial_sim runner)
  kDltOnset = 11, // design-only DLT onset within the window, for time-to-event designs (trial_sim runner)
  kForecast = 12,  // twinsim forecast: posterior draws of a fitted patient (trial = draw)
  kReferral = 13,  // the gap after the k-th arrival a time-driven design referred away (trial_sim runner)
  kTest = 1000,
};

// Raw Philox4x64-10 block function, exposed for the known-answer test.
std::array<std::uint64_t, 4> philox4x64_10(const std::array<std::uint64_t, 4>& counter,
                                           const std::array<std::uint64_t, 2>& key);

class RngStream {
 public:
  RngStream(std::uint64_t seed, std::uint64_t variant, StreamKind kind, std::uint64_t trial,
            std::uint64_t patient);

  // Uniform on the open interval (0, 1) with 53 random bits.
  double uniform();
  // Standard normal by inverse CDF of uniform().
  double normal();
  double normal(double mean, double sd) { return mean + sd * normal(); }
  // exp(N(mu, sigma^2)).
  double lognormal(double mu, double sigma);
  // z ~ N(0, L L^T) given the lower Cholesky factor L. out must have L.rows() entries.
  void multivariate_normal(const Eigen::Ref<const Eigen::MatrixXd>& lower_cholesky,
                           Eigen::Ref<Eigen::VectorXd> out);

  // How many 64-bit words have been consumed (for tests and diagnostics).
  std::uint64_t draws() const { return block_ * 4 + static_cast<std::uint64_t>(next_); }

 private:
  std::uint64_t next_word();
  std::array<std::uint64_t, 2> key_;
  std::array<std::uint64_t, 4> counter_;
  std::array<std::uint64_t, 4> buffer_{};
  std::uint64_t block_ = 0;
  int next_ = 4;  // buffer exhausted
};

// Standard normal quantile Phi^-1(p) for p in (0, 1).
double normal_quantile(double p);

}  // namespace twinsim::core
