#include "twinsim/trial/endpoints/dlt_rule.hpp"

#include <cmath>

#include "twinsim/trial/endpoints/ctcae.hpp"

namespace twinsim::trial {

namespace {
bool meets(const DltCriterion& c, double v, double lln) {
  switch (c.kind) {
    case DltCriterion::Kind::kNeutropeniaGrade: return neutropenia_grade(v, lln) >= c.grade;
    case DltCriterion::Kind::kAbove: return v > c.threshold;
    case DltCriterion::Kind::kBelow: return v < c.threshold;
  }
  return false;
}
}  // namespace

DltResult evaluate_dlt(const DltRule& rule, const std::vector<double>& t,
                       const std::vector<const std::vector<double>*>& series) {
  DltResult best;
  for (std::size_t k = 0; k < rule.criteria.size(); ++k) {
    const DltCriterion& c = rule.criteria[k];
    const std::vector<double>& v = *series[k];
    double onset = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (t[i] < rule.window_start_h) continue;
      if (meets(c, v[i], rule.anc_lln)) {
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

}  // namespace twinsim::trial
