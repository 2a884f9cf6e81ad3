// population.csv, population.covariates, population.correlation.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include "parse_support.hpp"

namespace twinsim::vp::detail {

using core::ConfigNode;
using core::Diagnostics;
using core::MapReader;
using core::Range;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Truncation bounds must be ordered and contain the distribution's centre.
bool check_bounds(MapReader& r, double lower, double upper, double centre, const char* centre_name) {
  if (!(lower < upper)) {
    const ConfigNode n = r.node().get("upper");
    r.diagnostics().error(n.mark(), n.path(),
                          "upper bound " + short_number(upper) + " must be above the lower bound " +
                              short_number(lower));
    return false;
  }
  if (centre < lower || centre > upper) {
    const bool below = centre < lower;
    const ConfigNode n = r.node().get(below ? "lower" : "upper");
    r.diagnostics().error(n.mark(), n.path(),
                          std::string(below ? "lower bound " : "upper bound ") +
                              short_number(below ? lower : upper) + " is " + (below ? "above" : "below") +
                              " the " + centre_name + " " + short_number(centre) +
                              "; the truncation bounds must contain it");
    return false;
  }
  return true;
}

std::optional<CovariateSpec> read_covariate(const ConfigNode& node, Diagnostics& diag, ColumnInfo& info) {
  MapReader r(node, diag);
  if (!r.valid()) return std::nullopt;
  const auto name = r.required_string("name");
  const auto dist = r.required_choice("distribution", {"normal", "lognormal", "uniform", "categorical"});
  CovariateSpec c;
  bool ok = name.has_value() && dist.has_value();
  if (name) c.name = info.name = *name;
  const std::string d = dist.value_or("");
  if (d == "normal") {
    const auto mean = r.required_double("mean");
    const auto sd = r.required_double("sd", Range::positive());
    const double lo = r.optional_double("lower", -kInf), hi = r.optional_double("upper", kInf);
    ok = ok && mean && sd && check_bounds(r, lo, hi, *mean, "mean");
    if (ok) c.marginal = ContinuousMarginal::normal(*mean, *sd, lo, hi);
    info.lo = lo;
    info.hi = hi;
    info.positive = lo > 0.0;
  } else if (d == "lognormal") {
    const bool has_median = r.has("median"), has_mean = r.has("mean");
    if (has_median && has_mean) {
      const ConfigNode n = node.get("mean");
      diag.error(n.key_mark(), n.path(), "give either `median` or `mean`, not both");
      ok = false;
    }
    const auto centre = r.required_double(has_mean && !has_median ? "mean" : "median", Range::positive());
    const auto cv = r.required_double("cv", Range::positive());
    const double lo = r.optional_double("lower", 0.0, Range::non_negative());
    const double hi = r.optional_double("upper", kInf);
    ok = ok && centre && cv && check_bounds(r, lo, hi, *centre, has_median ? "median" : "mean");
    if (ok) {
      // CV of a log-normal: sigma^2 = ln(1 + CV^2); mean = median * exp(sigma^2 / 2).
      const double sigma = std::sqrt(std::log1p(*cv * *cv));
      const double mu = std::log(*centre) - (has_median ? 0.0 : 0.5 * sigma * sigma);
      c.marginal = ContinuousMarginal::lognormal(mu, sigma, lo, hi);
    }
    info.lo = lo;
    info.hi = hi;
    info.positive = true;
  } else if (d == "uniform") {
    const auto lo = r.required_double("lower"), hi = r.required_double("upper");
    if (lo && hi && !(*lo < *hi)) {
      const ConfigNode n = node.get("upper");
      diag.error(n.mark(), n.path(),
                 "upper bound " + short_number(*hi) + " must be above the lower bound " + short_number(*lo));
      ok = false;
    }
    ok = ok && lo && hi;
    if (ok) c.marginal = ContinuousMarginal::uniform(*lo, *hi);
    info.lo = lo.value_or(-kInf);
    info.hi = hi.value_or(kInf);
    info.positive = info.lo > 0.0;
  } else if (d == "categorical") {
    c.categorical = info.categorical = true;
    const ConfigNode levels_node = r.require("levels");
    const ConfigNode probs_node = r.require("probabilities");
    std::optional<std::vector<std::string>> levels;
    std::optional<std::vector<double>> probs;
    if (!levels_node.is_missing()) levels = read_name_list(levels_node, diag, "level names");
    if (!probs_node.is_missing()) probs = core::read_double_list(probs_node, diag, Range::unit());
    if (levels && levels->empty()) {
      diag.error(levels_node.mark(), levels_node.path(), "a categorical covariate needs at least one level");
      levels.reset();
    }
    if (levels && probs && probs->size() != levels->size()) {
      diag.error(probs_node.mark(), probs_node.path(),
                 std::to_string(probs->size()) + " probabilities for " + std::to_string(levels->size()) +
                     " levels; give one per level");
      probs.reset();
    }
    if (levels && probs) {
      double sum = 0.0;
      for (double p : *probs) sum += p;
      if (std::abs(sum - 1.0) > 1e-6) {
        diag.error(probs_node.mark(), probs_node.path(),
                   "probabilities sum to " + short_number(sum) + "; they must sum to 1");
        probs.reset();
      }
    }
    ok = ok && levels && probs;
    if (ok) {
      c.levels = info.levels = *levels;
      c.probabilities = *probs;
    }
    info.lo = 0.0;
    info.hi = static_cast<double>(levels ? levels->size() - 1 : 0);
  } else {  // unknown or missing distribution: its keys cannot be checked
    for (const char* key : {"mean", "sd", "median", "cv", "lower", "upper", "levels", "probabilities"}) r.allow(key);
  }
  r.finish();
  if (!ok) return std::nullopt;
  return c;
}

void read_csv_source(const ConfigNode& node, Diagnostics& diag, const PopulationContext& ctx, PopulationSpec& spec,
                     std::vector<ColumnInfo>& columns) {
  MapReader r(node, diag);
  if (!r.valid()) return;
  const ConfigNode file_node = r.require("file");
  const auto file = file_node.is_missing() ? std::nullopt : core::read_string(file_node, diag);
  const double jitter = r.optional_double("jitter_cv", 0.0, Range::closed(0.0, 1.0));
  const ConfigNode cat_node = r.get("categorical");
  r.finish();
  if (!file) return;

  namespace fs = std::filesystem;
  fs::path p(*file);
  if (p.is_relative() && !ctx.base_dir.empty()) p = fs::path(ctx.base_dir) / p;
  const std::string path = p.lexically_normal().string();
  auto table = CovariateTable::read_csv(path, diag, file_node.mark(), file_node.path());
  if (!table) return;

  CsvSourceSpec csv;
  csv.path = path;
  csv.jitter_cv = jitter;
  csv.categorical.assign(table->n_columns(), false);
  bool ok = true;
  if (!cat_node.is_missing()) {
    const auto names = read_name_list(cat_node, diag, "column names");
    ok = names.has_value();
    for (std::size_t i = 0; names && i < names->size(); ++i) {
      const ConfigNode item = cat_node.at(i);
      const std::size_t col = table->column((*names)[i]);
      if (col == table->n_columns()) {
        std::string msg = "the CSV file has no column '" + (*names)[i] + "'";
        const std::string hint = core::closest_match((*names)[i], table->names());
        if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
        diag.error(item.mark(), item.path(), msg);
        ok = false;
        continue;
      }
      for (std::size_t row = 0; row < table->n_rows(); ++row) {
        const double v = table->at(row, col);
        if (v < 0.0 || v != std::floor(v) || v > 1000.0) {
          diag.error(item.mark(), item.path(),
                     "categorical column " + (*names)[i] + " holds " + short_number(v) + " in data row " +
                         std::to_string(row + 1) + "; categorical columns hold level codes 0, 1, 2, ...");
          ok = false;
          break;
        }
      }
      csv.categorical[col] = true;
    }
  }
  for (std::size_t c = 0; c < table->n_columns(); ++c) {
    ColumnInfo info;
    info.name = table->names()[c];
    info.source = ColumnInfo::Source::kCsv;
    if (!check_new_name(file_node, info.name, columns, ctx, diag)) ok = false;
    info.categorical = csv.categorical[c];
    info.lo = table->column_min(c);
    info.hi = table->column_max(c);
    info.positive = info.lo > 0.0 && !csv.categorical[c];
    if (info.categorical) {
      for (int level = 0; level <= static_cast<int>(info.hi); ++level) info.levels.push_back(std::to_string(level));
    } else if (jitter > 0.0) {  // multiplicative jitter keeps the sign but not the range
      info.lo = info.lo > 0.0 ? 0.0 : -kInf;
      info.hi = info.hi < 0.0 ? 0.0 : kInf;
    }
    columns.push_back(std::move(info));
  }
  if (!ok) return;
  csv.table = std::move(*table);
  spec.csv = std::move(csv);
}

void read_correlation(const ConfigNode& node, Diagnostics& diag, const std::vector<ColumnInfo>& columns,
                      std::size_t n_continuous, PopulationSpec& spec) {
  if (!node.is_sequence()) {
    diag.error(node.mark(), node.path(), "expected a list of [covariate, covariate, correlation], got " + node.describe());
    return;
  }
  const auto n = static_cast<Eigen::Index>(n_continuous);
  Eigen::MatrixXd m = Eigen::MatrixXd::Identity(n, n);
  bool ok = true;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const ConfigNode item = node.at(i);
    if (!item.is_sequence() || item.size() != 3) {
      diag.error(item.mark(), item.path(), "expected [covariate, covariate, correlation], got " + item.describe());
      ok = false;
      continue;
    }
    int slot[2] = {-1, -1};
    for (std::size_t k = 0; k < 2; ++k) {
      const ConfigNode name_node = item.at(k);
      const auto col = covariate_index(name_node, diag, columns);
      if (!col) continue;
      const ColumnInfo& c = columns[*col];
      if (c.continuous_slot >= 0) {
        slot[k] = c.continuous_slot;
        continue;
      }
      const std::string why = c.categorical                             ? "is categorical"
                              : c.source == ColumnInfo::Source::kCsv ? "comes from the CSV file (its correlations are the data's)"
                                                                     : "is derived from other covariates";
      diag.error(name_node.mark(), name_node.path(),
                 "correlations are only between sampled continuous covariates; " + c.name + " " + why);
    }
    const ConfigNode rho_node = item.at(2);
    const auto rho = core::read_double(rho_node, diag, Range{-1.0, 1.0, true, true});
    if (slot[0] < 0 || slot[1] < 0 || !rho) {
      ok = false;
      continue;
    }
    if (slot[0] == slot[1]) {
      diag.error(item.mark(), item.path(), "a covariate cannot be correlated with itself");
      ok = false;
      continue;
    }
    if (m(slot[0], slot[1]) != 0.0) {
      diag.error(item.mark(), item.path(), "this pair of covariates is given twice");
      ok = false;
      continue;
    }
    m(slot[0], slot[1]) = m(slot[1], slot[0]) = *rho;
  }
  if (!ok) return;
  if (check_positive_definite(m, node, diag, "covariate correlation matrix")) spec.covariate_correlation = m;
}

}  // namespace

