// Numbers and values as text, for messages and range checks: what result
// readers, report formatting and command-line parsing need without a YAML
// document (config.hpp builds its readers on these).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace twinsim::core {

// Closed or open numeric interval used in range checks.
struct Range {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;

  static Range positive() { return {0.0, std::numeric_limits<double>::infinity(), true, false}; }
  static Range non_negative() { return {0.0, std::numeric_limits<double>::infinity(), false, false}; }
  static Range open_unit() { return {0.0, 1.0, true, true}; }
  static Range unit() { return {0.0, 1.0, false, false}; }
  static Range closed(double a, double b) { return {a, b, false, false}; }
  static Range at_least(double a) { return {a, std::numeric_limits<double>::infinity(), false, false}; }

  bool contains(double v) const;
  std::string describe() const;  // "> 0", "in (0, 1)", "in [1, 20]"
};

// The rules of read_double / read_int on plain text, for values that come from
// elsewhere (command-line options), so both places accept the same values and
// say the same thing: the value, or in `error` the message read_* reports for
// the same unquoted scalar ("expected an integer, got 'x'", "must be in
// [1, 100000000] (got 0)").
std::optional<double> parse_double(const std::string& text, const Range& range, std::string& error);
std::optional<std::int64_t> parse_int(const std::string& text, const Range& range, std::string& error);
// 'text' in quotes, cut to 40 characters: how messages show a value.
std::string quote_for_message(const std::string& text);

// Shortest decimal text that reads back as v (for messages): 0.1 -> "0.1".
std::string format_number(double v);

// Levenshtein-nearest candidate within a small edit distance, or "".
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace twinsim::core
