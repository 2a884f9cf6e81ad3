#include "twinsim/pkpd/registry.hpp"

#include <stdexcept>

#include "twinsim/pkpd/models.hpp"

namespace twinsim::pkpd {

namespace {
ModelRegistry build() {
  ModelRegistry r;
  // One line per model.
  r.add<OneCompartment>("one_compartment", "1-compartment disposition (CL, V)");
  r.add<TwoCompartment>("two_compartment", "2-compartment disposition (CL, V1, Q, V2)");
  r.add<ThreeCompartment>("three_compartment", "3-compartment disposition (CL, V1, Q, V2, Q3, V3)");
  return r;
}
}  // namespace

const ModelRegistry& registry() {
  static const ModelRegistry r = build();  // thread-safe since C++11
  return r;
}

const DispositionEntry& ModelRegistry::disposition(const std::string& name) const {
  for (const auto& e : dispositions_)
    if (e.name == name) return e;
  std::string known;
  for (const auto& e : dispositions_) known += (known.empty() ? "" : ", ") + e.name;
  throw std::out_of_range("unknown model '" + name + "'; known models: " + known);
}

const DispositionEntry* ModelRegistry::disposition_by_compartments(int n) const {
  for (const auto& e : dispositions_)
    if (e.make()->compartments() == n) return &e;
  return nullptr;
}

int find_param(const std::vector<ParamSpec>& specs, const std::string& name) {
  for (std::size_t i = 0; i < specs.size(); ++i)
    if (specs[i].name == name) return static_cast<int>(i);
  return -1;
}

}  // namespace twinsim::pkpd
