// Reads a scenario file into a validated Scenario. Every problem is collected
// (with file:line:col and key path) before ScenarioError is thrown, so a user
// sees all errors of a file at once.
#include <algorithm>
#include <cmath>
#include <set>

#include "twinsim/pkpd/pk_model.hpp"
#include "twinsim/trial/scenario.hpp"

namespace twinsim::trial {

using core::ConfigNode;
using core::Diagnostics;
using core::MapReader;
using core::Range;

std::vector<double> RegimenSpec::dose_times() const {
  std::vector<double> t;
  t.reserve(static_cast<std::size_t>(cycles) * static_cast<std::size_t>(doses_per_cycle));
  for (int c = 0; c < cycles; ++c)
    for (int d = 0; d < doses_per_cycle; ++d) t.push_back(c * cycle_length_h + d * interval_h);
  return t;
}

double RegimenSpec::end_time() const {
  const double last_dose = (cycles - 1) * cycle_length_h + (doses_per_cycle - 1) * interval_h;
  return std::max(cycles * cycle_length_h, last_dose + interval_h);
}

namespace {

pkpd::Absorption absorption_from(const std::string& s) {
  if (s == "first_order") return pkpd::Absorption::kFirstOrder;
  if (s == "zero_order") return pkpd::Absorption::kZeroOrder;
  if (s == "transit") return pkpd::Absorption::kTransit;
  return pkpd::Absorption::kNone;
}

pkpd::Route route_from(const std::string& s) {
  if (s == "iv_bolus") return pkpd::Route::kIvBolus;
  if (s == "iv_infusion") return pkpd::Route::kIvInfusion;
  return pkpd::Route::kOral;
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
  const auto& specs = spec.model->parameters();
  spec.values.assign(specs.size(), 0.0);
  MapReader p(params_node, diag);
  if (!p.valid()) return std::nullopt;
  bool ok = true;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const auto& ps = specs[i];
    std::optional<double> v;
    if (ps.required()) {
      v = ps.integer ? [&]() -> std::optional<double> {
        auto iv = p.required_int(ps.name, ps.range);
        return iv ? std::optional<double>(static_cast<double>(*iv)) : std::nullopt;
      }()
                     : p.required_double(ps.name, ps.range);
    } else {
      v = p.optional_double(ps.name, ps.default_value, ps.range);
    }
    if (v) spec.values[i] = *v;
    else ok = false;
  }
  p.finish();
  if (!ok) return std::nullopt;
  return spec;
}

std::optional<RegimenSpec> read_regimen(const ConfigNode& node, Diagnostics& diag) {
  MapReader r(node, diag);
  if (!r.valid()) return std::nullopt;
  RegimenSpec g;
  const auto route = r.required_choice("route", {"oral", "iv_bolus", "iv_infusion"});
  const auto interval = r.required_double("interval_h", Range::positive());
  const auto doses = r.required_int("doses_per_cycle", Range::closed(1, ScenarioLimits::kMaxDosesPerCycle));
  const auto cycle_len = r.required_double("cycle_length_h", Range::positive());
  g.cycles = static_cast<int>(r.optional_int("cycles", 1, Range::closed(1, ScenarioLimits::kMaxCycles)));
  const ConfigNode inf_node = r.get("infusion_duration_h");
  r.finish();
  if (!route || !interval || !doses || !cycle_len) return std::nullopt;
  g.route = route_from(*route);
  g.interval_h = *interval;
  g.doses_per_cycle = static_cast<int>(*doses);
  g.cycle_length_h = *cycle_len;
  bool ok = true;
  if (g.route == pkpd::Route::kIvInfusion) {
    if (inf_node.is_missing()) {
      diag.error(node.mark(), inf_node.path(), "required key is missing (route is iv_infusion)");
      ok = false;
    } else if (auto d = core::read_double(inf_node, diag, Range::positive())) {
      g.infusion_duration_h = *d;
    } else {
      ok = false;
    }
  } else if (!inf_node.is_missing()) {
    diag.error(inf_node.key_mark(), inf_node.path(), "only valid with route: iv_infusion");
    ok = false;
  }
  if ((g.doses_per_cycle - 1) * g.interval_h >= g.cycle_length_h) {
    diag.error(node.get("doses_per_cycle").mark(), node.get("doses_per_cycle").path(),
               std::to_string(g.doses_per_cycle) + " doses every " + core::format_number(g.interval_h) +
                   " h do not fit in a cycle of " + core::format_number(g.cycle_length_h) + " h");
    ok = false;
  }
  if (ok && g.end_time() > ScenarioLimits::kMaxSimulatedHours) {
    diag.error(node.mark(), node.path(),
               "regimen lasts " + core::format_number(g.end_time()) + " h; the limit is " +
                   core::format_number(ScenarioLimits::kMaxSimulatedHours) + " h (20 years)");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return g;
}

OutputSpec read_output(const ConfigNode& node, Diagnostics& diag, const std::vector<std::string>& variables,
                       double end_time) {
  OutputSpec out;
  MapReader r(node, diag);
  if (!r.valid()) return out;
  const ConfigNode tc = r.get("timecourses");
  const ConfigNode grid_node = r.get("grid_h");
  out.grid_h = r.optional_double("grid_h", 1.0, Range::positive());
  r.finish();
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

bool valid_design_name(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '+' || c == '.';
  });
}

std::vector<DesignSpec> read_designs(const ConfigNode& node, Diagnostics& diag, const DesignContext& ctx) {
  std::vector<DesignSpec> out;
  if (node.is_missing()) return out;
  if (!node.is_sequence() || node.size() == 0) {
    diag.error(node.mark(), node.path(), "expected a non-empty list of designs, got " + node.describe());
    return out;
  }
  std::vector<std::string> types;
  for (const auto& e : design_registry()) types.push_back(e.type);
  std::set<std::string> names;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const ConfigNode d = node.at(i);
    MapReader r(d, diag);
    if (!r.valid()) continue;
    const ConfigNode name_node = r.require("name");
    const auto name = name_node.is_missing() ? std::nullopt : core::read_string(name_node, diag);
    const auto type = r.required_choice("type", types);
    if (name) {
      if (!valid_design_name(*name)) {
        diag.error(name_node.mark(), name_node.path(),
                   "design names use letters, digits and - _ + . (at most 64), got '" + *name + "'");
      } else if (!names.insert(*name).second) {
        diag.error(name_node.mark(), name_node.path(), "design name '" + *name + "' is used twice");
      }
    }
    if (!type) {
      // Cannot check the remaining keys without knowing the type.
      for (const auto& k : d.keys()) r.allow(k);
      r.finish();
      continue;
    }
    auto design = find_design(*type)->parse(r, ctx);
    r.finish();
    if (name && design) out.push_back(DesignSpec{*name, *type, std::move(design)});
  }
  return out;
}

