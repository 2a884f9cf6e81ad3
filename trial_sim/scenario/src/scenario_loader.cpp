// Reads a scenario file into a validated Scenario. Every problem is collected
// (with file:line:col and key path) before ScenarioError is thrown, so a user
// sees all errors of a file at once.
#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include "twinsim/pkpd/pk_model.hpp"
#include "twinsim/trial/designs/randomised_stage.hpp"
#include "twinsim/trial/scenario/scenario.hpp"
#include "scenario_parts.hpp"
#include "twinsim/vp/parse_population.hpp"

namespace twinsim::trial {

using core::ConfigNode;
using core::Diagnostics;
using core::MapReader;
using core::Range;

const char* to_string(SolveFailurePolicy p) {
  switch (p) {
    case SolveFailurePolicy::kDlt: return "dlt";
    case SolveFailurePolicy::kNoDlt: return "no_dlt";
    case SolveFailurePolicy::kError: return "error";
    case SolveFailurePolicy::kReplace: return "replace";
  }
  return "?";
}

double Scenario::horizon_h() const {
  double h = regimen.end_time();
  for (const auto& d : designs)
    if (d.regimen) h = std::max(h, d.regimen->end_time());
  return h;
}

std::vector<std::string> Scenario::variables() const {
  std::vector<std::string> v;
  if (ode) {
    if (ode->cc_output >= 0) v.push_back(kConcentrationOutput);
    for (const auto& o : ode->outputs)
      if (o != kConcentrationOutput) v.push_back(o);
    for (const auto& n : ode->states) v.push_back(n);
    return v;
  }
  if (!pk) return v;
  v.push_back(kConcentrationOutput);
  for (const auto& n : pk->model->state_names(0)) v.push_back(n);
  for (const auto& n : model_outputs()) v.push_back(n);
  return v;
}

std::vector<std::string> Scenario::model_outputs() const {
  if (ode) return ode->outputs;
  std::vector<std::string> v;
  for (const auto& p : pd) {
    if (p.outputs.empty()) v.push_back(p.name);
    v.insert(v.end(), p.outputs.begin(), p.outputs.end());
  }
  return v;
}

bool Scenario::has_efficacy() const {
  if (efficacy) return true;
  for (const auto& e : endpoints.list)
    for (const auto& c : e->columns())
      if (c.name == kResponseColumn) return true;
  return false;
}

std::vector<std::string> Scenario::parameter_names() const {
  std::vector<std::string> names;
  if (ode)
    for (const auto& p : ode->model->parameters()) names.push_back(p.name);
  if (!pk) return names;
  for (const auto& p : pk->model->parameters()) names.push_back(p.name);
  for (const auto& d : pd)
    for (const auto& p : d.model->parameters()) names.push_back(d.name + "." + p.name);
  return names;
}

std::vector<double> Scenario::typical_values() const {
  std::vector<double> v;
  if (ode) return ode->values;
  if (!pk) return v;
  v = pk->values;
  for (const auto& d : pd) v.insert(v.end(), d.values.begin(), d.values.end());
  return v;
}

namespace {

// A design's name is an HDF5 group (/designs/NAME), a sweep table's column
// and a --design argument. The first character must be a letter or digit:
// "." and ".." are HDF5's (and every file system's) "this" and "parent",
// a leading "-" reads as an option. "/" would nest groups.
bool valid_design_name(const std::string& s) {
  if (s.empty() || s.size() > 64 || !std::isalnum(static_cast<unsigned char>(s[0]))) return false;
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
                   "design names use letters, digits and - _ + . (at most 64, the first a letter or digit), got " +
                       core::quote_for_message(*name));
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
    r.allow("regimen");  // read by read_arm_regimens, which knows the model
    r.allow("randomised_stage");  // any dose-finding design's (read_randomised_stage)
    std::unique_ptr<Design> design;
    try {
      design = find_design(*type)->parse(r, ctx);
      design = read_randomised_stage(std::move(design), d.get("randomised_stage"), ctx, diag);
    } catch (const std::logic_error& e) {
      // A rule a parser left to its design's validate() (std::invalid_argument,
      // e.g. blrm's doses when dose_levels are already in error): still
      // located, exit 2.
      diag.error(d.mark(), d.path(), e.what());
    }
    r.finish();
    if (name && design) out.push_back(DesignSpec{*name, *type, std::move(design), std::nullopt});
  }
  return out;
}

