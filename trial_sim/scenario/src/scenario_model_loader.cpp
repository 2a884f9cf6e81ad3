// Scenario sections of PK/PD mode: model.pk, model.pd, output, endpoints (regimen: scenario_regimen.cpp).
#include <algorithm>
#include <cmath>
#include <set>

#include "scenario_parts.hpp"
#include "twinsim/pkpd/registry.hpp"

namespace twinsim::trial {

using core::ConfigNode;
using core::Diagnostics;
using core::MapReader;
using core::Range;

namespace {

pkpd::Absorption absorption_from(const std::string& s) {
  if (s == "first_order") return pkpd::Absorption::kFirstOrder;
  if (s == "zero_order") return pkpd::Absorption::kZeroOrder;
  if (s == "transit") return pkpd::Absorption::kTransit;
  return pkpd::Absorption::kNone;
}

}  // namespace

std::optional<std::vector<double>> read_parameters(const ConfigNode& node, Diagnostics& diag,
                                                   const std::vector<pkpd::ParamSpec>& specs) {
  MapReader p(node, diag);
  if (!p.valid()) return std::nullopt;
  std::vector<double> values(specs.size(), 0.0);
  bool ok = true;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const auto& ps = specs[i];
    std::optional<double> v;
    if (ps.integer) {
      const auto iv = ps.required() ? p.required_int(ps.name, ps.range)
                                    : std::optional<std::int64_t>(p.optional_int(
                                          ps.name, static_cast<std::int64_t>(ps.default_value), ps.range));
      if (iv) v = static_cast<double>(*iv);
    } else if (ps.required()) {
      v = p.required_double(ps.name, ps.range);
    } else {
      v = p.optional_double(ps.name, ps.default_value, ps.range);
    }
    if (v) values[i] = *v;
    else ok = false;
  }
  p.finish();
  if (!ok) return std::nullopt;
  return values;
}

std::optional<PkSpec> read_pk(const ConfigNode& node, Diagnostics& diag) {
  MapReader r(node, diag);
  if (!r.valid()) return std::nullopt;
  const auto cmt = r.required_int("compartments", Range::closed(1, 3));
  const std::string absorption =
      r.optional_choice("absorption", {"none", "first_order", "zero_order", "transit"}, "none");
  const std::string elimination = r.optional_choice("elimination", {"linear", "michaelis_menten"}, "linear");
  const ConfigNode params_node = r.require("parameters");
  r.finish();
  if (!cmt) return std::nullopt;

  PkSpec spec;
  spec.model = std::make_shared<pkpd::PkModel>(
      static_cast<int>(*cmt), absorption_from(absorption),
      elimination == "michaelis_menten" ? pkpd::Elimination::kMichaelisMenten : pkpd::Elimination::kLinear);
  auto values = read_parameters(params_node, diag, spec.model->parameters());
  if (!values) return std::nullopt;
  spec.values = std::move(*values);
  return spec;
}

int read_compression(MapReader& r) {
  return static_cast<int>(r.optional_int("compression", 1, Range::closed(0, 9)));
}

OutputSpec read_design_only_output(const ConfigNode& node, Diagnostics& diag) {
  OutputSpec out;
  MapReader r(node, diag);
  if (!r.valid()) return out;
  for (const char* key : {"timecourses", "grid_h"}) {
    const ConfigNode n = r.get(key);
    if (!n.is_missing()) diag.error(n.key_mark(), n.path(), "only valid in PK/PD mode (with 'model')");
  }
  out.patients = r.optional_bool("patients", true);
  out.compression = read_compression(r);
  r.finish();
  return out;
}

