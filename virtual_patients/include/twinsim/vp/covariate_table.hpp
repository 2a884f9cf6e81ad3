// A table of baseline covariates read from a CSV file: one header row of
// covariate names, then one row of numbers per real (or synthetic) patient.
// The file is read as CSV by core::CsvReader (RFC 4180 quoting, CRLF, a UTF-8
// byte-order mark; lines starting with '#' and blank lines are skipped); every
// cell must be a finite decimal number (no missing values: impute or drop rows
// beforehand).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "twinsim/core/error.hpp"

namespace twinsim::vp {

class CovariateTable {
 public:
  CovariateTable() = default;
  CovariateTable(std::vector<std::string> names, std::vector<double> row_major_values);

  const std::vector<std::string>& names() const { return names_; }
  std::size_t n_columns() const { return names_.size(); }
  std::size_t n_rows() const { return n_columns() ? values_.size() / n_columns() : 0; }
  double at(std::size_t row, std::size_t column) const { return values_[row * n_columns() + column]; }
  // Index of a column by name, or n_columns() if absent.
  std::size_t column(const std::string& name) const;
  double column_min(std::size_t column) const;
  double column_max(std::size_t column) const;

  // Reads `path`. Problems are reported as diagnostics that point into the CSV
  // file itself (path:line:column), under `key_path`; a file that cannot be
  // opened or is not a regular file is reported at `where` (the scenario's
  // `file:` key). Returns nullopt on any error. At most 10 cell errors are
  // listed; a CSV syntax error stops the reading.
  static std::optional<CovariateTable> read_csv(const std::string& path, core::Diagnostics& diag,
                                                const core::SourceMark& where,
                                                const std::string& key_path);

  // Limits so that absurd inputs are rejected rather than attempted.
  static constexpr std::size_t kMaxBytes = 64u << 20;
  static constexpr std::size_t kMaxColumns = 1000;

 private:
  std::vector<std::string> names_;
  std::vector<double> values_;
};

}  // namespace twinsim::vp
