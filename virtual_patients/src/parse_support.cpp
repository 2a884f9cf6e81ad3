#include "parse_support.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>

namespace twinsim::vp::detail {

using core::ConfigNode;
using core::Diagnostics;

std::string short_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::optional<std::vector<std::string>> read_name_list(const ConfigNode& node, Diagnostics& diag,
                                                       const char* what) {
  if (!node.is_sequence()) {
    diag.error(node.mark(), node.path(), std::string("expected a list of ") + what + ", got " + node.describe());
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const ConfigNode item = node.at(i);
    const auto s = core::read_string(item, diag);
    if (!s) {
      ok = false;
      continue;
    }
    if (std::find(out.begin(), out.end(), *s) != out.end()) {
      diag.error(item.mark(), item.path(), "'" + *s + "' is listed twice");
      ok = false;
    }
    out.push_back(*s);
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<Eigen::MatrixXd> read_square_matrix(const ConfigNode& node, Diagnostics& diag, std::size_t n,
                                                  const char* what) {
  if (!node.is_sequence() || node.size() != n) {
    diag.error(node.mark(), node.path(),
               std::string("expected ") + what + " as a list of " + std::to_string(n) + " rows of " +
                   std::to_string(n) + " numbers, got " +
                   (node.is_sequence() ? "a list of " + std::to_string(node.size()) + " rows" : node.describe()));
    return std::nullopt;
  }
  const auto ni = static_cast<Eigen::Index>(n);
  Eigen::MatrixXd m(ni, ni);
  bool ok = true;
  for (std::size_t i = 0; i < n; ++i) {
    const ConfigNode row = node.at(i);
    if (row.is_sequence() && row.size() != n) {
      diag.error(row.mark(), row.path(),
                 "row has " + std::to_string(row.size()) + " numbers; expected " + std::to_string(n));
      ok = false;
      continue;
    }
    const auto values = core::read_double_list(row, diag);
    if (!values) {
      ok = false;
      continue;
    }
    for (std::size_t j = 0; j < n; ++j) m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = (*values)[j];
  }
  if (!ok) return std::nullopt;
  return m;
}

bool check_positive_definite(const Eigen::MatrixXd& m, const ConfigNode& node, Diagnostics& diag,
                             const std::string& what) {
  const Eigen::Index n = m.rows();
  const double scale = std::max(1.0, m.cwiseAbs().maxCoeff());
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = i + 1; j < n; ++j) {
      if (std::abs(m(i, j) - m(j, i)) > 1e-12 * scale) {
        diag.error(node.mark(), node.path(),
                   what + " is not symmetric: row " + std::to_string(i + 1) + ", column " + std::to_string(j + 1) +
                       " is " + short_number(m(i, j)) + " but row " + std::to_string(j + 1) + ", column " +
                       std::to_string(i + 1) + " is " + short_number(m(j, i)));
        return false;
      }
    }
  }
  const Eigen::LLT<Eigen::MatrixXd> llt(m);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(m, Eigen::EigenvaluesOnly);
  const double lo = eig.eigenvalues().minCoeff();
  const double hi = eig.eigenvalues().maxCoeff();
  if (llt.info() != Eigen::Success || !(lo > 1e-10 * std::max(hi, 1e-300))) {
    diag.error(node.mark(), node.path(),
               what + " is not positive definite (smallest eigenvalue " + short_number(lo) +
                   "): the correlations are impossible together; weaken some of them");
    return false;
  }
  return true;
}

bool check_correlation_matrix(const Eigen::MatrixXd& m, const ConfigNode& node, Diagnostics& diag) {
  const Eigen::Index n = m.rows();
  for (Eigen::Index i = 0; i < n; ++i) {
    if (m(i, i) != 1.0) {
      diag.error(node.mark(), node.path(),
                 "correlation matrix must have 1 on the diagonal (row " + std::to_string(i + 1) + " has " +
                     short_number(m(i, i)) + ")");
      return false;
    }
    for (Eigen::Index j = 0; j < n; ++j) {
      if (std::abs(m(i, j)) > 1.0) {
        diag.error(node.mark(), node.path(),
                   "correlations must be in [-1, 1] (row " + std::to_string(i + 1) + ", column " +
                       std::to_string(j + 1) + " is " + short_number(m(i, j)) + ")");
        return false;
      }
    }
  }
  return check_positive_definite(m, node, diag, "correlation matrix");
}

namespace {

std::string listing(const std::vector<std::string>& names) {
  std::string s;
  for (std::size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
  return s.empty() ? "(none)" : s;
}

}  // namespace

std::optional<std::size_t> parameter_index(const ConfigNode& name_node, Diagnostics& diag,
                                           const std::vector<std::string>& parameter_names) {
  const auto name = core::read_string(name_node, diag);
  if (!name) return std::nullopt;
  const auto it = std::find(parameter_names.begin(), parameter_names.end(), *name);
  if (it != parameter_names.end()) return static_cast<std::size_t>(it - parameter_names.begin());
  std::string msg = "unknown parameter '" + *name + "'";
  const std::string hint = core::closest_match(*name, parameter_names);
  if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
  msg += "; the model's parameters are: " + listing(parameter_names);
  diag.error(name_node.mark(), name_node.path(), msg);
  return std::nullopt;
}

std::optional<std::size_t> covariate_index(const ConfigNode& name_node, Diagnostics& diag,
                                           const std::vector<ColumnInfo>& columns) {
  const auto name = core::read_string(name_node, diag);
  if (!name) return std::nullopt;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == *name) return i;
    names.push_back(columns[i].name);
  }
  std::string msg = "unknown covariate '" + *name + "'";
  const std::string hint = core::closest_match(*name, names);
  if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
  msg += "; the covariates are: " + listing(names);
  diag.error(name_node.mark(), name_node.path(), msg);
  return std::nullopt;
}

}  // namespace twinsim::vp::detail
