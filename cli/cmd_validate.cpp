#include <cstdio>

#include "commands.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace twinsim::cli {

void print_scenario_error(const std::exception& e) {
  if (const auto* se = dynamic_cast<const core::ScenarioError*>(&e)) {
    for (const auto& d : se->diagnostics()) std::fprintf(stderr, "%s\n", d.format().c_str());
    if (se->diagnostics().size() > 1) std::fprintf(stderr, "%zu errors\n", se->diagnostics().size());
  } else {
    std::fprintf(stderr, "twinsim: error: %s\n", e.what());
  }
}

int validate_command(const std::string& path) {
  const trial::Scenario s = trial::load_scenario_file(path);  // throws ScenarioError -> exit 2
  for (const auto& n : s.notes) std::fprintf(stderr, "twinsim: note: %s\n", n.c_str());
  std::printf("%s: valid (%s mode, %zu design%s, %zu dose levels)\n", path.c_str(),
              s.pkpd_mode() ? "PK/PD" : "design-only", s.designs.size(), s.designs.size() == 1 ? "" : "s",
              s.dose_levels.size());
  return 0;
}

}  // namespace twinsim::cli