// designs[i].regimen, once the model and the scenario's regimen are known.
void read_arm_regimens(const ConfigNode& node, Diagnostics& diag, Scenario& s, const std::string& base_dir) {
  if (!node.is_sequence() || s.designs.size() != node.size()) return;  // design errors already reported
  for (std::size_t i = 0; i < node.size(); ++i) {
    const ConfigNode g = node.at(i).get("regimen");
    if (g.is_missing()) continue;
    if (!s.pkpd_mode()) {
      diag.error(g.key_mark(), g.path(), "only valid in PK/PD mode (with 'model')");
      continue;
    }
    auto arm = read_regimen(g, diag, RegimenContext{s.pk ? &*s.pk : nullptr, base_dir});
    if (!arm) continue;
    if (s.pk) check_regimen_model(*arm, g, *s.pk, diag);
    if (s.ode) check_ode_route(*s.ode, *arm, g, diag);
    resolve_body_size(*arm, g, *s.population, diag);
    if (arm->cycles != s.regimen.cycles) {
      diag.error(g.mark(), g.path(),
                 "has " + std::to_string(arm->cycles) + " cycles; every arm needs the scenario regimen's " +
                     std::to_string(s.regimen.cycles) + " (one per-cycle table for all arms)");
      continue;
    }
    s.designs[i].regimen = std::move(*arm);
  }
}

