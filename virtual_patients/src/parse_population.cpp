// The `population` map: dispatches to the section readers, then reads
// residual_error, adherence, dropout and dose_modification.
#include "twinsim/vp/parse_population.hpp"

#include <algorithm>

#include "parse_support.hpp"

namespace twinsim::vp {

using core::ConfigNode;
using core::Diagnostics;
using core::MapReader;
using core::Range;

namespace detail {

namespace {

std::optional<ResidualErrorSpec> read_residual(const ConfigNode& node, Diagnostics& diag,
                                               const PopulationContext& ctx) {
  MapReader r(node, diag);
  if (!r.valid()) return std::nullopt;
  ResidualErrorSpec e;
  const ConfigNode var_node = r.require("variable");
  const auto var = var_node.is_missing() ? std::nullopt : core::read_string(var_node, diag);
  bool ok = var.has_value();
  if (var && !ctx.output_names.empty() &&
      std::find(ctx.output_names.begin(), ctx.output_names.end(), *var) == ctx.output_names.end()) {
    std::string msg = "unknown variable '" + *var + "'";
    const std::string hint = core::closest_match(*var, ctx.output_names);
    if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
    msg += "; the model's outputs are:";
    for (std::size_t i = 0; i < ctx.output_names.size(); ++i) msg += (i ? ", " : " ") + ctx.output_names[i];
    diag.error(var_node.mark(), var_node.path(), msg);
    ok = false;
  }
  const auto model = r.required_choice("model", {"additive", "proportional", "combined", "exponential"});
  ok = ok && model;
  if (!model) {  // the parameters cannot be checked without the model: don't call them unknown
    r.allow("additive");
    r.allow("proportional");
    r.allow("exponential");
  }
  if (model) {
    const std::string& m = *model;
    const bool add = m == "additive" || m == "combined";
    const bool prop = m == "proportional" || m == "combined";
    e.model = m == "additive"       ? ResidualModel::kAdditive
              : m == "proportional" ? ResidualModel::kProportional
              : m == "combined"     ? ResidualModel::kCombined
                                    : ResidualModel::kExponential;
    if (add) {
      const auto a = r.required_double("additive", Range::non_negative());
      ok = ok && a;
      e.additive = a.value_or(0.0);
    }
    if (prop) {
      const auto b = r.required_double("proportional", Range::non_negative());
      ok = ok && b;
      e.proportional = b.value_or(0.0);
    }
    if (m == "exponential") {
      const auto c = r.required_double("exponential", Range::non_negative());
      ok = ok && c;
      e.exponential = c.value_or(0.0);
    }
  }
  r.finish();
  if (!ok) return std::nullopt;
  e.variable = *var;
  e.mark = var_node.mark();
  return e;
}

void read_residuals(const ConfigNode& node, Diagnostics& diag, const PopulationContext& ctx, PopulationSpec& spec) {
  if (!node.is_sequence()) {
    diag.error(node.mark(), node.path(), "expected a list of residual error models, got " + node.describe());
    return;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    auto e = read_residual(node.at(i), diag, ctx);
    if (!e) continue;
    const bool dup = std::any_of(spec.residual_errors.begin(), spec.residual_errors.end(),
                                 [&](const ResidualErrorSpec& x) { return x.variable == e->variable; });
    if (dup) {
      const ConfigNode v = node.at(i).get("variable");
      diag.error(v.mark(), v.path(), "variable '" + e->variable + "' has two residual error models");
      continue;
    }
    spec.residual_errors.push_back(std::move(*e));
  }
}

}  // namespace

void parse_observation_and_protocol(MapReader& top, Diagnostics& diag, const PopulationContext& ctx,
                                    PopulationSpec& spec) {
  const ConfigNode res_node = top.get("residual_error");
  if (!res_node.is_missing()) read_residuals(res_node, diag, ctx, spec);

  const ConfigNode adh_node = top.get("adherence");
  if (!adh_node.is_missing()) {
    MapReader r(adh_node, diag);
    spec.adherence.p_miss_dose = r.optional_double("p_miss_dose", 0.0, Range{0.0, 1.0, false, true});
    r.finish();
  }
  const ConfigNode drop_node = top.get("dropout");
  if (!drop_node.is_missing()) {
    MapReader r(drop_node, diag);
    spec.dropout.hazard_per_cycle = r.optional_double("hazard_per_cycle", 0.0, Range{0.0, 1.0, false, true});
    r.finish();
  }
  const ConfigNode mod_node = top.get("dose_modification");
  if (!mod_node.is_missing()) {
    MapReader r(mod_node, diag);
    const std::string action =
        r.optional_choice("after_dlt", {"none", "hold_and_reduce", "discontinue"}, "hold_and_reduce");
    auto& m = spec.dose_modification;
    m.mark = mod_node.key_mark();
    m.after_dlt = action == "none"              ? DltAction::kNone
                  : action == "hold_and_reduce" ? DltAction::kHoldAndReduce
                                                : DltAction::kDiscontinue;
    if (m.after_dlt == DltAction::kHoldAndReduce) {
      m.reduce_levels = static_cast<int>(r.optional_int("reduce_levels", 1, Range::closed(1, 20)));
      m.recover_to_grade = static_cast<int>(r.optional_int("recover_to_grade", 1, Range::closed(0, 4)));
      m.recheck_interval_h = r.optional_double("recheck_interval_h", 168.0, Range::positive());
      if (r.has("max_hold_h")) m.max_hold_h = r.optional_double("max_hold_h", 0.0, Range::non_negative());
    } else {
      for (const char* key : {"reduce_levels", "recover_to_grade", "recheck_interval_h", "max_hold_h"}) {
        if (!r.has(key)) continue;
        const ConfigNode n = mod_node.get(key);
        diag.error(n.key_mark(), n.path(), std::string("`") + key + "` only applies with `after_dlt: hold_and_reduce`");
      }
    }
    r.finish();
  }
}

}  // namespace detail

std::optional<PopulationSpec> parse_population(const ConfigNode& node, Diagnostics& diag,
                                               const PopulationContext& context) {
  PopulationSpec spec;
  spec.parameter_names = context.parameter_names;
  spec.n_cycles = std::max(1, context.n_cycles);
  if (node.is_missing() || node.is_null()) return spec;

  const std::size_t errors_before = diag.size();
  MapReader top(node, diag);
  if (!top.valid()) return std::nullopt;
  std::vector<detail::ColumnInfo> columns;
  detail::parse_covariates(top, diag, context, spec, columns);

  const ConfigNode effects_node = top.get("effects");
  if (!effects_node.is_missing()) detail::parse_effects(effects_node, diag, context, columns, spec);

  const ConfigNode iiv_node = top.get("iiv");
  bool iiv_ok = true;
  if (!iiv_node.is_missing()) {
    auto v = detail::parse_variability(iiv_node, diag, context, nullptr);
    iiv_ok = v.has_value();
    if (v) spec.iiv = std::move(*v);
  }
  const ConfigNode iov_node = top.get("iov");
  if (!iov_node.is_missing()) {
    const VariabilitySpec* iiv = iiv_ok ? &spec.iiv : nullptr;
    if (auto v = detail::parse_variability(iov_node, diag, context, iiv)) spec.iov = std::move(*v);
  }
  detail::parse_observation_and_protocol(top, diag, context, spec);
  top.finish();
  if (diag.size() != errors_before) return std::nullopt;
  return spec;
}

std::optional<PopulationSpec> parse_population(const ConfigNode& node, Diagnostics& diag,
                                               const std::vector<std::string>& parameter_names, int n_cycles,
                                               const std::string& base_dir) {
  PopulationContext ctx;
  ctx.parameter_names = parameter_names;
  ctx.n_cycles = n_cycles;
  ctx.base_dir = base_dir;
  return parse_population(node, diag, ctx);
}

}  // namespace twinsim::vp
