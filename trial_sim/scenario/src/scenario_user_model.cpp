// The `model` section and its user-defined models (docs/user-models.md):
// model.ode, a whole PK/PD model, and model.pd entries of type: ode, PD
// models driven by the built-in PK's Cc. Each is parsed (errors point into the
// equation text), checked against what the patient simulator can solve, and
// built: compiled to native code, or loaded from the cache, at load time, so
// a run, each sweep variant and each MPI rank start from a ready model.
#include <algorithm>

#include "scenario_parts.hpp"
#include "twinsim/pkpd/user/model_spec.hpp"
#include "twinsim/pkpd/user/user_model.hpp"
#include "twinsim/pkpd/user/user_pd_model.hpp"

namespace twinsim::trial {

using core::ConfigNode;
using core::Diagnostics;
using core::MapReader;
using core::Range;
namespace user = pkpd::user;

namespace {

// Where to report a problem with `key.name` of the block: at that key when
// the model is written in the scenario, else at the model file's start.
core::SourceMark mark_of(const ConfigNode& block, const user::UserModelSpec& spec, const char* key,
                         const std::string& name) {
  const ConfigNode n = block.get(key).get(name);
  return block.get("file").is_missing() && !n.is_missing() ? n.mark() : spec.where;
}

// What the model system can hold: its states (with PK states and the
// appended AUC) in fixed-size buffers, outputs read without t.
bool check_simulable(const ConfigNode& block, const user::UserModelSpec& spec, int more_states, Diagnostics& diag) {
  bool ok = true;
  const int n = static_cast<int>(spec.states.size()) + more_states;
  if (n > pkpd::kMaxStates) {
    diag.error(spec.where, spec.key_path + ".states",
               "the model has " + std::to_string(n) + " states with the " + std::to_string(more_states) +
                   " the scenario adds (PK states, AUC); a scenario simulates at most " +
                   std::to_string(pkpd::kMaxStates));
    ok = false;
  }
  if (spec.outputs.size() > static_cast<std::size_t>(user::kMaxUserOutputs)) {
    diag.error(spec.where, spec.key_path + ".outputs",
               "the model has " + std::to_string(spec.outputs.size()) + " outputs; a scenario reads at most " +
                   std::to_string(user::kMaxUserOutputs));
    ok = false;
  }
  for (const auto& o : spec.outputs) {
    if (!user::depends_on_time(spec, o.value)) continue;
    diag.error(mark_of(block, spec, "outputs", o.name), spec.key_path + ".outputs." + o.name,
               "output '" + o.name +
                   "' depends on the time t; outputs are read from the states alone (add a state "
                   "d/dt(T) = 1 if time must enter)");
    ok = false;
  }
  return ok;
}

// Parses the block; nullopt (errors in diag) if it is malformed.
std::optional<user::UserModelSpec> parse(const ConfigNode& block, user::UserModelForm form, Diagnostics& diag) {
  const std::size_t before = diag.size();
  user::UserModelParseOptions opt;
  opt.form = form;
  user::UserModelSpec spec = user::parse_user_model(block, diag, opt);
  if (diag.size() != before) return std::nullopt;
  return spec;
}

// A built model's note (why it is interpreted) for the scenario's notes.
void keep_note(const user::UserModel& m, const std::string& key_path, std::vector<std::string>& notes) {
  if (!m.note().empty()) notes.push_back(key_path + ": " + m.note());
}

std::optional<OdeSpec> read_ode(const ConfigNode& block, Diagnostics& diag, std::vector<std::string>& notes) {
  auto spec = parse(block, user::UserModelForm::kWhole, diag);
  if (!spec) return std::nullopt;
  OdeSpec ode;
  for (std::size_t k = 0; k < spec->outputs.size(); ++k) {
    ode.outputs.push_back(spec->outputs[k].name);
    if (spec->outputs[k].name == kConcentrationOutput) ode.cc_output = static_cast<int>(k);
  }
  const auto names = spec->state_names();
  const bool auc_taken = std::find(names.begin(), names.end(), "AUC") != names.end() ||
                         std::find(ode.outputs.begin(), ode.outputs.end(), "AUC") != ode.outputs.end();
  if (ode.cc_output >= 0 && auc_taken) {
    diag.error(spec->where, spec->key_path,
               "'AUC' is the integral of the output Cc the scenario adds to the model; give your state or output "
               "another name");
    return std::nullopt;
  }
  if (!check_simulable(block, *spec, ode.cc_output >= 0 ? 1 : 0, diag)) return std::nullopt;
  if (ode.cc_output >= 0) {
    user::add_auc_state(*spec, ode.cc_output);
    ode.auc_state = static_cast<int>(spec->states.size()) - 1;
  }
  ode.oral_state = spec->dosing.oral;
  ode.iv_state = spec->dosing.iv;
  ode.states = spec->state_names();
  user::UserModel m = user::build_user_model(std::move(*spec));
  ode.values = m.default_parameters();
  keep_note(m, block.path(), notes);
  ode.model = user::as_pd_model(std::move(m));
  return ode;
}

}  // namespace

std::optional<PdSpec> read_user_pd(const ConfigNode& entry, Diagnostics& diag, std::vector<std::string>& notes) {
  auto spec = parse(entry, user::UserModelForm::kPdOnHostPk, diag);
  if (!spec) return std::nullopt;
  bool ok = true;
  for (const auto& in : spec->inputs) {
    if (in == kConcentrationOutput && spec->inputs.size() == 1) continue;
    diag.error(entry.get("file").is_missing() ? entry.get("inputs").mark() : spec->where, spec->key_path + ".inputs",
               "a PD model on built-in PK reads one input, Cc (mg/L), the central concentration (got '" + in + "')");
    ok = false;
    break;
  }
  if (spec->outputs.empty()) {
    diag.error(entry.mark(), spec->key_path + ".outputs",
               "a PD model needs at least one output (the variables endpoints and time courses read)");
    ok = false;
  }
  if (!ok || !check_simulable(entry, *spec, 0, diag)) return std::nullopt;
  PdSpec pd;
  pd.type = "ode";
  for (const auto& o : spec->outputs) pd.outputs.push_back(o.name);
  pd.name = pd.outputs.front();
  const ConfigNode name_node = entry.get("name");
  if (!name_node.is_missing()) {
    if (auto n = core::read_string(name_node, diag)) pd.name = *n;
    else return std::nullopt;
  }
  user::UserModel m = user::build_user_model(std::move(*spec));
  pd.values = m.default_parameters();
  keep_note(m, entry.path(), notes);
  pd.model = user::as_pd_model(std::move(m));
  return pd;
}

void check_ode_route(const OdeSpec& ode, const RegimenSpec& g, const ConfigNode& node, Diagnostics& diag) {
  if (g.steady_state) {
    diag.error(node.get("steady_state").mark(), node.get("steady_state").path(),
               "not available with model.ode (steady state is computed for built-in PK models)");
  }
  const ConfigNode records = node.get("doses");
  for (std::size_t i = 0; i < g.records.size(); ++i) {
    const DoseRecordSpec& d = g.records[i];
    const ConfigNode rec = records.is_missing() ? node : records.at(i);
    if (d.cmt > 0) {
      diag.error(rec.get("cmt").mark(), rec.get("cmt").path(),
                 "compartment numbers are those of built-in models; with model.ode doses enter model.ode.dosing");
    }
    const bool oral = d.route == pkpd::Route::kOral;
    if ((oral ? ode.oral_state : ode.iv_state) >= 0) continue;
    diag.error(rec.get("route").mark(), rec.get("route").path(),
               std::string("route ") + pkpd::to_string(d.route) + " needs model.ode.dosing." + (oral ? "oral" : "iv") +
                   " (the state its doses enter)");
  }
}

void read_model(const ConfigNode& node, Diagnostics& diag, Scenario& s) {
  MapReader m(node, diag);
  if (!m.valid()) return;
  const ConfigNode pk = m.get("pk");
  const ConfigNode ode = m.get("ode");
  const ConfigNode pd = m.get("pd");
  const ConfigNode solver = m.get("solver");
  m.finish();
  if (pk.is_missing() && ode.is_missing()) {
    diag.error(node.mark(), pk.path(),
               "required key is missing (give model.pk, a built-in PK model, or model.ode, a user-defined model)");
  } else if (!pk.is_missing() && !ode.is_missing()) {
    diag.error(ode.key_mark(), ode.path(), "give either model.pk (built-in PK) or model.ode (the whole model), not both");
  } else if (!pk.is_missing()) {
    s.pk = read_pk(pk, diag);
  } else {
    s.ode = read_ode(ode, diag, s.notes);
  }
  if (!pd.is_missing()) {
    if (!ode.is_missing()) {
      diag.error(pd.key_mark(), pd.path(),
                 "model.pd needs a built-in model.pk; with model.ode write the PD equations in model.ode");
    } else {
      s.pd = read_pd(pd, diag, s.notes);
    }
  }
  if (s.pk) {
    // The model system holds PK and PD states in fixed-size buffers.
    int n = s.pk->model->compile(s.pk->values).n_states;
    for (const auto& d : s.pd) n += d.model->n_states();
    if (n > pkpd::kMaxStates)
      diag.error(node.mark(), node.path(), "PK and PD models have " + std::to_string(n) +
                                               " states together; a scenario simulates at most " +
                                               std::to_string(pkpd::kMaxStates));
  }
  if (!solver.is_missing()) {
    MapReader r(solver, diag);
    if (r.valid()) {
      s.solver.rtol = r.optional_double("rtol", 0.0, Range{1e-14, 1e-2, false, false});
      s.solver.atol = r.optional_double("atol", 0.0, Range{1e-20, 1.0, false, false});
      r.finish();
    }
  }
}

}  // namespace twinsim::trial
