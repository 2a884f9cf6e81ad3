#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include <Eigen/Cholesky>

#include "twinsim/core/rng.hpp"

using namespace twinsim::core;

TEST_CASE("Philox4x64-10 matches the Random123 known-answer vectors", "[unit]") {
  // Random123 tests/kat_vectors, "philox4x64 10" lines (counter[4] key[2] -> result[4]).
  const auto zero = philox4x64_10({0, 0, 0, 0}, {0, 0});
  CHECK(zero == std::array<std::uint64_t, 4>{0x16554d9eca36314cULL, 0xdb20fe9d672d0fdcULL,
                                             0xd7e772cee186176bULL, 0x7e68b68aec7ba23bULL});
  const std::uint64_t f = ~0ULL;
  const auto ones = philox4x64_10({f, f, f, f}, {f, f});
  CHECK(ones == std::array<std::uint64_t, 4>{0x87b092c3013fe90bULL, 0x438c3c67be8d0224ULL,
                                             0x9cc7d7c69cd777b6ULL, 0xa09caebf594f0ba0ULL});
}

TEST_CASE("a stream is a pure function of its key and counter", "[unit]") {
  RngStream a(42, 1, StreamKind::kEtas, 7, 3);
  RngStream b(42, 1, StreamKind::kEtas, 7, 3);
  for (int i = 0; i < 100; ++i) REQUIRE(a.uniform() == b.uniform());
  // Changing any part of the key or counter changes the numbers.
  const double base = RngStream(42, 1, StreamKind::kEtas, 7, 3).uniform();
  CHECK(RngStream(43, 1, StreamKind::kEtas, 7, 3).uniform() != base);
  CHECK(RngStream(42, 2, StreamKind::kEtas, 7, 3).uniform() != base);
  CHECK(RngStream(42, 1, StreamKind::kCovariates, 7, 3).uniform() != base);
  CHECK(RngStream(42, 1, StreamKind::kEtas, 8, 3).uniform() != base);
  CHECK(RngStream(42, 1, StreamKind::kEtas, 7, 4).uniform() != base);
}

TEST_CASE("uniforms lie strictly inside (0, 1) with the right moments", "[unit]") {
  RngStream s(1, 0, StreamKind::kTest, 0, 0);
  const int n = 200000;
  double sum = 0, sumsq = 0;
  for (int i = 0; i < n; ++i) {
    const double u = s.uniform();
    REQUIRE(u > 0.0);
    REQUIRE(u < 1.0);
    sum += u;
    sumsq += u * u;
  }
  const double mean = sum / n;
  const double var = sumsq / n - mean * mean;
  // Mean of U(0,1): 1/2 with SE sqrt(1/12/n); variance 1/12 with SE sqrt(1/180/n). 5 SE.
  CHECK(std::abs(mean - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
  CHECK(std::abs(var - 1.0 / 12) < 5 * std::sqrt(1.0 / 180 / n));
}

TEST_CASE("normal quantile matches published values", "[unit]") {
  // Abramowitz & Stegun Table 26.5 / standard normal tables.
  CHECK(normal_quantile(0.5) == Approx(0.0).margin(1e-15));
  CHECK(normal_quantile(0.975) == Approx(1.959963984540054).epsilon(1e-14));
  CHECK(normal_quantile(0.025) == Approx(-1.959963984540054).epsilon(1e-14));
  CHECK(normal_quantile(0.95) == Approx(1.6448536269514722).epsilon(1e-14));
  CHECK(normal_quantile(1e-10) == Approx(-6.361340902404056).epsilon(1e-12));
}

TEST_CASE("normals have mean 0 and variance 1 and lognormals the right median", "[unit]") {
  RngStream s(2, 0, StreamKind::kTest, 0, 0);
  const int n = 200000;
  double sum = 0, sumsq = 0, sum4 = 0;
  for (int i = 0; i < n; ++i) {
    const double z = s.normal();
    sum += z;
    sumsq += z * z;
    sum4 += z * z * z * z;
  }
  // SE of the mean is 1/sqrt(n); of the second moment sqrt(2/n); 5 SE each.
  CHECK(std::abs(sum / n) < 5 / std::sqrt(n));
  CHECK(std::abs(sumsq / n - 1.0) < 5 * std::sqrt(2.0 / n));
  // Fourth moment 3 (SE sqrt(96/n)).
  CHECK(std::abs(sum4 / n - 3.0) < 5 * std::sqrt(96.0 / n));
  RngStream l(3, 0, StreamKind::kTest, 0, 0);
  int below = 0;
  for (int i = 0; i < n; ++i) below += l.lognormal(std::log(10.0), 0.3) < 10.0 ? 1 : 0;
  CHECK(std::abs(below / double(n) - 0.5) < 5 * std::sqrt(0.25 / n));
}

TEST_CASE("multivariate normal reproduces the covariance", "[unit]") {
  Eigen::Matrix3d cov;
  cov << 0.09, 0.03, 0.0, 0.03, 0.04, -0.01, 0.0, -0.01, 0.16;
  const Eigen::MatrixXd L = cov.llt().matrixL();
  RngStream s(4, 0, StreamKind::kTest, 0, 0);
  const int n = 100000;
  Eigen::Matrix3d acc = Eigen::Matrix3d::Zero();
  Eigen::VectorXd z(3);
  for (int i = 0; i < n; ++i) {
    s.multivariate_normal(L, z);
    acc += z * z.transpose();
  }
  acc /= n;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      // SE of a sample covariance: sqrt((s_ii s_jj + s_ij^2) / n); 5 SE.
      const double se = std::sqrt((cov(i, i) * cov(j, j) + cov(i, j) * cov(i, j)) / n);
      CHECK(std::abs(acc(i, j) - cov(i, j)) < 5 * se);
    }
}
