// Rules for the values that both a scenario file and a command-line option
// can give: written once, so `seed: -1` in the file and `--seed -1` on the
// command line are refused alike, with the same message (core::parse_int and
// core::parse_double phrase it; the CLI adds the option's name, the loader
// the file:line:col and key path). The design ones are DesignRules
// (designs/design.hpp).
#pragma once

#include <cstdint>

#include "twinsim/core/config.hpp"

namespace twinsim::trial {

struct ValueRules {
  static constexpr std::int64_t kMaxReplicates = 100'000'000;

  // `seed`, `--seed`. Stored as a signed 64-bit HDF5 attribute: a seed above
  // 2^63 would come back negative, so the limit stays below it.
  static core::Range seed() { return core::Range::closed(0, 9.0e18); }
  // `replicates`, `--replicates`.
  static core::Range replicates() { return core::Range::closed(1, static_cast<double>(kMaxReplicates)); }
};

}  // namespace twinsim::trial
