// A DLT definition: any of several criteria met within the DLT window. The
// kinds of criterion are a table (dlt_criteria.cpp, one row each; more by
// register_dlt_criterion()); the built-ins:
//  - grade_at_least: CTCAE neutropenia grade of ANC >= grade;
//  - above / below: a model output above (or below) a value;
// each for at least min_duration_h (0 = any single sample).
// An episode must start inside the window and may last beyond it. Evaluated
// on the sampled time course (output grid plus dose times), so durations are
// resolved to the grid step.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "twinsim/core/config.hpp"
#include "twinsim/trial/endpoints/ctcae.hpp"

namespace twinsim::trial {

struct DltCriterion;
struct DltRule;

// One kind of DLT criterion, named by its key in endpoints.dlt.criteria[i].
struct DltCriterionType {
  std::string key;  // "grade_at_least", "above", "below"
  // Reads the key's value into c (c.variable is already set); false after
  // reporting the problem to diag.
  bool (*read)(const core::ConfigNode& value, core::Diagnostics& diag, DltCriterion& c);
  // Whether one value of c.variable meets the criterion.
  bool (*meets)(const DltCriterion& c, double v, const DltRule& rule);
  // Whether v is recovered enough to resume treatment (dose modification's
  // recover_to_grade); null: whenever the criterion is not met.
  bool (*recovered)(const DltCriterion& c, double v, int recover_to_grade, const DltRule& rule) = nullptr;
};

// The registered kinds, in the order their keys are listed in messages.
const std::vector<const DltCriterionType*>& dlt_criterion_types();
// Adds a kind (the object must outlive every rule using it). Not
// thread-safe: register before loading scenarios.
void register_dlt_criterion(const DltCriterionType& type);

struct DltCriterion {
  // The built-in kinds, for rules written in code.
  struct Kind {
    static const DltCriterionType* const kNeutropeniaGrade;
    static const DltCriterionType* const kAbove;
    static const DltCriterionType* const kBelow;
  };
  const DltCriterionType* kind = Kind::kNeutropeniaGrade;
  std::string variable = kAncOutput;  // model output the criterion reads
  int grade = 4;                      // graded kinds
  double threshold = 0.0;             // threshold kinds
  double min_duration_h = 0.0;
};

struct DltRule {
  std::vector<DltCriterion> criteria;
  double window_start_h = 0.0;
  double window_end_h = 0.0;  // inclusive
  double anc_lln = kDefaultAncLln;
};

struct DltResult {
  bool dlt = false;
  // Onset of the first qualifying episode (h), NaN without DLT.
  double time_h = std::numeric_limits<double>::quiet_NaN();
};

// series[i] holds the values of criteria[i].variable at times t (ascending).
DltResult evaluate_dlt(const DltRule& rule, const std::vector<double>& t,
                       const std::vector<const std::vector<double>*>& series);

// Whether every criterion's value in values[i] has recovered to resume treatment.
bool dlt_recovered(const DltRule& rule, const std::vector<double>& values, int recover_to_grade);

}  // namespace twinsim::trial
