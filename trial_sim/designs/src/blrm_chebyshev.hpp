// Chebyshev series on [-1, 1] from values at the Chebyshev-Lobatto points
// (internal to blrm_posterior.cpp). The points of n = 2^m + 1 are nested: the
// points of 2n - 1 contain them, so refining keeps every value computed.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace twinsim::trial::detail {

// x_j = cos(pi j / (n - 1)), j = 0..n-1 (from +1 down to -1).
inline double lobatto_point(std::size_t j, std::size_t n) {
  return std::cos(M_PI * static_cast<double>(j) / static_cast<double>(n - 1));
}

// Coefficients c_k of sum_k c_k T_k interpolating f_j at the Lobatto points
// (the type-I DCT as a matrix-vector product, n <= 129 here). table caches the
// n x n matrix, row k: (2 / (n - 1)) cos(pi j k / (n - 1)) with the end
// points' and end rows' halving folded in.
inline void chebyshev_coefficients(const double* f, std::size_t n, std::vector<double>& table, double* c) {
  if (table.size() != n * n) {
    table.resize(n * n);
    const std::size_t period = 2 * (n - 1);
    for (std::size_t k = 0; k < n; ++k) {
      for (std::size_t j = 0; j < n; ++j) {
        double m = 2.0 / static_cast<double>(n - 1) *
                   std::cos(M_PI * static_cast<double>((j * k) % period) / static_cast<double>(n - 1));
        if (j == 0 || j == n - 1) m *= 0.5;
        if (k == 0 || k == n - 1) m *= 0.5;
        table[k * n + j] = m;
      }
    }
  }
  for (std::size_t k = 0; k < n; ++k) {
    const double* row = table.data() + k * n;
    double s = 0.0;
    for (std::size_t j = 0; j < n; ++j) s += row[j] * f[j];
    c[k] = s;
  }
}

// Coefficients of the antiderivative F (F(-1) = 0) of sum_{k<n} c_k T_k: n + 1 terms.
inline void chebyshev_integral(const double* c, std::size_t n, double* out) {
  // int T_0 = T_1, int T_1 = T_2 / 4, int T_k = T_{k+1} / (2(k+1)) - T_{k-1} / (2(k-1)).
  for (std::size_t k = 0; k <= n; ++k) out[k] = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    if (k == 0) {
      out[1] += c[0];
    } else if (k == 1) {
      out[2] += c[1] / 4.0;
    } else {
      out[k + 1] += c[k] / (2.0 * static_cast<double>(k + 1));
      out[k - 1] -= c[k] / (2.0 * static_cast<double>(k - 1));
    }
  }
  // Fix the constant so that F(-1) = sum_k out_k (-1)^k = 0.
  double at_minus_one = 0.0;
  for (std::size_t k = 1; k <= n; ++k) at_minus_one += (k % 2) ? -out[k] : out[k];
  out[0] = -at_minus_one;
}

// sum_k c_k T_k(x) by Clenshaw's recurrence.
inline double chebyshev_value(const double* c, std::size_t n, double x) {
  double b1 = 0.0, b2 = 0.0;
  for (std::size_t k = n; k-- > 1;) {
    const double b0 = 2.0 * x * b1 - b2 + c[k];
    b2 = b1;
    b1 = b0;
  }
  return x * b1 - b2 + c[0];
}

// int_{-1}^{1} sum_k c_k T_k = sum over even k of 2 c_k / (1 - k^2).
inline double chebyshev_total(const double* c, std::size_t n) {
  double s = 0.0;
  for (std::size_t k = 0; k < n; k += 2) s += 2.0 * c[k] / (1.0 - static_cast<double>(k * k));
  return s;
}

}  // namespace twinsim::trial::detail
