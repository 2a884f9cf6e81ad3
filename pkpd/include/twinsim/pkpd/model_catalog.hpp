// Models found by name, all as general Models (model.hpp): the registry's PK
// families (one_compartment, two_compartment, three_compartment; the scenario
// key `compartments: N` is accepted as a synonym) and PD models, models written
// against the interface, and models added at run time: the user-model engine
// adds `model.ode` and the `type: ode` PD entries this way
// (pkpd/user/user_model_adapter.hpp). A catalog is a value: a scenario copies
// the built-in one and adds its own models, so no global state changes and
// concurrent reads are safe. Asking for an unknown name lists the known ones.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "twinsim/pkpd/model.hpp"
#include "twinsim/pkpd/model_adapters.hpp"
#include "twinsim/pkpd/registry.hpp"

namespace twinsim::pkpd {

// An unknown name, or a name of the wrong kind; the message lists the known names.
class UnknownModel : public std::out_of_range {
 public:
  using std::out_of_range::out_of_range;
};

class ModelCatalog {
 public:
  struct Entry {
    std::string name;
    std::string description;
    int compartments = 0;                // PK families: 1, 2 or 3; 0 for every other model
    std::shared_ptr<const Model> model;  // null for PK families (built per options by pk())
    bool builtin = true;                 // false: added at run time
  };

  // Every model of `builtins` (default: the built-in registry).
  explicit ModelCatalog(const ModelRegistry& builtins = registry());

  // Adds a model under `name`. Throws std::invalid_argument if the name is
  // empty or taken (the message says by what).
  void add(std::string name, std::string description, std::shared_ptr<const Model> model);

  // A PK family by name, built for the options. Throws UnknownModel if
  // `name` is not a PK model, and std::invalid_argument for bad options.
  std::shared_ptr<const Model> pk(const std::string& name, const PkModelOptions& options = {}) const;
  // The same by number of compartments (`compartments: N`).
  std::shared_ptr<const Model> pk(int compartments, const PkModelOptions& options = {}) const;
  // The PK family with this many compartments; throws UnknownModel.
  const std::string& pk_name(int compartments) const;

  // Any model that is not a PK family: PD models, interface models, models
  // added at run time. Throws UnknownModel.
  std::shared_ptr<const Model> model(const std::string& name) const;

  bool contains(const std::string& name) const { return find(name) != nullptr; }
  const Entry* find(const std::string& name) const;  // nullptr if unknown
  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<std::string> names() const;

 private:
  [[noreturn]] void unknown(const std::string& name, const std::string& kind, bool pk_only) const;
  std::vector<Entry> entries_;
};

}  // namespace twinsim::pkpd
