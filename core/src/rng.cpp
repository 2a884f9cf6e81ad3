#include "twinsim/core/rng.hpp"

#include <Random123/philox.h>

#include <boost/math/special_functions/erf.hpp>
#include <cmath>

namespace twinsim::core {

std::array<std::uint64_t, 4> philox4x64_10(const std::array<std::uint64_t, 4>& counter,
                                           const std::array<std::uint64_t, 2>& key) {
  r123::Philox4x64_R<10> gen;
  r123::Philox4x64_R<10>::ctr_type c = {{counter[0], counter[1], counter[2], counter[3]}};
  r123::Philox4x64_R<10>::key_type k = {{key[0], key[1]}};
  const auto r = gen(c, k);
  return {r[0], r[1], r[2], r[3]};
}

RngStream::RngStream(std::uint64_t seed, std::uint64_t variant, StreamKind kind,
                     std::uint64_t trial, std::uint64_t patient)
    : key_{seed, variant}, counter_{static_cast<std::uint64_t>(kind), trial, patient, 0} {}

std::uint64_t RngStream::next_word() {
  if (next_ == 4) {
    counter_[3] = block_++;
    buffer_ = philox4x64_10(counter_, key_);
    next_ = 0;
  }
  return buffer_[static_cast<std::size_t>(next_++)];
}

double RngStream::uniform() {
  // Top 53 bits, centred in their cell: never exactly 0 or 1.
  return (static_cast<double>(next_word() >> 11) + 0.5) * 0x1.0p-53;
}

double normal_quantile(double p) {
  // Phi^-1(p) = -sqrt(2) * erfc^-1(2p); Boost's erfc_inv is accurate to a few ulp
  // in both tails, which a naive 1 - p formulation is not.
  return -M_SQRT2 * boost::math::erfc_inv(2.0 * p);
}

double RngStream::normal() { return normal_quantile(uniform()); }

double RngStream::lognormal(double mu, double sigma) { return std::exp(mu + sigma * normal()); }

void RngStream::multivariate_normal(const Eigen::Ref<const Eigen::MatrixXd>& lower_cholesky,
                                    Eigen::Ref<Eigen::VectorXd> out) {
  const Eigen::Index n = lower_cholesky.rows();
  for (Eigen::Index i = 0; i < n; ++i) out[i] = normal();
  // In place, bottom row first: row i only needs z_j for j <= i, not yet overwritten.
  for (Eigen::Index i = n - 1; i >= 0; --i) {
    double acc = 0.0;
    for (Eigen::Index j = 0; j <= i; ++j) acc += lower_cholesky(i, j) * out[j];
    out[i] = acc;
  }
}

}  // namespace twinsim::core
