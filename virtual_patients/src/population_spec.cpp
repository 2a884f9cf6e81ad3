#include "twinsim/vp/population_spec.hpp"

namespace twinsim::vp {

std::vector<std::string> PopulationSpec::covariate_names() const {
  std::vector<std::string> names;
  if (csv) names = csv->table.names();
  for (const auto& c : covariates) names.push_back(c.name);
  for (const auto& d : derived) names.push_back(d.name);
  return names;
}

bool PopulationSpec::typical_only() const {
  return effects.empty() && iiv.empty() && iov.empty();
}

}  // namespace twinsim::vp
