#include "twinsim/trial/endpoints/ctcae.hpp"

#include <cmath>
#include <limits>

namespace twinsim::trial {

int neutropenia_grade(double anc, double lln) {
  if (std::isnan(anc)) return -1;
  if (anc < 0.5) return 4;
  if (anc < 1.0) return 3;
  if (anc < 1.5) return 2;
  if (anc < lln) return 1;
  return 0;
}

NeutropeniaSummary summarize_neutropenia(const std::vector<double>& t, const std::vector<double>& anc, double lln) {
  NeutropeniaSummary s;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  s.nadir = nan;
  s.nadir_time_h = nan;
  s.recovery_h = nan;
  std::size_t imin = 0;
  for (std::size_t i = 0; i < anc.size(); ++i) {
    if (!(anc[i] >= s.nadir)) {  // first strict minimum; also replaces the initial NaN
      s.nadir = anc[i];
      imin = i;
    }
    s.worst_grade = std::max(s.worst_grade, neutropenia_grade(anc[i], lln));
  }
  if (anc.empty()) return s;
  s.nadir_time_h = t[imin];
  if (neutropenia_grade(s.nadir, lln) >= 2) {
    for (std::size_t i = imin + 1; i < anc.size(); ++i) {
      if (anc[i] >= 1.5) {
        // Linear interpolation of the crossing between samples.
        const double f = (1.5 - anc[i - 1]) / (anc[i] - anc[i - 1]);
        s.recovery_h = t[i - 1] + f * (t[i] - t[i - 1]) - s.nadir_time_h;
        break;
      }
    }
  }
  return s;
}

}  // namespace twinsim::trial
