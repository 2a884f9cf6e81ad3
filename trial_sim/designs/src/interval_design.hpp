// The YAML keys mTPI-2 and i3+3 share (internal to designs/): both are
// "decision table" designs whose rules differ only in the action E/S/D taken
// for y DLTs among n patients at the current dose (IntervalDesign, designs.hpp).
#pragma once

#include "twinsim/trial/designs/designs.hpp"

namespace twinsim::trial::detail {

// Reads every key the two designs share (all of them: target, epsilon1,
// epsilon2, cohort_size, max_patients, start_dose, cutoff_eli,
// exclusion_min_n, n_earlystop). Returns false after adding diagnostics.
bool parse_interval_options(core::MapReader& r, const DesignContext& ctx, IntervalOptions& o);

}  // namespace twinsim::trial::detail
