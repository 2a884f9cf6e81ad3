#include "twinsim/trial/protocol/regimen.hpp"

#include <algorithm>

namespace twinsim::trial {

std::vector<double> RegimenSpec::dose_times() const {
  std::vector<double> t;
  t.reserve(static_cast<std::size_t>(cycles) * static_cast<std::size_t>(doses_per_cycle));
  for (int c = 0; c < cycles; ++c)
    for (int d = 0; d < doses_per_cycle; ++d) t.push_back(c * cycle_length_h + d * interval_h);
  return t;
}

double RegimenSpec::end_time() const {
  const double last_dose = (cycles - 1) * cycle_length_h + (doses_per_cycle - 1) * interval_h;
  return std::max(cycles * cycle_length_h, last_dose + interval_h);
}

}  // namespace twinsim::trial
