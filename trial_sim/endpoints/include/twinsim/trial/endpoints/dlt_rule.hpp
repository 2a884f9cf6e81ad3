// A DLT definition: any of several criteria met within the DLT window.
//  - graded: CTCAE neutropenia grade of ANC >= grade, for at least min_duration_h
//    (0 = any single sample);
//  - threshold: a model output above (or below) a value for at least min_duration_h.
// An episode must start inside the window and may last beyond it. Evaluated
// on the sampled time course (output grid plus dose times), so durations are
// resolved to the grid step.
#pragma once

#include <limits>
#include <string>
#include <vector>

namespace twinsim::trial {

struct DltCriterion {
  enum class Kind { kNeutropeniaGrade, kAbove, kBelow };
  Kind kind = Kind::kNeutropeniaGrade;
  std::string variable = "ANC";  // model output the criterion reads
  int grade = 4;                 // kNeutropeniaGrade
  double threshold = 0.0;        // kAbove / kBelow
  double min_duration_h = 0.0;
};

struct DltRule {
  std::vector<DltCriterion> criteria;
  double window_start_h = 0.0;
  double window_end_h = 0.0;  // inclusive
  double anc_lln = 2.0;
};

struct DltResult {
  bool dlt = false;
  // Onset of the first qualifying episode (h), NaN without DLT.
  double time_h = std::numeric_limits<double>::quiet_NaN();
};

// series[i] holds the values of criteria[i].variable at times t (ascending).
DltResult evaluate_dlt(const DltRule& rule, const std::vector<double>& t,
                       const std::vector<const std::vector<double>*>& series);

}  // namespace twinsim::trial
