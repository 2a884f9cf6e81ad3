#include "twinsim/pkpd/registry.hpp"

#include <stdexcept>

#include "twinsim/pkpd/models.hpp"
#include "twinsim/pkpd/pd_models.hpp"

namespace twinsim::pkpd {

namespace {
ModelRegistry build() {
  ModelRegistry r;
  // One line per model.
  r.add<OneCompartment>("one_compartment", "1-compartment disposition (CL, V)");
  r.add<TwoCompartment>("two_compartment", "2-compartment disposition (CL, V1, Q, V2)");
  r.add<ThreeCompartment>("three_compartment", "3-compartment disposition (CL, V1, Q, V2, Q3, V3)");
  r.add_pd("emax", "direct (sigmoid) Emax effect of concentration", std::make_shared<EmaxEffect>());
  r.add_pd("linear_effect", "direct linear effect of concentration", std::make_shared<LinearEffect>());
  r.add_pd("log_linear_effect", "direct log-linear effect of concentration", std::make_shared<LogLinearEffect>());
  r.add_pd("effect_compartment", "effect-site concentration Ce lagging plasma (KE0)", std::make_shared<EffectCompartment>());
  r.add_pd("indirect_response_1", "Jusko type I: inhibition of production", std::make_shared<IndirectResponse>(1));
  r.add_pd("indirect_response_2", "Jusko type II: inhibition of loss", std::make_shared<IndirectResponse>(2));
  r.add_pd("indirect_response_3", "Jusko type III: stimulation of production", std::make_shared<IndirectResponse>(3));
  r.add_pd("indirect_response_4", "Jusko type IV: stimulation of loss", std::make_shared<IndirectResponse>(4));
  r.add_pd("friberg", "Friberg myelosuppression, linear drug effect -> ANC", std::make_shared<Friberg>(false));
  r.add_pd("friberg_emax", "Friberg myelosuppression, Emax drug effect -> ANC", std::make_shared<Friberg>(true));
  r.add_pd("claret", "Claret tumour growth inhibition -> TUMOR (mm)", std::make_shared<Claret>());
  r.add_pd("simeoni", "Simeoni tumour growth inhibition -> TUMOR (mm)", std::make_shared<Simeoni>());
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

const PdEntry* ModelRegistry::pd(const std::string& name) const {
  for (const auto& e : pd_)
    if (e.name == name) return &e;
  return nullptr;
}

std::vector<std::string> ModelRegistry::pd_names() const {
  std::vector<std::string> names;
  for (const auto& e : pd_) names.push_back(e.name);
  return names;
}

int find_param(const std::vector<ParamSpec>& specs, const std::string& name) {
  for (std::size_t i = 0; i < specs.size(); ++i)
    if (specs[i].name == name) return static_cast<int>(i);
  return -1;
}

}  // namespace twinsim::pkpd
