#include "twinsim/trial/endpoints/dlt_rule.hpp"

#include <cmath>

namespace twinsim::trial {

DltResult evaluate_dlt(const DltRule& rule, const std::vector<double>& t,
                       const std::vector<const std::vector<double>*>& series) {
  DltResult best;
  for (std::size_t k = 0; k < rule.criteria.size(); ++k) {
    const DltCriterion& c = rule.criteria[k];
    const std::vector<double>& v = *series[k];
    double onset = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (t[i] < rule.window_start_h) continue;
      if (c.kind->meets(c, v[i], rule)) {
        // An episode must start inside the window; it may last beyond it
        // (a grade 4 neutropenia starting on day 19 of a 21-day window and
        // lasting 7 days is a DLT, as protocols count onset).
        if (std::isnan(onset)) {
          if (t[i] > rule.window_end_h) break;
          onset = t[i];
        }
        if (t[i] - onset >= c.min_duration_h) {
          if (!best.dlt || onset < best.time_h) {
            best.dlt = true;
            best.time_h = onset;
          }
          break;
        }
      } else {
        onset = std::numeric_limits<double>::quiet_NaN();
        if (t[i] > rule.window_end_h) break;
      }
    }
  }
  return best;
}

bool dlt_recovered(const DltRule& rule, const std::vector<double>& values, int recover_to_grade) {
  for (std::size_t k = 0; k < rule.criteria.size(); ++k) {
    const DltCriterion& c = rule.criteria[k];
    const bool ok = c.kind->recovered ? c.kind->recovered(c, values[k], recover_to_grade, rule)
                                      : !c.kind->meets(c, values[k], rule);
    if (!ok) return false;
  }
  return true;
}

}  // namespace twinsim::trial
