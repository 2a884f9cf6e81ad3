// Typed readers over ConfigNode (numbers, choices, maps with unknown-key
// checks) and the text rules behind them, which the command line shares.
// No yaml-cpp here: config.cpp builds the tree these read.
#include "twinsim/core/config.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace twinsim::core {

bool Range::contains(double v) const {
  if (lo_open ? !(v > lo) : !(v >= lo)) return false;
  if (hi_open ? !(v < hi) : !(v <= hi)) return false;
  return true;
}

std::string format_number(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 1e15) {
    return std::to_string(static_cast<long long>(v));
  }
  for (int prec = 6; prec <= 17; ++prec) {
    std::ostringstream os;
    os.precision(prec);
    os << v;
    if (prec == 17 || std::strtod(os.str().c_str(), nullptr) == v) return os.str();
  }
  return std::to_string(v);
}

std::string Range::describe() const {
  const bool lo_inf = std::isinf(lo), hi_inf = std::isinf(hi);
  if (lo_inf && hi_inf) return "finite";
  if (hi_inf) return std::string(lo_open ? "> " : ">= ") + format_number(lo);
  if (lo_inf) return std::string(hi_open ? "< " : "<= ") + format_number(hi);
  return std::string("in ") + (lo_open ? "(" : "[") + format_number(lo) + ", " + format_number(hi) +
         (hi_open ? ")" : "]");
}

namespace {

bool expect_scalar(const ConfigNode& n, Diagnostics& diag, const char* what) {
  if (n.is_scalar()) return true;
  diag.error(n.mark(), n.path(), std::string("expected ") + what + ", got " + n.describe());
  return false;
}

bool parse_strict_double(const std::string& s, double& out) {
  if (s.empty()) return false;
  // Only decimal notation: digits, sign, point, exponent. Rejects nan, inf, 0x.., "1e".
  for (char c : s) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.' ||
          c == 'e' || c == 'E' || c == '_'))
      return false;
  }
  std::string clean;
  for (char c : s)
    if (c != '_') clean += c;
  errno = 0;
  char* end = nullptr;
  out = std::strtod(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size() || errno == ERANGE || !std::isfinite(out)) return false;
  return true;
}

}  // namespace

std::string quote_for_message(const std::string& text) {
  std::string s = text;
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return "'" + s + "'";
}

std::optional<double> parse_double(const std::string& text, const Range& range, std::string& error) {
  double v = 0.0;
  if (!parse_strict_double(text, v)) {
    error = "expected a finite number, got " + quote_for_message(text);
    return std::nullopt;
  }
  if (!range.contains(v)) {
    error = "must be " + range.describe() + " (got " + text + ")";
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> parse_int(const std::string& s, const Range& range, std::string& error) {
  bool ok = !s.empty();
  for (std::size_t i = 0; ok && i < s.size(); ++i) {
    const char c = s[i];
    ok = std::isdigit(static_cast<unsigned char>(c)) || (i == 0 && (c == '-' || c == '+'));
  }
  long long v = 0;
  if (ok) {
    errno = 0;
    char* end = nullptr;
    v = std::strtoll(s.c_str(), &end, 10);
    ok = errno != ERANGE && end == s.c_str() + s.size();
  }
  if (!ok) {
    // Whole numbers in exponent notation ("1e4", "1e12") are integers too, so
    // an absurd size is answered with the limit it breaks, not a type error;
    // so is an integer too long for 64 bits (a seed above 2^64).
    double d = 0.0;
    if (!parse_strict_double(s, d) || d != std::floor(d)) {
      error = "expected an integer, got " + quote_for_message(s);
      return std::nullopt;
    }
    if (!range.contains(d) || std::abs(d) >= 9.2e18) {
      error = "must be " + range.describe() + " (got " + s + ")";
      return std::nullopt;
    }
    v = static_cast<long long>(d);
  }
  if (!range.contains(static_cast<double>(v))) {
    error = "must be " + range.describe() + " (got " + s + ")";
    return std::nullopt;
  }
  return static_cast<std::int64_t>(v);
}

namespace {

// A scalar by its text rule. A quoted one is a string, never a number,
// whatever its text ("expected an integer, got '100'").
template <class T>
std::optional<T> read_number(const ConfigNode& n, Diagnostics& diag, const Range& range, const char* what,
                             const char* expected, std::optional<T> (*parse)(const std::string&, const Range&,
                                                                             std::string&)) {
  if (!expect_scalar(n, diag, what)) return std::nullopt;
  std::string error;
  std::optional<T> v;
  if (n.is_quoted()) error = std::string(expected) + ", got " + n.describe();
  else v = parse(n.scalar(), range, error);
  if (!v) diag.error(n.mark(), n.path(), error);
  return v;
}

}  // namespace

std::optional<double> read_double(const ConfigNode& n, Diagnostics& diag, const Range& range) {
  return read_number<double>(n, diag, range, "a number", "expected a finite number", parse_double);
}

std::optional<std::int64_t> read_int(const ConfigNode& n, Diagnostics& diag, const Range& range) {
  return read_number<std::int64_t>(n, diag, range, "an integer", "expected an integer", parse_int);
}

std::optional<bool> read_bool(const ConfigNode& n, Diagnostics& diag) {
  if (!expect_scalar(n, diag, "true or false")) return std::nullopt;
  const std::string& s = n.scalar();
  if (!n.is_quoted()) {
    if (s == "true" || s == "True" || s == "TRUE" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "False" || s == "FALSE" || s == "no" || s == "off") return false;
  }
  diag.error(n.mark(), n.path(), "expected true or false, got " + n.describe());
  return std::nullopt;
}

std::optional<std::string> read_string(const ConfigNode& n, Diagnostics& diag) {
  if (!expect_scalar(n, diag, "a string")) return std::nullopt;
  return n.scalar();
}

std::optional<std::string> read_choice(const ConfigNode& n, Diagnostics& diag,
                                       const std::vector<std::string>& choices) {
  auto s = read_string(n, diag);
  if (!s) return std::nullopt;
  if (std::find(choices.begin(), choices.end(), *s) != choices.end()) return s;
  std::string msg = "unknown value '" + *s + "'";
  const std::string hint = closest_match(*s, choices);
  if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
  msg += "; expected one of:";
  for (std::size_t i = 0; i < choices.size(); ++i) msg += (i ? ", " : " ") + choices[i];
  diag.error(n.mark(), n.path(), msg);
  return std::nullopt;
}

std::optional<std::vector<double>> read_double_list(const ConfigNode& n, Diagnostics& diag,
                                                    const Range& range, std::size_t max_size) {
  if (!n.is_sequence()) {
    diag.error(n.mark(), n.path(), "expected a list of numbers, got " + n.describe());
    return std::nullopt;
  }
  if (n.size() > max_size) {
    diag.error(n.mark(), n.path(),
               "list has " + std::to_string(n.size()) + " elements; the limit is " +
                   std::to_string(max_size));
    return std::nullopt;
  }
  std::vector<double> out;
  out.reserve(n.size());
  bool ok = true;
  for (std::size_t i = 0; i < n.size(); ++i) {
    auto v = read_double(n.at(i), diag, range);
    if (v) out.push_back(*v);
    else ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  const std::string w = lower(word);
  std::string best;
  std::size_t best_d = std::string::npos;
  for (const auto& cand : candidates) {
    const std::string c = lower(cand);
    std::vector<std::size_t> prev(c.size() + 1), cur(c.size() + 1);
    for (std::size_t j = 0; j <= c.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= w.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= c.size(); ++j) {
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (w[i - 1] == c[j - 1] ? 0 : 1)});
      }
      std::swap(prev, cur);
    }
    if (prev[c.size()] < best_d) {
      best_d = prev[c.size()];
      best = cand;
    }
  }
  // Allow roughly one typo per three characters, at least one, at most three.
  const std::size_t allowed = std::min<std::size_t>(3, std::max<std::size_t>(1, word.size() / 3));
  return best_d <= allowed ? best : std::string();
}

