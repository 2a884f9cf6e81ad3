#include "twinsim/pkpd/model_catalog.hpp"

#include "twinsim/core/config.hpp"

namespace twinsim::pkpd {

ModelCatalog::ModelCatalog(const ModelRegistry& builtins) {
  for (const auto& d : builtins.dispositions()) entries_.push_back({d.name, d.description, d.make()->compartments(), nullptr, true});
  for (const auto& p : builtins.pd_models())
    entries_.push_back({p.name, p.description, 0, make_pd_model(p.name, p.description, p.model), true});
  for (const auto& m : builtins.models()) entries_.push_back({m.name, m.description, 0, m.model, true});
}

void ModelCatalog::add(std::string name, std::string description, std::shared_ptr<const Model> model) {
  if (name.empty()) throw std::invalid_argument("a model needs a name");
  if (!model) throw std::invalid_argument("model '" + name + "': no model given");
  if (const Entry* e = find(name))
    throw std::invalid_argument("model '" + name + "' is already in the catalog (" +
                                (e->builtin ? "a built-in model" : "added earlier") + ")");
  entries_.push_back({std::move(name), std::move(description), 0, std::move(model), false});
}

const ModelCatalog::Entry* ModelCatalog::find(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

std::vector<std::string> ModelCatalog::names() const {
  std::vector<std::string> out;
  for (const auto& e : entries_) out.push_back(e.name);
  return out;
}

namespace {
std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}
}  // namespace

void ModelCatalog::unknown(const std::string& name, const std::string& kind, bool pk_only) const {
  std::vector<std::string> known;
  for (const auto& e : entries_)
    if (!pk_only || e.compartments > 0) known.push_back(e.name);
  std::string msg = "unknown " + kind + " '" + name + "'";
  const std::string h = core::closest_match(name, known);
  if (!h.empty()) msg += " (did you mean '" + h + "'?)";
  throw UnknownModel(msg + "; known " + kind + "s: " + joined(known));
}

std::shared_ptr<const Model> ModelCatalog::pk(const std::string& name, const PkModelOptions& options) const {
  const Entry* e = find(name);
  if (!e) unknown(name, "PK model", true);
  if (e->compartments == 0) {
    std::vector<std::string> pk;
    for (const auto& x : entries_)
      if (x.compartments > 0) pk.push_back(x.name);
    throw UnknownModel("'" + name + "' is not a PK model; PK models: " + joined(pk));
  }
  return make_pk_model(e->compartments, options);
}

std::shared_ptr<const Model> ModelCatalog::pk(int compartments, const PkModelOptions& options) const {
  return pk(pk_name(compartments), options);
}

const std::string& ModelCatalog::pk_name(int compartments) const {
  for (const auto& e : entries_)
    if (e.compartments == compartments) return e.name;
  std::vector<std::string> counts;
  for (const auto& e : entries_)
    if (e.compartments > 0) counts.push_back(std::to_string(e.compartments));
  throw UnknownModel("no PK model with " + std::to_string(compartments) + " compartments; PK models have " +
                     joined(counts));
}

std::shared_ptr<const Model> ModelCatalog::model(const std::string& name) const {
  const Entry* e = find(name);
  if (!e) unknown(name, "model", false);
  if (!e->model)
    throw UnknownModel("'" + name + "' is a PK model: it is built for an absorption and an elimination (ModelCatalog::pk)");
  return e->model;
}

}  // namespace twinsim::pkpd
