// Reading a user model block through core's config API (the only YAML reader).
#include <algorithm>
#include <filesystem>
#include <map>

#include "resolve.hpp"
#include "twinsim/pkpd/user/model_spec.hpp"
#include "twinsim/pkpd/user/syntax.hpp"

namespace twinsim::pkpd::user {

using core::ConfigNode;
using core::Diagnostics;

std::vector<std::string> UserModelSpec::parameter_names() const {
  std::vector<std::string> out;
  for (const auto& p : parameters) out.push_back(p.name);
  return out;
}

std::vector<std::string> UserModelSpec::state_names() const {
  std::vector<std::string> out;
  for (const auto& s : states) out.push_back(s.name);
  return out;
}

namespace {

// Every name declared so far, for "already used" messages: name -> what and where.
struct Declared {
  std::map<std::string, std::pair<std::string, int>> names;

  // False (and an error) if `key` is not a usable name or is taken.
  bool add(const ConfigNode& at, const std::string& name, const std::string& what, Diagnostics& diag) {
    if (!is_identifier(name)) {
      diag.error(at.key_mark(), at.path(),
                 "'" + name + "' is not a valid name (letters, digits, _ and ., starting with a letter or _)");
      return false;
    }
    if (is_reserved(name)) {
      diag.error(at.key_mark(), at.path(), "'" + name + "' is a reserved name (t, if, else and the functions)");
      return false;
    }
    const auto it = names.find(name);
    if (it != names.end()) {
      diag.error(at.key_mark(), at.path(),
                 "'" + name + "' is already " + it->second.first + " (line " + std::to_string(it->second.second) +
                     "); every parameter, state, input and output needs a name of its own");
      return false;
    }
    names.emplace(name, std::make_pair(what, at.key_mark().line));
    return true;
  }
};

// The parameter is declared even when its value is bad, so that equations
// using it do not add "unknown name" errors to the one about its value.
void read_parameter(const ConfigNode& n, const std::string& name, UserModelSpec& spec, Diagnostics& diag) {
  spec.parameters.emplace_back();
  UserParameter& p = spec.parameters.back();
  p.name = name;
  if (n.is_map()) {
    core::MapReader r(n, diag);
    const auto v = r.required_double("value");
    p.unit = r.optional_string("unit", "");
    p.lower = r.optional_double("lower", p.lower);
    p.upper = r.optional_double("upper", p.upper);
    r.finish();
    if (!v) return;
    p.value = *v;
    if (!(p.lower < p.upper)) {
      diag.error(n.mark(), n.path(), "lower (" + core::format_number(p.lower) + ") must be below upper (" +
                                         core::format_number(p.upper) + ")");
      return;
    }
    if (p.value < p.lower || p.value > p.upper) {
      const ConfigNode at = n.get("value");
      diag.error(at.mark(), at.path(), "value " + core::format_number(p.value) + " is outside [lower, upper] = [" +
                                           core::format_number(p.lower) + ", " + core::format_number(p.upper) + "]");
      return;
    }
  } else {
    const auto v = core::read_double(n, diag);
    if (!v) return;
    p.value = *v;
  }
}

// Parses one expression scalar; errors go to diag at their characters.
bool parse_scalar_expression(const ConfigNode& n, Ast& out, Diagnostics& diag) {
  if (!n.is_scalar()) {
    diag.error(n.mark(), n.path(), "expected a number or an expression, got " + n.describe());
    return false;
  }
  std::vector<SyntaxError> errors;
  const bool ok = parse_expression(n.scalar(), out, errors);
  for (const auto& e : errors) diag.error(n.scalar_mark(e.offset), n.path(), e.message);
  return ok;
}

void read_body(core::MapReader& r, UserModelSpec& spec, Diagnostics& diag, const UserModelParseOptions& opt) {
  Declared declared;
  const ConfigNode params = r.require("parameters");
  if (!params.is_missing() && !params.is_map())
    diag.error(params.mark(), params.path(), "expected a map NAME: value or NAME: {value, unit, lower, upper}, got " +
                                                 params.describe());
  for (std::size_t i = 0; params.is_map() && i < params.size(); ++i) {
    const ConfigNode v = params.value_at(i);
    const std::string name = params.keys()[i];
    if (declared.add(v, name, "a parameter", diag)) read_parameter(v, name, spec, diag);
  }

  const ConfigNode states = r.require("states");
  if (!states.is_missing() && !states.is_map())
    diag.error(states.mark(), states.path(), "expected a map STATE: initial value, got " + states.describe());
  if (states.is_map() && states.size() > opt.max_states) {
    diag.error(states.mark(), states.path(), "too many states (" + std::to_string(states.size()) +
                                                 "; the limit is " + std::to_string(opt.max_states) + ")");
    return;
  }
  std::vector<Ast> initial_ast;
  std::vector<ConfigNode> initial_node;
  std::vector<bool> initial_ok;
  for (std::size_t i = 0; states.is_map() && i < states.size(); ++i) {
    const ConfigNode v = states.value_at(i);
    const std::string name = states.keys()[i];
    if (!declared.add(v, name, "a state", diag)) continue;
    Ast a;
    initial_ok.push_back(parse_scalar_expression(v, a, diag));
    spec.states.push_back({name, v.scalar(), -1});
    initial_ast.push_back(std::move(a));
    initial_node.push_back(v);
  }

  if (opt.form == UserModelForm::kPdOnHostPk) {
    const ConfigNode inputs = r.require("inputs");
    if (!inputs.is_missing() && !inputs.is_sequence())
      diag.error(inputs.mark(), inputs.path(), "expected a list of names the PK model supplies (e.g. [Cc]), got " +
                                                   inputs.describe());
    for (std::size_t i = 0; inputs.is_sequence() && i < inputs.size(); ++i) {
      const ConfigNode v = inputs.at(i);
      const auto name = core::read_string(v, diag);
      if (name && declared.add(v, *name, "an input", diag)) spec.inputs.push_back(*name);
    }
    if (r.has("dosing")) {
      const ConfigNode d = r.get("dosing");
      diag.error(d.key_mark(), d.path(), "a PD model on a built-in PK model takes no dosing: doses go to model.pk");
    }
  } else if (r.has("inputs")) {
    const ConfigNode in = r.get("inputs");
    diag.error(in.key_mark(), in.path(),
               "inputs come from a built-in PK model: use a model.pd entry with type: ode, or write the PK here");
  }

  Resolver resolver(spec, diag, opt.max_depth);
  const ConfigNode eq = r.require("equations");
  if (!eq.is_missing() && !eq.is_scalar()) {
    diag.error(eq.mark(), eq.path(), "expected the equations as text (a block: 'equations: |'), got " + eq.describe());
  } else if (eq.is_scalar()) {
    std::vector<SyntaxError> errors;
    const auto statements = parse_statements(eq.scalar(), errors);
    for (const auto& e : errors) diag.error(eq.scalar_mark(e.offset), eq.path(), e.message);
    resolver.equations(eq, statements);
    if (errors.empty()) resolver.check_every_state_has_equation(states);
  }
  for (std::size_t k = 0; k < spec.states.size(); ++k)
    if (initial_ok[k]) spec.states[k].initial = resolver.initial(initial_node[k], initial_ast[k]);

  const ConfigNode outputs = r.get("outputs");
  if (!outputs.is_missing() && !outputs.is_map())
    diag.error(outputs.mark(), outputs.path(), "expected a map NAME: expression, got " + outputs.describe());
  for (std::size_t i = 0; outputs.is_map() && i < outputs.size(); ++i) {
    const ConfigNode v = outputs.value_at(i);
    const std::string name = outputs.keys()[i];
    if (!declared.add(v, name, "an output", diag)) continue;
    Ast a;
    if (!parse_scalar_expression(v, a, diag)) continue;
    spec.outputs.push_back({name, v.scalar(), resolver.output(v, a)});
  }

  if (opt.form == UserModelForm::kWhole) {
    const ConfigNode dosing = r.get("dosing");
    core::MapReader d(dosing, diag);
    const auto state_names = spec.state_names();
    for (const char* route : {"oral", "iv"}) {
      const ConfigNode v = d.get(route);
      if (v.is_missing()) continue;
      const auto target = core::read_string(v, diag);
      if (!target) continue;
      const auto it = std::find(state_names.begin(), state_names.end(), *target);
      if (it == state_names.end()) {
        const std::string hint = core::closest_match(*target, state_names);
        diag.error(v.mark(), v.path(), "dosing route '" + std::string(route) + "' names '" + *target +
                                           "', which is not a state" +
                                           (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
        continue;
      }
      (std::string(route) == "oral" ? spec.dosing.oral : spec.dosing.iv) =
          static_cast<int>(it - state_names.begin());
    }
    d.finish();
  }
}

}  // namespace

std::vector<UserModelBlock> user_model_blocks(const ConfigNode& scenario) {
  std::vector<UserModelBlock> out;
  const ConfigNode model = scenario.get("model");
  if (!model.get("ode").is_missing()) out.push_back({model.get("ode"), UserModelForm::kWhole});
  const ConfigNode pd = model.get("pd");
  for (std::size_t i = 0; pd.is_sequence() && i < pd.size(); ++i) {
    const ConfigNode entry = pd.at(i);
    if (entry.is_map() && entry.get("type").is_scalar() && entry.get("type").scalar() == "ode")
      out.push_back({entry, UserModelForm::kPdOnHostPk});
  }
  return out;
}

UserModelSpec parse_user_model(const ConfigNode& node, Diagnostics& diag, const UserModelParseOptions& options) {
  UserModelSpec spec;
  spec.form = options.form;
  spec.key_path = node.path();
  spec.where = node.mark();
  core::MapReader top(node, diag);
  if (!top.valid()) {
    if (node.is_missing()) diag.error(node.mark(), node.path(), "required key is missing");
    return spec;
  }
  if (options.form == UserModelForm::kPdOnHostPk) {
    top.allow("type");
    top.allow("name");  // the scenario's label of the entry
  }
  if (!top.has("file")) {
    read_body(top, spec, diag, options);
    top.finish();
    return spec;
  }
  const ConfigNode file = top.get("file");
  const auto name = core::read_string(file, diag);
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string key = node.keys()[i];
    if (key == "file" || ((key == "type" || key == "name") && options.form == UserModelForm::kPdOnHostPk)) continue;
    const ConfigNode v = node.value_at(i);
    diag.error(v.key_mark(), v.path(), "'" + key + "' is given here and the model is in file '" + name.value_or("") +
                                           "': give the model in one place");
  }
  if (!name) return spec;
  std::filesystem::path path(*name);
  if (path.is_relative()) path = std::filesystem::path(node.mark().file).parent_path() / path;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    diag.error(file.mark(), file.path(), "cannot open model file '" + path.string() + "'");
    return spec;
  }
  try {
    const ConfigNode doc = ConfigNode::load_file(path.string());
    spec.where = doc.mark();
    core::MapReader body(doc, diag);
    if (!body.valid()) return spec;
    if (body.has("file")) {
      const ConfigNode nested = body.get("file");
      diag.error(nested.key_mark(), nested.path(), "a model file cannot name another model file");
      return spec;
    }
    read_body(body, spec, diag, options);
    body.finish();
  } catch (const core::ScenarioError& e) {
    for (const auto& d : e.diagnostics()) diag.add(d);
  }
  return spec;
}

}  // namespace twinsim::pkpd::user
