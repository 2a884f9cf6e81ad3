// Reads and validates the scenario's `population` map (docs/population.md).
// Errors never throw: each is added to the diagnostics at the node it concerns
// (file:line:col and key path), and parsing continues to find the others.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "twinsim/core/config.hpp"
#include "twinsim/vp/population_spec.hpp"

namespace twinsim::vp {

// What the population block is checked against.
struct PopulationContext {
  std::vector<std::string> parameter_names;  // model parameters, e.g. CL, V1, ANC.SLOPE
  std::vector<double> typical_values;        // same order; empty: not checked
  std::vector<std::string> output_names;     // observable variables (Cc, ANC, ...); empty: not checked
  int n_cycles = 1;                          // treatment cycles (occasions for IOV)
  std::string base_dir;                      // folder of the scenario file (relative CSV paths)
};

// Returns the validated spec, or nullopt if any diagnostic was added. A missing
// or null node gives an empty spec (every patient is the typical patient).
std::optional<PopulationSpec> parse_population(const core::ConfigNode& node, core::Diagnostics& diag,
                                               const PopulationContext& context);

// Shorthand for the common case.
std::optional<PopulationSpec> parse_population(const core::ConfigNode& node, core::Diagnostics& diag,
                                               const std::vector<std::string>& parameter_names,
                                               int n_cycles, const std::string& base_dir = "");

}  // namespace twinsim::vp
