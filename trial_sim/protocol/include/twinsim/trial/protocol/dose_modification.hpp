// Dose holds, reductions and discontinuation after a DLT
// (population.dose_modification, docs/population.md): the protocol's rule and
// its record, apart from the simulation that applies it cycle by cycle
// (patient/src/pk_cycles.cpp). Times in hours.
#pragma once

#include <limits>
#include <vector>

#include "twinsim/vp/population_spec.hpp"

namespace twinsim::trial {

// What dose modification did to one patient (population.dose_modification).
struct DoseHistory {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> cycle_start_h;  // actual start of each cycle (NaN: not started)
  std::vector<double> cycle_dose_mg;  // amount per administration (0: not started)
  int n_holds = 0;                    // delayed cycle starts
  double hold_h = 0.0;                // total delay
  int n_reductions = 0;
  int final_dose = -1;                // dose index of the last cycle started
  double discontinued_h = kNaN;       // when treatment was stopped by the rule

  void reset(int cycles) {
    cycle_start_h.assign(static_cast<std::size_t>(cycles), kNaN);
    cycle_dose_mg.assign(static_cast<std::size_t>(cycles), 0.0);
    n_holds = 0;
    hold_h = 0.0;
    n_reductions = 0;
    final_dose = -1;
    discontinued_h = kNaN;
  }
};

// Whether one more recovery check, rule.recheck_interval_h after resume_h,
// would delay the next cycle (due at cycle_end_h) longer than rule.max_hold_h:
// then the protocol stops treatment instead.
bool hold_exceeds_limit(const vp::DoseModificationSpec& rule, double resume_h, double cycle_end_h);

// The dose index of the next cycle after a cycle with a DLT at index `level`,
// or -1 when the rule discontinues treatment (kDiscontinue, or no dose level
// left to reduce to).
int level_after_dlt(const vp::DoseModificationSpec& rule, int level);

}  // namespace twinsim::trial