Scenario parse(const ConfigNode& root, Diagnostics& diag, const std::string& base_dir) {
  Scenario s;
  MapReader r(root, diag);
  if (!r.valid()) {
    diag.throw_if_any();
    throw core::ScenarioError(root.mark(), "", "empty scenario: expected a map of keys");
  }
  s.name = r.required_string("name").value_or("");
  s.seed = static_cast<std::uint64_t>(r.optional_int("seed", 0, ValueRules::seed()));
  s.replicates = r.optional_int("replicates", 1, ValueRules::replicates());
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

  const ConfigNode efficacy = r.get("efficacy");
  if (!efficacy.is_missing()) {
    if (!model.is_missing())
      diag.error(efficacy.key_mark(), "efficacy",
                 "only valid in design-only mode; in PK/PD mode the response is endpoints.recist's objective_response");
    else
      s.efficacy = read_efficacy(efficacy, diag, s.dose_levels.size());
  }

  if (!model.is_missing()) read_model(model, diag, s);

  const ConfigNode regimen = r.get("regimen");
  if (!model.is_missing() && regimen.is_missing()) {
    diag.error(root.mark(), "regimen", "required key is missing (PK/PD mode needs a regimen)");
  } else if (model.is_missing() && !regimen.is_missing()) {
    diag.error(regimen.key_mark(), "regimen", "only valid in PK/PD mode (with 'model')");
  } else if (!regimen.is_missing()) {
    if (auto g = read_regimen(regimen, diag, RegimenContext{s.pk ? &*s.pk : nullptr, base_dir})) {
      s.regimen = *g;
      if (s.pk) check_regimen_model(s.regimen, regimen, *s.pk, diag);
      if (s.ode) check_ode_route(*s.ode, s.regimen, regimen, diag);
    }
  }

  const ConfigNode output = r.get("output");
  if (!output.is_missing()) {
    if (!s.pkpd_mode()) {
      s.output = read_design_only_output(output, diag);
    } else {
      s.output = read_output(output, diag, s.variables(), s.regimen.end_time());
    }
  }
  const ConfigNode population = r.get("population");
  if (!population.is_missing()) {
    if (!s.pkpd_mode()) {
      diag.error(population.key_mark(), "population", "only valid in PK/PD mode (with 'model')");
    } else {
      vp::PopulationContext ctx;
      ctx.parameter_names = s.parameter_names();
      ctx.typical_values = s.typical_values();
      ctx.output_names = s.variables();
      ctx.n_cycles = s.regimen.cycles;
      ctx.base_dir = base_dir;
      if (auto spec = vp::parse_population(population, diag, ctx))
        s.population = std::make_shared<vp::Population>(std::move(*spec));
    }
  }
  if (s.pkpd_mode() && !regimen.is_missing()) resolve_body_size(s.regimen, regimen, *s.population, diag);
  const ConfigNode endpoints = r.get("endpoints");
  if (!endpoints.is_missing() && !s.pkpd_mode()) {
    diag.error(endpoints.key_mark(), "endpoints", "only valid in PK/PD mode (with 'model')");
  } else if (s.pkpd_mode()) {
    s.endpoints = read_endpoints(endpoints.is_missing() ? nullptr : &endpoints, diag, s);
  }

  // The hold/reduce rule reacts to the DLT definition's criteria, cycle by cycle.
  if (s.population->spec().dose_modification.after_dlt != vp::DltAction::kNone && !s.endpoints.dlt) {
    diag.error(s.population->spec().dose_modification.mark, "population.dose_modification",
               "needs endpoints.dlt (the DLT criteria that trigger a hold or discontinuation)");
  }

  const ConfigNode accrual = r.get("accrual");
  if (!accrual.is_missing()) {
    MapReader a(accrual, diag);
    if (a.valid()) {
      AccrualSpec spec;
      spec.patients_per_month = a.required_double("patients_per_month", Range::positive()).value_or(1.0);
      const double default_window = s.endpoints.dlt ? s.endpoints.dlt->window_end_h / 24.0 : -1.0;
      const ConfigNode w = a.get("dlt_window_days");
      if (w.is_missing() && default_window < 0) {
        diag.error(accrual.mark(), w.path(), "required key is missing (no endpoints.dlt window to default to)");
      }
      spec.dlt_window_days = a.optional_double("dlt_window_days", default_window, Range::non_negative());
      spec.poisson = a.optional_choice("arrivals", {"fixed", "poisson"}, "fixed") == "poisson";
      a.finish();
      s.accrual = spec;
    }
  }
  const ConfigNode scoring = r.get("scoring");
  if (!scoring.is_missing()) {
    MapReader sc(scoring, diag);
    if (sc.valid()) {
      s.scoring.overdose_factor = sc.optional_double("overdose_factor", s.scoring.overdose_factor, Range::at_least(1));
      s.scoring.acceptable_margin =
          sc.optional_double("acceptable_margin", s.scoring.acceptable_margin, {0.0, 1.0, false, true});
      sc.finish();
    }
  }
  DesignContext ctx{s.dose_levels.size(), s.dose_levels};
  if (s.accrual) ctx.accrual_window_days = s.accrual->dlt_window_days;
  const ConfigNode designs = r.require("designs");
  s.designs = read_designs(designs, diag, ctx);
  read_arm_regimens(designs, diag, s, base_dir);
  for (std::size_t i = 0; i < s.designs.size(); ++i) {
    const Design& d = *s.designs[i].design;
    if (s.pkpd_mode() && !s.endpoints.dlt && d.needs_dlt()) {
      diag.error(designs.at(i).mark(), designs.at(i).path(),
                 "dose-finding design '" + s.designs[i].type + "' needs endpoints.dlt in PK/PD mode");
    }
    // An `efficacy` key given but invalid is reported at the key already.
    if (d.needs_efficacy() && !s.has_efficacy() && efficacy.is_missing()) {
      diag.error(designs.at(i).mark(), designs.at(i).path(),
                 "design '" + s.designs[i].type + "'" +
                     (designs.at(i).get("randomised_stage").is_missing() ? "" : " with randomised_stage") +
                     " decides from responses: give " +
                     (model.is_missing() ? "efficacy.true_response_probabilities"
                                         : "endpoints.recist (its objective_response)"));
    }
  }
  r.finish();
  diag.throw_if_any();
  return s;
}

}  // namespace

Scenario load_scenario_text(const std::string& text, const std::string& name) {
  Diagnostics diag;
  const ConfigNode root = ConfigNode::load_string(text, name);
  Scenario s = parse(root, diag, ".");
  s.source_path = name;
  s.source_text = text;
  return s;
}

Scenario load_scenario_tree(const ConfigNode& root, const std::string& text, const std::string& name,
                            const std::string& base_dir) {
  Diagnostics diag;
  Scenario s = parse(root, diag, base_dir);
  s.source_path = name;
  s.source_text = text;
  return s;
}

Scenario load_scenario_file(const std::string& path) {
  std::string text;
  const ConfigNode root = ConfigNode::load_file(path, &text);
  Diagnostics diag;
  const auto slash = path.find_last_of('/');
  Scenario s = parse(root, diag, slash == std::string::npos ? "." : path.substr(0, slash));
  s.source_path = path;
  s.source_text = text;
  return s;
}

}  // namespace twinsim::trial