OutputSpec read_output(const ConfigNode& node, Diagnostics& diag, const std::vector<std::string>& variables,
                       double end_time) {
  OutputSpec out;
  MapReader r(node, diag);
  if (!r.valid()) return out;
  const ConfigNode tc = r.get("timecourses");
  const ConfigNode grid_node = r.get("grid_h");
  out.grid_h = r.optional_double("grid_h", 1.0, Range::positive());
  out.patients = r.optional_bool("patients", true);
  out.compression = read_compression(r);
  r.finish();
  if (!tc.is_missing() && !out.patients) {
    // Time-course rows are indexed by the patients table; alone they are unreadable.
    diag.error(tc.key_mark(), tc.path(), "time courses need the patients table; remove them or set patients: true");
  }
  if (!tc.is_missing()) {
    if (!tc.is_sequence()) {
      diag.error(tc.mark(), tc.path(), "expected a list of variable names, got " + tc.describe());
    } else {
      for (std::size_t i = 0; i < tc.size(); ++i) {
        auto name = core::read_string(tc.at(i), diag);
        if (!name) continue;
        if (std::find(variables.begin(), variables.end(), *name) == variables.end()) {
          std::string msg = "unknown variable '" + *name + "'";
          const std::string hint = core::closest_match(*name, variables);
          if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
          msg += "; this model has:";
          for (const auto& v : variables) msg += " " + v;
          diag.error(tc.at(i).mark(), tc.at(i).path(), msg);
        } else if (std::find(out.timecourses.begin(), out.timecourses.end(), *name) != out.timecourses.end()) {
          diag.error(tc.at(i).mark(), tc.at(i).path(), "'" + *name + "' is listed twice");
        } else {
          out.timecourses.push_back(*name);
        }
      }
    }
  }
  if (end_time / out.grid_h > static_cast<double>(ScenarioLimits::kMaxGridPoints)) {
    diag.error(grid_node.mark(), grid_node.path(),
               "grid of " + core::format_number(std::floor(end_time / out.grid_h) + 1) +
                   " points; the limit is " + std::to_string(ScenarioLimits::kMaxGridPoints));
  }
  return out;
}


std::vector<PdSpec> read_pd(const ConfigNode& node, Diagnostics& diag, std::vector<std::string>& notes) {
  std::vector<PdSpec> out;
  if (!node.is_sequence()) {
    diag.error(node.mark(), node.path(), "expected a list of PD models, got " + node.describe());
    return out;
  }
  const auto& reg = pkpd::registry();
  std::set<std::string> names;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const ConfigNode entry = node.at(i);
    if (entry.is_map() && entry.get("type").is_scalar() && entry.get("type").scalar() == "ode") {
      auto spec = read_user_pd(entry, diag, notes);
      if (!spec) continue;
      for (const auto& n : spec->outputs)
        if (!names.insert(n).second)
          diag.error(entry.mark(), entry.path(), "output name '" + n + "' is already used by another PD model");
      if (spec->name != spec->outputs.front() && !names.insert(spec->name).second)
        diag.error(entry.mark(), entry.path(), "name '" + spec->name + "' is already used by another PD model");
      out.push_back(std::move(*spec));
      continue;
    }
    MapReader r(entry, diag);
    if (!r.valid()) continue;
    std::vector<std::string> types = reg.pd_names();
    types.push_back("ode");
    const auto type = r.required_choice("type", types);
    const ConfigNode name_node = r.get("name");
    const ConfigNode input_node = r.get("input");
    const ConfigNode params = r.require("parameters");
    r.finish();
    if (!type) continue;
    PdSpec spec;
    spec.type = *type;
    spec.model = reg.pd(*type)->model;
    spec.name = spec.model->output().name;
    if (!name_node.is_missing()) {
      if (auto n = core::read_string(name_node, diag)) spec.name = *n;
    }
    if (!names.insert(spec.name).second) {
      diag.error(entry.mark(), entry.path(),
                 "output name '" + spec.name + "' is already used by another PD model; give this one a `name`");
    }
    if (!input_node.is_missing()) {
      if (auto in = core::read_string(input_node, diag)) {
        int found = -1;
        for (std::size_t k = 0; k < out.size(); ++k)
          if (out[k].name == *in && out[k].model->is_effect_compartment()) found = static_cast<int>(k);
        if (*in == kConcentrationOutput) {
          found = -1;
        } else if (found < 0) {
          diag.error(input_node.mark(), input_node.path(),
                     "input must be Cc or the name of an earlier effect_compartment entry (got '" + *in + "')");
        }
        spec.input_block = found;
      }
    }
    auto values = read_parameters(params, diag, spec.model->parameters());
    if (!values) continue;
    const std::string problem = spec.model->check(values->data());
    if (!problem.empty()) diag.error(params.mark(), params.path(), problem);
    spec.values = std::move(*values);
    out.push_back(std::move(spec));
  }
  return out;
}

