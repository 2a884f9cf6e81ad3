#include "twinsim/vp/covariate_table.hpp"

#include "twinsim/core/input_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <utility>

namespace twinsim::vp {

namespace {

struct Field {
  std::string text;
  int column = 1;  // 1-based character position of the field in its line
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<Field> split(const std::string& line) {
  std::vector<Field> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    const std::string raw = line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::string t = trim(raw);
    if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = trim(t.substr(1, t.size() - 2));
    const auto lead = raw.find_first_not_of(" \t");
    out.push_back({t, static_cast<int>(start + (lead == std::string::npos ? 0 : lead)) + 1});
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

bool parse_number(const std::string& s, double& out) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.' || c == 'e' ||
          c == 'E'))
      return false;
  }
  errno = 0;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && errno != ERANGE && std::isfinite(out);
}

}  // namespace

CovariateTable::CovariateTable(std::vector<std::string> names, std::vector<double> row_major_values)
    : names_(std::move(names)), values_(std::move(row_major_values)) {}

std::size_t CovariateTable::column(const std::string& name) const {
  return static_cast<std::size_t>(std::find(names_.begin(), names_.end(), name) - names_.begin());
}

double CovariateTable::column_min(std::size_t c) const {
  double m = std::numeric_limits<double>::infinity();
  for (std::size_t r = 0; r < n_rows(); ++r) m = std::min(m, at(r, c));
  return m;
}

double CovariateTable::column_max(std::size_t c) const {
  double m = -std::numeric_limits<double>::infinity();
  for (std::size_t r = 0; r < n_rows(); ++r) m = std::max(m, at(r, c));
  return m;
}

std::optional<CovariateTable> CovariateTable::read_csv(const std::string& path, core::Diagnostics& diag,
                                                       const core::SourceMark& where,
                                                       const std::string& key_path) {
  std::string text;
  if (const std::string why = core::read_input_file(path, kMaxBytes, text); !why.empty()) {
    diag.error(where, key_path, "covariate file '" + path + "': " + why);
    return std::nullopt;
  }
  if (text.size() > kMaxBytes) {
    diag.error(where, key_path,
               "covariate file '" + path + "' is larger than " + std::to_string(kMaxBytes >> 20) + " MiB");
    return std::nullopt;
  }

  const std::size_t errors_before = diag.size();
  int errors = 0;
  auto error = [&](int line, int col, const std::string& msg) {
    if (++errors <= 10) diag.error(core::SourceMark{path, line, col}, key_path, msg);
  };
  std::vector<std::string> names;
  std::vector<double> values;
  std::size_t pos = 0;
  int line_no = 0;
  bool have_header = false;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    const std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    const std::string t = trim(line);
    if (t.empty() || t.front() == '#') continue;
    const auto fields = split(line);
    if (!have_header) {
      have_header = true;
      if (fields.size() > kMaxColumns) {
        error(line_no, 1, "more than " + std::to_string(kMaxColumns) + " columns");
        break;
      }
      for (const auto& f : fields) {
        if (f.text.empty()) error(line_no, f.column, "empty column name in the header row");
        else if (std::find(names.begin(), names.end(), f.text) != names.end())
          error(line_no, f.column, "duplicate column '" + f.text + "'");
        names.push_back(f.text);
      }
      continue;
    }
    if (fields.size() != names.size()) {
      error(line_no, 1,
            "row has " + std::to_string(fields.size()) + " fields; the header has " +
                std::to_string(names.size()));
      continue;
    }
    for (std::size_t c = 0; c < fields.size(); ++c) {
      double v = 0.0;
      if (!parse_number(fields[c].text, v)) {
        error(line_no, fields[c].column,
              "column " + names[c] + ": expected a finite number, got '" + fields[c].text + "'" +
                  (fields[c].text.empty() ? " (missing values are not allowed)" : ""));
      }
      values.push_back(v);
    }
  }
  if (errors > 10) {
    diag.error(core::SourceMark{path, 0, 0}, key_path,
               std::to_string(errors - 10) + " more errors in this file not shown");
  }
  if (!have_header) {
    diag.error(where, key_path, "covariate file '" + path + "' has no header row");
    return std::nullopt;
  }
  if (diag.size() != errors_before) return std::nullopt;
  if (values.empty()) {
    diag.error(where, key_path, "covariate file '" + path + "' has a header but no data rows");
    return std::nullopt;
  }
  return CovariateTable(std::move(names), std::move(values));
}

}  // namespace twinsim::vp
