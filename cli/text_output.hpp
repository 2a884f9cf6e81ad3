// Numbers and strings as the data-set commands (simulate, fit) print them.
#pragma once

#include <cmath>
#include <string>

#include "twinsim/core/value_text.hpp"

namespace twinsim::cli {

// Shortest text that reads back to the same double; "null" (json) or "NaN" for a failed solve.
inline std::string output_number(double v, bool json) {
  if (!std::isfinite(v)) return json ? "null" : "NaN";
  return core::format_number(v);
}

// A JSON string literal ('"' and '\' escaped).
inline std::string json_string(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    o += c;
  }
  return o + "\"";
}

}  // namespace twinsim::cli
