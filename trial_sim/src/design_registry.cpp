#include "twinsim/trial/designs.hpp"

namespace twinsim::trial {

const std::vector<DesignEntry>& design_registry() {
  // One line per design.
  static const std::vector<DesignEntry> entries = {
      {"fixed", "protocol-defined arm: `patients` patients at `dose`", &parse_fixed},
  };
  return entries;
}

const DesignEntry* find_design(const std::string& type) {
  for (const auto& e : design_registry())
    if (e.type == type) return &e;
  return nullptr;
}

}  // namespace twinsim::trial
