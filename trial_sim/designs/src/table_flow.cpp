#include "table_flow.hpp"

#include <array>

#include "twinsim/trial/designs/design.hpp"

namespace twinsim::trial::detail {

void isotonic_in_place(double* est, const double* w, std::size_t k) {
  std::array<double, kMaxDesignDoses> bval{}, bw{};
  std::array<std::size_t, kMaxDesignDoses> bstart{};
  std::size_t blocks = 0;
  for (std::size_t i = 0; i < k; ++i) {
    bval[blocks] = est[i];
    bw[blocks] = w[i];
    bstart[blocks] = i;
    ++blocks;
    while (blocks > 1 && bval[blocks - 2] > bval[blocks - 1]) {
      const double sum = bw[blocks - 2] + bw[blocks - 1];
      bval[blocks - 2] = (bval[blocks - 2] * bw[blocks - 2] + bval[blocks - 1] * bw[blocks - 1]) / sum;
      bw[blocks - 2] = sum;
      --blocks;
    }
  }
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::size_t end = b + 1 < blocks ? bstart[b + 1] : k;
    for (std::size_t i = bstart[b]; i < end; ++i) est[i] = bval[b];
  }
}

}  // namespace twinsim::trial::detail
