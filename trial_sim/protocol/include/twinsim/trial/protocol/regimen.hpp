// The treatment schedule a scenario gives (`regimen`): route, dosing
// interval, cycles. Times in hours from the first dose.
#pragma once

#include <vector>

#include "twinsim/pkpd/pk_model.hpp"

namespace twinsim::trial {

struct RegimenSpec {
  pkpd::Route route = pkpd::Route::kOral;
  double interval_h = 24.0;
  int doses_per_cycle = 1;
  double cycle_length_h = 24.0;
  int cycles = 1;
  double infusion_duration_h = 0.0;  // iv_infusion only

  // Dose times (h) of the whole regimen, ascending.
  std::vector<double> dose_times() const;
  // End of the simulated period: the last cycle's end, and at least one full
  // dosing interval after the last dose.
  double end_time() const;
};

}  // namespace twinsim::trial