// ---------------------------------------------------------------------------

MapReader::MapReader(const ConfigNode& node, Diagnostics& diag) : node_(node), diag_(diag) {
  if (node.is_map()) {
    valid_ = true;
  } else if (!node.is_missing()) {
    diag_.error(node.mark(), node.path(), "expected a map of keys, got " + node.describe());
  }
}

bool MapReader::has(const std::string& key) {
  known_.push_back(key);
  return node_.has(key);
}

ConfigNode MapReader::get(const std::string& key) {
  known_.push_back(key);
  return node_.get(key);
}

ConfigNode MapReader::require(const std::string& key) {
  ConfigNode n = get(key);
  if (n.is_missing() && valid_) {
    diag_.error(node_.mark(), n.path(), "required key is missing");
  }
  return n;
}

std::optional<double> MapReader::required_double(const std::string& key, const Range& range) {
  ConfigNode n = require(key);
  if (n.is_missing()) return std::nullopt;
  return read_double(n, diag_, range);
}

double MapReader::optional_double(const std::string& key, double fallback, const Range& range) {
  ConfigNode n = get(key);
  if (n.is_missing()) return fallback;
  return read_double(n, diag_, range).value_or(fallback);
}

std::optional<std::int64_t> MapReader::required_int(const std::string& key, const Range& range) {
  ConfigNode n = require(key);
  if (n.is_missing()) return std::nullopt;
  return read_int(n, diag_, range);
}

std::int64_t MapReader::optional_int(const std::string& key, std::int64_t fallback,
                                     const Range& range) {
  ConfigNode n = get(key);
  if (n.is_missing()) return fallback;
  return read_int(n, diag_, range).value_or(fallback);
}

std::optional<std::string> MapReader::required_string(const std::string& key) {
  ConfigNode n = require(key);
  if (n.is_missing()) return std::nullopt;
  return read_string(n, diag_);
}

std::string MapReader::optional_string(const std::string& key, const std::string& fallback) {
  ConfigNode n = get(key);
  if (n.is_missing()) return fallback;
  return read_string(n, diag_).value_or(fallback);
}

bool MapReader::optional_bool(const std::string& key, bool fallback) {
  ConfigNode n = get(key);
  if (n.is_missing()) return fallback;
  return read_bool(n, diag_).value_or(fallback);
}

std::optional<std::string> MapReader::required_choice(const std::string& key,
                                                      const std::vector<std::string>& choices) {
  ConfigNode n = require(key);
  if (n.is_missing()) return std::nullopt;
  return read_choice(n, diag_, choices);
}

std::string MapReader::optional_choice(const std::string& key,
                                       const std::vector<std::string>& choices,
                                       const std::string& fallback) {
  ConfigNode n = get(key);
  if (n.is_missing()) return fallback;
  return read_choice(n, diag_, choices).value_or(fallback);
}

void MapReader::finish() {
  if (!valid_) return;
  std::vector<std::string> unique = known_;
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  const auto keys = node_.keys();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string& key = keys[i];
    if (std::binary_search(unique.begin(), unique.end(), key)) continue;
    std::string msg = "unknown key '" + key + "'";
    const std::string hint = closest_match(key, unique);
    if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
    // By position: get(key) is a linear search, which made n unknown keys O(n^2).
    const ConfigNode child = node_.value_at(i);
    diag_.error(child.key_mark(), child.path(), msg);
  }
}

}  // namespace twinsim::core
