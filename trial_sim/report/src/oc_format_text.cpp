// The building blocks every OC rendering shares (oc_format.hpp): aligned
// text and markdown tables, csv and json escaping, estimates with their SE.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "twinsim/core/error.hpp"
#include "twinsim/core/value_text.hpp"
#include "twinsim/trial/report/oc_format.hpp"

namespace twinsim::trial {

namespace {

std::string fixed(double v, int decimals, bool sign = false) {
  char buf[64];
  std::snprintf(buf, sizeof buf, sign ? "%+.*f" : "%.*f", decimals, v);
  return buf;
}

// Display width of UTF-8 text ("±" is one column, two bytes).
std::size_t width(const std::string& s) {
  std::size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

}  // namespace

// Aligned columns: first column left-aligned, the others right-aligned.
std::string render_text_table(const std::vector<std::vector<std::string>>& rows, const std::string& indent) {
  std::vector<std::size_t> w;
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (w.size() <= i) w.push_back(0);
      w[i] = std::max(w[i], width(r[i]));
    }
  std::string out;
  for (const auto& r : rows) {
    std::string line = indent;
    for (std::size_t i = 0; i < r.size(); ++i) {
      const std::string pad(w[i] - width(r[i]), ' ');
      line += i == 0 ? r[i] + pad : "  " + pad + r[i];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
  }
  return out;
}

std::string markdown_cell(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '|' ? std::string("\\|") : std::string(1, c);
  return o;
}

std::string render_markdown_table(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    out += '|';
    for (const auto& c : rows[k]) out += ' ' + markdown_cell(c) + " |";
    out += '\n';
    if (k == 0) {
      out += '|';
      for (std::size_t i = 0; i < rows[0].size(); ++i) out += i == 0 ? "---|" : "---:|";
      out += '\n';
    }
  }
  return out;
}

OcFormat parse_oc_format(const std::string& name) {
  if (name == "table") return OcFormat::kTable;
  if (name == "csv") return OcFormat::kCsv;
  if (name == "json") return OcFormat::kJson;
  if (name == "markdown") return OcFormat::kMarkdown;
  throw core::UsageError("unknown format '" + name + "' (expected table, csv, json or markdown)");
}

std::string json_escape(const std::string& s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      o += '\\';
      o += static_cast<char>(c);
    } else if (c < 0x20) {  // control characters as \u00XX
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      o += buf;
    } else {
      o += static_cast<char>(c);
    }
  }
  return o + '"';
}

// Shortest round-trip text for machine formats; "" (csv) or null (json) for n/a.
std::string csv_number(double v) { return std::isfinite(v) ? core::format_number(v) : std::string(); }
std::string json_number(double v) { return std::isfinite(v) ? core::format_number(v) : std::string("null"); }

std::string json_estimate(const Estimate& e) {
  if (!e.available()) return "null";
  return "{\"value\": " + json_number(e.value) + ", \"se\": " + json_number(e.se) + "}";
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
  return o + '"';
}

std::string format_estimate(const Estimate& e, double scale, int decimals, const std::string& unit, bool sign) {
  if (!e.available()) return "n/a";
  const double se = e.se * scale;
  int dec = decimals;
  if (std::isfinite(se) && se > 0)
    while (dec < decimals + 3 && se < 0.95 * std::pow(10.0, -dec)) ++dec;
  std::string s = fixed(e.value * scale, dec, sign) + unit + " ± ";
  s += std::isfinite(se) ? fixed(se, dec) + unit : std::string("n/a");
  return s;
}

std::string format_metric(const Estimate& e, const OcMetric& m, bool sign) {
  return format_estimate(e, m.scale, m.decimals, m.unit, sign);
}

}  // namespace twinsim::trial
