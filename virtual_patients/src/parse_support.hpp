// Internal helpers shared by the files that parse the `population` map.
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "twinsim/core/config.hpp"
#include "twinsim/vp/parse_population.hpp"

namespace twinsim::vp::detail {

// What parse_covariates() tells the later sections about each covariate column.
struct ColumnInfo {
  enum class Source { kCsv, kDeclared, kDerived };
  std::string name;
  Source source = Source::kDeclared;
  bool categorical = false;
  std::vector<std::string> levels;   // categorical only
  double lo = -std::numeric_limits<double>::infinity();  // support of the values
  double hi = std::numeric_limits<double>::infinity();
  bool positive = false;             // every value is > 0
  int continuous_slot = -1;          // index among declared continuous covariates (copula), or -1
};

// "0.9" rather than "0.90000000000000002": 6 significant digits.
std::string short_number(double v);

// A list of plain words (names); reports non-scalars and duplicates.
std::optional<std::vector<std::string>> read_name_list(const core::ConfigNode& node, core::Diagnostics& diag,
                                                       const char* what);

// An n x n matrix written as a list of n lists of n numbers.
std::optional<Eigen::MatrixXd> read_square_matrix(const core::ConfigNode& node, core::Diagnostics& diag,
                                                  std::size_t n, const char* what);

// Symmetric (to 1e-12 relative) and positive definite (Eigen LLT and the
// smallest eigenvalue > 1e-10 times the largest); the error names `what`.
bool check_positive_definite(const Eigen::MatrixXd& m, const core::ConfigNode& node, core::Diagnostics& diag,
                             const std::string& what);

// A correlation matrix: unit diagonal, entries in [-1, 1], symmetric, positive definite.
bool check_correlation_matrix(const Eigen::MatrixXd& m, const core::ConfigNode& node, core::Diagnostics& diag);

// Index of a model parameter by name; reports "unknown parameter" with a hint.
std::optional<std::size_t> parameter_index(const core::ConfigNode& name_node, core::Diagnostics& diag,
                                           const std::vector<std::string>& parameter_names);

// Index of a covariate column by name; reports "unknown covariate" with a hint.
std::optional<std::size_t> covariate_index(const core::ConfigNode& name_node, core::Diagnostics& diag,
                                           const std::vector<ColumnInfo>& columns);

// Sections (each in its own file).
void parse_covariates(core::MapReader& top, core::Diagnostics& diag, const PopulationContext& ctx,
                      PopulationSpec& spec, std::vector<ColumnInfo>& columns);
// population.derived, appended to `columns` (called by parse_covariates).
void parse_derived(const core::ConfigNode& node, core::Diagnostics& diag, const PopulationContext& ctx,
                   PopulationSpec& spec, std::vector<ColumnInfo>& columns);
// Shared by the covariate sections: unique, non-empty, not a parameter name.
bool check_new_name(const core::ConfigNode& node, const std::string& name, const std::vector<ColumnInfo>& columns,
                    const PopulationContext& ctx, core::Diagnostics& diag);
void parse_effects(const core::ConfigNode& node, core::Diagnostics& diag, const PopulationContext& ctx,
                   const std::vector<ColumnInfo>& columns, PopulationSpec& spec);
std::optional<VariabilitySpec> parse_variability(const core::ConfigNode& node, core::Diagnostics& diag,
                                                 const PopulationContext& ctx, const VariabilitySpec* iiv);
void parse_observation_and_protocol(core::MapReader& top, core::Diagnostics& diag, const PopulationContext& ctx,
                                    PopulationSpec& spec);

}  // namespace twinsim::vp::detail