Scenario parse(const ConfigNode& root, Diagnostics& diag) {
  Scenario s;
  MapReader r(root, diag);
  if (!r.valid()) {
    diag.throw_if_any();
    throw core::ScenarioError(root.mark(), "", "empty scenario: expected a map of keys");
  }
  s.name = r.required_string("name").value_or("");
  s.seed = static_cast<std::uint64_t>(r.optional_int("seed", 0, Range::closed(0, 9.0e18)));
  s.replicates = r.optional_int("replicates", 1, Range::closed(1, ScenarioLimits::kMaxReplicates));
  const ConfigNode levels = r.require("dose_levels");
  if (!levels.is_missing()) {
    if (auto v = core::read_double_list(levels, diag, Range::positive(), ScenarioLimits::kMaxDoseLevels)) {
      if (v->empty()) diag.error(levels.mark(), levels.path(), "needs at least one dose level");
      for (std::size_t i = 1; i < v->size(); ++i) {
        if (!((*v)[i] > (*v)[i - 1])) {
          diag.error(levels.at(i).mark(), levels.at(i).path(), "dose levels must increase strictly");
          break;
        }
      }
      s.dose_levels = *v;
    }
  }

  const ConfigNode tox = r.get("toxicity");
  const ConfigNode model = r.get("model");
  if (tox.is_missing() && model.is_missing()) {
    diag.error(root.mark(), "", "give either 'toxicity' (design-only mode) or 'model' (PK/PD mode)");
  } else if (!tox.is_missing() && !model.is_missing()) {
    diag.error(model.key_mark(), "model", "give either 'toxicity' or 'model', not both");
  }
  if (!tox.is_missing()) {
    MapReader t(tox, diag);
    const ConfigNode p = t.require("true_dlt_probabilities");
    t.finish();
    if (!p.is_missing()) {
      if (auto v = core::read_double_list(p, diag, Range::unit(), ScenarioLimits::kMaxDoseLevels)) {
        if (!s.dose_levels.empty() && v->size() != s.dose_levels.size()) {
          diag.error(p.mark(), p.path(),
                     "has " + std::to_string(v->size()) + " probabilities for " +
                         std::to_string(s.dose_levels.size()) + " dose levels");
        }
        s.true_dlt_probabilities = *v;
      }
    }
  }

  if (!model.is_missing()) {
    MapReader m(model, diag);
    const ConfigNode pk = m.require("pk");
    const ConfigNode pd = m.get("pd");
    m.finish();
    if (!pd.is_missing()) diag.error(pd.key_mark(), pd.path(), "PD models are not available in this version yet");
    if (!pk.is_missing()) s.pk = read_pk(pk, diag);
  }

  const ConfigNode regimen = r.get("regimen");
  if (!model.is_missing() && regimen.is_missing()) {
    diag.error(root.mark(), "regimen", "required key is missing (PK/PD mode needs a regimen)");
  } else if (model.is_missing() && !regimen.is_missing()) {
    diag.error(regimen.key_mark(), "regimen", "only valid in PK/PD mode (with 'model')");
  } else if (!regimen.is_missing()) {
    if (auto g = read_regimen(regimen, diag)) {
      s.regimen = *g;
      if (s.pk && !s.pk->model->accepts(s.regimen.route)) {
        diag.error(regimen.get("route").mark(), "regimen.route",
                   "route oral needs an absorption process; model.pk.absorption is 'none'");
      }
    }
  }

  const ConfigNode output = r.get("output");
  if (!output.is_missing()) {
    if (!s.pk) {
      diag.error(output.key_mark(), "output", "only valid in PK/PD mode (with 'model')");
    } else {
      std::vector<std::string> variables = {"Cc"};
      for (const auto& n : s.pk->model->state_names(0)) variables.push_back(n);
      s.output = read_output(output, diag, variables, s.regimen.end_time());
    }
  }

  DesignContext ctx{s.dose_levels.size(), s.dose_levels};
  s.designs = read_designs(r.require("designs"), diag, ctx);
  r.finish();
  diag.throw_if_any();
  return s;
}

}  // namespace

Scenario load_scenario_text(const std::string& text, const std::string& name) {
  Diagnostics diag;
  const ConfigNode root = ConfigNode::load_string(text, name);
  Scenario s = parse(root, diag);
  s.source_path = name;
  s.source_text = text;
  return s;
}

Scenario load_scenario_file(const std::string& path) {
  std::string text;
  const ConfigNode root = ConfigNode::load_file(path, &text);
  Diagnostics diag;
  Scenario s = parse(root, diag);
  s.source_path = path;
  s.source_text = text;
  return s;
}

}  // namespace twinsim::trial