namespace {

std::optional<DltCriterion> read_criterion(const ConfigNode& node, Diagnostics& diag,
                                           const std::vector<std::string>& variables) {
  MapReader r(node, diag);
  if (!r.valid()) return std::nullopt;
  DltCriterion c;
  const auto variable = r.required_choice("variable", variables);
  const auto& types = dlt_criterion_types();
  std::vector<ConfigNode> given;
  std::string keys;
  for (const DltCriterionType* t : types) {
    given.push_back(r.get(t->key));
    keys += (keys.empty() ? "" : ", ") + t->key;
  }
  c.min_duration_h = r.optional_double("min_duration_h", c.min_duration_h, Range::non_negative());
  r.finish();
  if (!variable) return std::nullopt;
  c.variable = *variable;
  const auto n_given = std::count_if(given.begin(), given.end(), [](const ConfigNode& g) { return !g.is_missing(); });
  if (n_given != 1) {
    diag.error(node.mark(), node.path(), "give exactly one of " + keys);
    return std::nullopt;
  }
  for (std::size_t k = 0; k < types.size(); ++k) {
    if (given[k].is_missing()) continue;
    c.kind = types[k];
    if (!c.kind->read(given[k], diag, c)) return std::nullopt;
  }
  return c;
}

}  // namespace

EndpointSpec read_endpoints(const ConfigNode* node, Diagnostics& diag, const Scenario& s) {
  EndpointSpec e;
  std::optional<MapReader> r;
  if (node) {
    r.emplace(*node, diag);
    if (!r->valid()) return e;
  }
  const auto variables = s.variables();
  const std::vector<std::string> model_outputs = s.model_outputs();
  const double anc_lln = r ? r->optional_double("anc_lln", kDefaultAncLln, Range::closed(1.5, 10)) : kDefaultAncLln;
  std::optional<ConfigNode> dlt;
  if (r) dlt = r->get("dlt");
  std::vector<std::optional<ConfigNode>> keyed(endpoint_types().size());
  for (std::size_t k = 0; r && k < keyed.size(); ++k) {
    const std::string& key = endpoint_types()[k].key;
    if (key.empty()) continue;
    const ConfigNode n = r->get(key);
    if (!n.is_missing()) keyed[k] = n;
  }
  if (r) r->finish();
  if (dlt && !dlt->is_missing()) {
    MapReader d(*dlt, diag);
    if (d.valid()) {
      DltRule rule;
      rule.anc_lln = anc_lln;
      rule.window_end_h = d.optional_double("window_h", s.regimen.cycle_length_h, Range::positive());
      e.truth_cohort_size = d.optional_int("truth_cohort_size", e.truth_cohort_size, Range::closed(0, 10'000'000));
      const std::string policy =
          d.optional_choice("on_solve_failure", {"dlt", "no_dlt", "error", "replace"}, "dlt");
      e.on_solve_failure = policy == "error"     ? SolveFailurePolicy::kError
                           : policy == "no_dlt"  ? SolveFailurePolicy::kNoDlt
                           : policy == "replace" ? SolveFailurePolicy::kReplace
                                                 : SolveFailurePolicy::kDlt;
      const ConfigNode crit = d.require("criteria");
      d.finish();
      if (!crit.is_missing() && (!crit.is_sequence() || crit.size() == 0)) {
        diag.error(crit.mark(), crit.path(), "expected a non-empty list of criteria, got " + crit.describe());
      } else {
        bool ok = !crit.is_missing();
        for (std::size_t i = 0; i < crit.size(); ++i) {
          if (auto c = read_criterion(crit.at(i), diag, variables)) rule.criteria.push_back(*c);
          else ok = false;
        }
        if (ok) e.dlt = rule;
      }
    }
  }
  const auto& types = endpoint_types();
  for (std::size_t k = 0; k < types.size(); ++k) {
    const EndpointReading in{keyed[k] ? &*keyed[k] : nullptr, diag, variables, model_outputs, anc_lln,
                             s.regimen.end_time()};
    if (auto ep = types[k].read(in)) e.list.push_back(std::move(ep));
  }
  return e;
}

}  // namespace twinsim::trial
