// Bit-for-bit comparison of every dataset under an HDF5 group.
#pragma once

#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "twinsim/core/h5.hpp"

namespace twinsim::test {

// Every dataset under `group` in a exists in b with the same values, bit for
// bit (NaN included). Datasets only in b are not checked.
inline void compare_groups(const core::H5Reader& a, const core::H5Reader& b, const std::string& group) {
  for (const auto& child : a.children(group)) {
    const std::string path = group + (group == "/" ? "" : "/") + child;
    INFO(path);
    REQUIRE(b.exists(path));
    bool is_group = true;
    try {
      (void)a.dims(path);
      is_group = false;
    } catch (const std::exception&) {
    }
    if (is_group) {
      compare_groups(a, b, path);
      continue;
    }
    const auto da = a.read_doubles(path);
    const auto db = b.read_doubles(path);
    REQUIRE(da.size() == db.size());
    for (std::size_t i = 0; i < da.size(); ++i) {
      // Bit-identical, NaN included.
      REQUIRE(std::memcmp(&da[i], &db[i], sizeof(double)) == 0);
    }
  }
}

}  // namespace twinsim::test
