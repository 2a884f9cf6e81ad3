// Models are registered by name in one list (pkpd/src/registry.cpp), with no
// static-initialisation tricks. Asking for an unknown name lists the known ones.
// The catalog (model_catalog.hpp) serves all of them, and models added at run
// time, through the general model interface (model.hpp).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "twinsim/pkpd/disposition.hpp"
#include "twinsim/pkpd/model.hpp"
#include "twinsim/pkpd/pd_model.hpp"

namespace twinsim::pkpd {

struct DispositionEntry {
  std::string name;          // "two_compartment"
  std::string description;
  std::function<std::unique_ptr<Disposition>()> make;
};

struct PdEntry {
  std::string name;         // "friberg"
  std::string description;
  std::shared_ptr<const PdModel> model;  // stateless: shared by all patients and threads
};

// A model written directly against the general interface.
struct ModelEntry {
  std::string name;
  std::string description;
  std::shared_ptr<const Model> model;  // inert: shared by all patients and threads
};

class ModelRegistry {
 public:
  template <class T>
  void add(std::string name, std::string description) {
    dispositions_.push_back({std::move(name), std::move(description),
                             [] { return std::unique_ptr<Disposition>(new T()); }});
  }
  void add_pd(std::string name, std::string description, std::shared_ptr<const PdModel> model) {
    pd_.push_back({std::move(name), std::move(description), std::move(model)});
  }
  template <class T>
  void add_model(std::string name, std::string description) {
    models_.push_back({std::move(name), std::move(description), std::make_shared<const T>()});
  }
  const std::vector<ModelEntry>& models() const { return models_; }
  const std::vector<PdEntry>& pd_models() const { return pd_; }
  // nullptr if unknown.
  const PdEntry* pd(const std::string& name) const;
  std::vector<std::string> pd_names() const;
  const std::vector<DispositionEntry>& dispositions() const { return dispositions_; }
  // Throws std::out_of_range listing the known names.
  const DispositionEntry& disposition(const std::string& name) const;
  // The disposition with this many compartments, or nullptr.
  const DispositionEntry* disposition_by_compartments(int n) const;

 private:
  std::vector<DispositionEntry> dispositions_;
  std::vector<PdEntry> pd_;
  std::vector<ModelEntry> models_;
};

// The registry of built-in models, built on first use.
const ModelRegistry& registry();

}  // namespace twinsim::pkpd