// Names must be unique across all covariate columns and differ from the
// model's parameters (both end up as columns of the patients table).
bool check_new_name(const ConfigNode& node, const std::string& name, const std::vector<ColumnInfo>& columns,
                    const PopulationContext& ctx, Diagnostics& diag) {
  if (name.empty()) {
    diag.error(node.mark(), node.path(), "covariate name must not be empty");
    return false;
  }
  for (const auto& c : columns) {
    if (c.name == name) {
      diag.error(node.mark(), node.path(), "covariate '" + name + "' is defined twice");
      return false;
    }
  }
  if (std::find(ctx.parameter_names.begin(), ctx.parameter_names.end(), name) != ctx.parameter_names.end()) {
    diag.error(node.mark(), node.path(), "covariate '" + name + "' has the name of a model parameter");
    return false;
  }
  return true;
}

void parse_covariates(MapReader& top, Diagnostics& diag, const PopulationContext& ctx, PopulationSpec& spec,
                      std::vector<ColumnInfo>& columns) {
  const ConfigNode csv_node = top.get("csv");
  if (!csv_node.is_missing()) read_csv_source(csv_node, diag, ctx, spec, columns);

  const ConfigNode cov_node = top.get("covariates");
  std::size_t n_continuous = 0;
  if (!cov_node.is_missing()) {
    if (!cov_node.is_sequence()) {
      diag.error(cov_node.mark(), cov_node.path(), "expected a list of covariates, got " + cov_node.describe());
    }
    for (std::size_t i = 0; cov_node.is_sequence() && i < cov_node.size(); ++i) {
      const ConfigNode item = cov_node.at(i);
      ColumnInfo info;
      auto c = read_covariate(item, diag, info);
      if (!info.name.empty() && !check_new_name(item.get("name"), info.name, columns, ctx, diag)) c.reset();
      if (!info.categorical) info.continuous_slot = static_cast<int>(n_continuous++);
      columns.push_back(info);
      if (c) spec.covariates.push_back(std::move(*c));
      else spec.covariates.emplace_back();  // placeholder keeps column indices aligned; spec is rejected
    }
  }
  const ConfigNode derived_node = top.get("derived");
  if (!derived_node.is_missing()) parse_derived(derived_node, diag, ctx, spec, columns);

  const auto nc = static_cast<Eigen::Index>(n_continuous);
  spec.covariate_correlation = Eigen::MatrixXd::Identity(nc, nc);
  const ConfigNode corr_node = top.get("correlation");
  if (!corr_node.is_missing()) read_correlation(corr_node, diag, columns, n_continuous, spec);
}

}  // namespace twinsim::vp::detail
