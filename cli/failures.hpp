// The stderr warning about patients whose model could not be solved, shared by
// `twinsim run` and `twinsim sweep` (one per variant there).
#pragma once

#include <string>

#include "twinsim/trial/runner/run.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace twinsim::cli {

// prefix: "" for a run, "variant <id>: " in a sweep.
void print_failures(const trial::Scenario& s, const trial::RunSummary& r, const std::string& prefix);

}  // namespace twinsim::cli
