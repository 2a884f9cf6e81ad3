// The machinery mTPI-2 and i3+3 share (internal to trial_sim): both are
// "decision table" designs. Their rules differ only in the action E/S/D taken
// for y DLTs among n patients at the current dose; dose exclusion, stopping,
// the flow between cohorts and the MTD selection are the same in both papers.
#pragma once

#include <memory>

#include "twinsim/trial/designs/designs.hpp"

namespace twinsim::trial::detail {

// Largest max_patients the interval designs accept: their decision tables are
// computed once per design for n = 1..max_patients (phase I sizes are far below).
constexpr int kIntervalMaxPatients = 1000;

struct IntervalOptions {
  double target = 0.3;
  double eps1 = 0.05;        // EI lower half-width
  double eps2 = 0.05;        // EI upper half-width
  int cohort_size = 3;
  int max_patients = 30;
  int start_dose = 0;        // 0-based
  double cutoff_eli = 0.95;  // exclude when P(p > target | data) > cutoff_eli
  int exclusion_min_n = 3;   // ... and at least this many patients at the dose
  int n_earlystop = 0;       // > 0: stop when the next cohort's dose already has this many; 0: off
};

using IntervalActionFn = IntervalAction (*)(double target, double eps1, double eps2, int y, int n);

// Reads every key the two designs share (all of them: target, epsilon1,
// epsilon2, cohort_size, max_patients, start_dose, cutoff_eli,
// exclusion_min_n, n_earlystop). Returns false after adding diagnostics.
bool parse_interval_options(core::MapReader& r, const DesignContext& ctx, IntervalOptions& o);

std::unique_ptr<Design> make_interval_design(const IntervalOptions& o, int n_doses, IntervalActionFn action);

}  // namespace twinsim::trial::detail
