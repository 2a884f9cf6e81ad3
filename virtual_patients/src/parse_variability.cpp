// population.effects, population.iiv, population.iov.
#include <algorithm>
#include <cmath>

#include "parse_support.hpp"

namespace twinsim::vp::detail {

using core::ConfigNode;
using core::Diagnostics;
using core::MapReader;
using core::Range;

namespace {

// A linear effect 1 + slope (x - ref) must stay > 0 over the covariate's range.
bool linear_stays_positive(double slope, double ref, double lo, double hi, double& bad_x) {
  if (slope == 0.0) return true;
  bad_x = slope > 0.0 ? lo : hi;  // where the factor is smallest
  return 1.0 + slope * (bad_x - ref) > 0.0;
}

std::optional<CovariateEffectSpec> read_effect(const ConfigNode& node, Diagnostics& diag,
                                               const PopulationContext& ctx, const std::vector<ColumnInfo>& columns) {
  MapReader r(node, diag);
  if (!r.valid()) return std::nullopt;
  CovariateEffectSpec e;
  const ConfigNode param_node = r.require("parameter");
  const ConfigNode cov_node = r.require("covariate");
  // Plain indices with a sentinel (GCC 12 misreads optionals here as maybe-uninitialized).
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  const std::size_t param =
      param_node.is_missing() ? kNone : parameter_index(param_node, diag, ctx.parameter_names).value_or(kNone);
  const std::size_t cov = cov_node.is_missing() ? kNone : covariate_index(cov_node, diag, columns).value_or(kNone);
  const auto type = r.required_choice("type", {"power", "linear", "exponential", "categorical"});
  bool ok = param != kNone && cov != kNone && type;
  const ColumnInfo* c = cov != kNone ? &columns[cov] : nullptr;
  if (type && *type == "categorical") {
    e.type = EffectType::kCategorical;
    const ConfigNode mult_node = r.require("multipliers");
    const auto mult = mult_node.is_missing() ? std::nullopt : core::read_double_list(mult_node, diag, Range::positive());
    ok = ok && mult;
    if (c && !c->categorical) {
      diag.error(cov_node.mark(), cov_node.path(),
                 "a categorical effect needs a categorical covariate; " + c->name + " is continuous");
      ok = false;
    } else if (c && mult && mult->size() != c->levels.size()) {
      diag.error(mult_node.mark(), mult_node.path(),
                 std::to_string(mult->size()) + " multipliers for the " + std::to_string(c->levels.size()) +
                     " levels of " + c->name + "; give one per level");
      ok = false;
    }
    if (mult) e.multipliers = *mult;
  } else if (type) {
    const bool power = *type == "power";
    e.type = power ? EffectType::kPower : *type == "linear" ? EffectType::kLinear : EffectType::kExponential;
    const auto ref = r.required_double("reference", power ? Range::positive() : Range{});
    const char* coef_key = power ? "exponent" : *type == "linear" ? "slope" : "coefficient";
    const auto coef = r.required_double(coef_key);
    ok = ok && ref && coef;
    if (c && c->categorical) {
      diag.error(cov_node.mark(), cov_node.path(),
                 "a " + *type + " effect needs a continuous covariate; " + c->name +
                     " is categorical (use type: categorical)");
      ok = false;
    } else if (c && power && !c->positive) {
      diag.error(cov_node.mark(), cov_node.path(),
                 "a power effect needs " + c->name + " > 0 for every patient, but its distribution allows values " +
                     "<= 0 (give it a lower bound > 0)");
      ok = false;
    } else if (c && ref && coef && e.type == EffectType::kLinear) {
      double bad_x = 0.0;
      if (!linear_stays_positive(*coef, *ref, c->lo, c->hi, bad_x)) {
        const ConfigNode n = node.get("slope");
        diag.error(n.mark(), n.path(),
                   "the factor 1 + slope * (" + c->name + " - " + short_number(*ref) + ") is <= 0 at " + c->name +
                       " = " + short_number(bad_x) + ", which its distribution allows; bound " + c->name +
                       " or use a power or exponential effect");
        ok = false;
      }
    }
    if (ref) e.reference = *ref;
    if (coef) e.coefficient = *coef;
  } else {  // unknown or missing type: its keys cannot be checked
    for (const char* key : {"reference", "exponent", "slope", "coefficient", "multipliers"}) r.allow(key);
  }
  r.finish();
  if (!ok) return std::nullopt;
  e.parameter_index = param;
  e.covariate_index = cov;
  e.parameter = ctx.parameter_names[e.parameter_index];
  e.covariate = columns[e.covariate_index].name;
  return e;
}

std::optional<EtaDistribution> distribution_from(const ConfigNode& n, Diagnostics& diag) {
  const auto s = core::read_choice(n, diag, {"lognormal", "normal", "logit"});
  if (!s) return std::nullopt;
  return *s == "lognormal" ? EtaDistribution::kLognormal
         : *s == "normal"  ? EtaDistribution::kNormal
                           : EtaDistribution::kLogit;
}

const char* distribution_name(EtaDistribution d) {
  switch (d) {
    case EtaDistribution::kLognormal: return "lognormal";
    case EtaDistribution::kNormal: return "normal";
    case EtaDistribution::kLogit: return "logit";
  }
  return "";
}

}  // namespace

void parse_effects(const ConfigNode& node, Diagnostics& diag, const PopulationContext& ctx,
                   const std::vector<ColumnInfo>& columns, PopulationSpec& spec) {
  if (!node.is_sequence()) {
    diag.error(node.mark(), node.path(), "expected a list of covariate effects, got " + node.describe());
    return;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    if (auto e = read_effect(node.at(i), diag, ctx, columns)) spec.effects.push_back(std::move(*e));
  }
}

std::optional<VariabilitySpec> parse_variability(const ConfigNode& node, Diagnostics& diag,
                                                 const PopulationContext& ctx, const VariabilitySpec* iiv) {
  MapReader r(node, diag);
  if (!r.valid()) return std::nullopt;
  VariabilitySpec v;
  bool ok = true;
  const ConfigNode params_node = r.require("parameters");
  if (!params_node.is_missing()) {
    const auto names = read_name_list(params_node, diag, "parameter names");
    ok = names.has_value();
    for (std::size_t i = 0; names && i < names->size(); ++i) {
      const auto idx = parameter_index(params_node.at(i), diag, ctx.parameter_names);
      if (!idx) ok = false;
      else {
        v.parameters.push_back((*names)[i]);
        v.parameter_indices.push_back(*idx);
      }
    }
  } else {
    ok = false;
  }
  const std::size_t n = v.parameters.size();

  // Distributions: one word for all, or one per parameter; IOV inherits IIV's.
  const ConfigNode dist_node = r.get("distribution");
  std::vector<bool> explicit_dist(n, !dist_node.is_missing());
  v.distributions.assign(n, EtaDistribution::kLognormal);
  if (dist_node.is_scalar()) {
    if (const auto d = distribution_from(dist_node, diag)) v.distributions.assign(n, *d);
    else ok = false;
  } else if (!dist_node.is_missing()) {
    if (!dist_node.is_sequence() || (ok && dist_node.size() != n)) {
      diag.error(dist_node.mark(), dist_node.path(),
                 "expected one distribution (lognormal, normal or logit) or a list of " + std::to_string(n));
      ok = false;
    }
    for (std::size_t i = 0; ok && i < n; ++i) {
      if (const auto d = distribution_from(dist_node.at(i), diag)) v.distributions[i] = *d;
      else ok = false;
    }
  }
  for (std::size_t i = 0; ok && iiv && i < n; ++i) {
    const auto& ip = iiv->parameter_indices;
    const auto it = std::find(ip.begin(), ip.end(), v.parameter_indices[i]);
    if (it == ip.end()) continue;
    const EtaDistribution inherited = iiv->distributions[static_cast<std::size_t>(it - ip.begin())];
    if (!explicit_dist[i]) {
      v.distributions[i] = inherited;
    } else if (v.distributions[i] != inherited) {
      const ConfigNode where = dist_node.is_sequence() ? dist_node.at(i) : dist_node;
      diag.error(where.mark(), where.path(),
                 v.parameters[i] + " has " + distribution_name(inherited) + " IIV; its IOV must be " +
                     distribution_name(inherited) + " too");
      ok = false;
    }
  }
  const bool check_tv = ctx.typical_values.size() == ctx.parameter_names.size();
  for (std::size_t i = 0; ok && check_tv && i < n; ++i) {
    const double tv = ctx.typical_values[v.parameter_indices[i]];
    if (v.distributions[i] == EtaDistribution::kLogit && !(tv > 0.0 && tv < 1.0)) {
      const ConfigNode where = dist_node.is_sequence() ? dist_node.at(i) : dist_node;
      diag.error(where.mark(), where.path(),
                 "logit-normal variability needs a typical value in (0, 1); " + v.parameters[i] + " is " +
                     short_number(tv));
      ok = false;
    }
  }

  // Omega: exactly one of cv, variances, omega; correlation only with the first two.
  const ConfigNode cv_node = r.get("cv"), var_node = r.get("variances"), omega_node = r.get("omega");
  const ConfigNode corr_node = r.get("correlation");
  const int given = !cv_node.is_missing() + !var_node.is_missing() + !omega_node.is_missing();
  if (given != 1) {
    const ConfigNode where = given ? (omega_node.is_missing() ? var_node : omega_node) : node;
    diag.error(given ? where.key_mark() : node.mark(), given ? where.path() : node.path(),
               given ? "give exactly one of `cv`, `variances` and `omega`"
                     : "give the variability as `cv`, `variances` or `omega`");
    ok = false;
  }
  if (!omega_node.is_missing() && !corr_node.is_missing()) {
    diag.error(corr_node.key_mark(), corr_node.path(), "`correlation` goes with `cv` or `variances`, not `omega`");
    ok = false;
  }
  r.finish();
  if (!ok) return std::nullopt;

  const auto ni = static_cast<Eigen::Index>(n);
  if (!omega_node.is_missing()) {
    const auto m = read_square_matrix(omega_node, diag, n, "omega");
    if (!m || !check_positive_definite(*m, omega_node, diag, "omega")) return std::nullopt;
    v.omega = *m;
    return v;
  }
  const ConfigNode& list_node = cv_node.is_missing() ? var_node : cv_node;
  const auto values = core::read_double_list(list_node, diag, Range::positive());
  if (!values) return std::nullopt;
  if (values->size() != n) {
    diag.error(list_node.mark(), list_node.path(),
               std::to_string(values->size()) + " values for " + std::to_string(n) + " parameters; give one per parameter");
    return std::nullopt;
  }
  Eigen::VectorXd sd(ni);
  for (std::size_t i = 0; i < n; ++i) {
    double var = (*values)[i];
    if (!cv_node.is_missing()) {
      switch (v.distributions[i]) {
        case EtaDistribution::kLognormal: var = std::log1p(var * var); break;  // omega^2 = ln(1 + CV^2)
        case EtaDistribution::kNormal: var = var * var; break;                // P (1 + eta): sd = CV
        case EtaDistribution::kLogit:
          diag.error(cv_node.mark(), cv_node.path(),
                     "a CV does not define the variance of a logit-normal parameter (" + v.parameters[i] +
                         "); give `variances` instead");
          return std::nullopt;
      }
    }
    sd[static_cast<Eigen::Index>(i)] = std::sqrt(var);
  }
  Eigen::MatrixXd corr = Eigen::MatrixXd::Identity(ni, ni);
  if (!corr_node.is_missing()) {
    const auto m = read_square_matrix(corr_node, diag, n, "the correlation matrix");
    if (!m || !check_correlation_matrix(*m, corr_node, diag)) return std::nullopt;
    corr = *m;
  }
  v.omega = sd.asDiagonal() * corr * sd.asDiagonal();
  return v;
}

}  // namespace twinsim::vp::detail
