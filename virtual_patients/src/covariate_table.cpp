#include "twinsim/vp/covariate_table.hpp"

#include "twinsim/core/csv.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <utility>

namespace twinsim::vp {

namespace {

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
  const std::size_t errors_before = diag.size();
  int errors = 0;
  auto error = [&](int line, int col, const std::string& msg) {
    if (++errors <= 10) diag.error(core::SourceMark{path, line, col}, key_path, msg);
  };
  std::vector<std::string> names;
  std::vector<double> values;
  bool have_header = false;
  try {
    core::CsvOptions opt;
    opt.max_bytes = kMaxBytes;
    opt.max_fields = kMaxColumns;
    core::CsvReader csv = core::CsvReader::from_file(path, opt);
    core::CsvRecord rec;
    while (csv.next(rec)) {
      const auto& fields = rec.fields;
      if (!have_header) {
        have_header = true;
        for (const auto& f : fields) {
          if (f.text.empty()) error(f.line, f.column, "empty column name in the header row");
          else if (std::find(names.begin(), names.end(), f.text) != names.end())
            error(f.line, f.column, "duplicate column '" + f.text + "'");
          names.push_back(f.text);
        }
        continue;
      }
      if (fields.size() != names.size()) {
        error(rec.line, fields.front().column,
              "row has " + std::to_string(fields.size()) + " fields; the header has " +
                  std::to_string(names.size()));
        continue;
      }
      for (std::size_t c = 0; c < fields.size(); ++c) {
        double v = 0.0;
        if (!parse_number(fields[c].text, v)) {
          error(fields[c].line, fields[c].column,
                "column " + names[c] + ": expected a finite number, got '" + fields[c].text + "'" +
                    (fields[c].text.empty() ? " (missing values are not allowed)" : ""));
        }
        values.push_back(v);
      }
    }
  } catch (const core::CsvError& e) {
    if (e.mark().line == 0) {
      diag.error(where, key_path, "covariate file '" + path + "' " + e.cause());
      return std::nullopt;
    }
    diag.error(e.mark(), key_path, e.cause());
    return std::nullopt;
  }
  if (errors > 10) {
    diag.error(core::SourceMark{path, 0, 0}, key_path,
               std::to_string(errors - 10) + " more errors in this file not shown");
  }
  if (!have_header) {
    diag.error(where, key_path, "covariate file '" + path + "' has no header row (it is empty or holds only blank and comment lines)");
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
