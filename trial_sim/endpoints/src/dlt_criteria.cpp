// The table of DLT criterion kinds: one row each, one registry line each.
#include <algorithm>

#include "twinsim/trial/endpoints/dlt_rule.hpp"

namespace twinsim::trial {

namespace {

using core::ConfigNode;
using core::Diagnostics;

const DltCriterionType kGraded = {
    "grade_at_least",
    [](const ConfigNode& value, Diagnostics& diag, DltCriterion& c) {
      if (c.variable != kAncOutput) {
        diag.error(value.key_mark(), value.path(), "CTCAE grades are defined for ANC (neutrophil count) only");
        return false;
      }
      const auto g = core::read_int(value, diag, core::Range::closed(1, 4));
      if (!g) return false;
      c.grade = static_cast<int>(*g);
      return true;
    },
    [](const DltCriterion& c, double v, const DltRule& rule) { return neutropenia_grade(v, rule.anc_lln) >= c.grade; },
    [](const DltCriterion&, double v, int recover_to_grade, const DltRule& rule) {
      return neutropenia_grade(v, rule.anc_lln) <= recover_to_grade;
    }};

bool read_threshold(const ConfigNode& value, Diagnostics& diag, DltCriterion& c) {
  const auto v = core::read_double(value, diag);
  if (v) c.threshold = *v;
  return v.has_value();
}

const DltCriterionType kAboveType = {
    "above", read_threshold, [](const DltCriterion& c, double v, const DltRule&) { return v > c.threshold; }};
const DltCriterionType kBelowType = {
    "below", read_threshold, [](const DltCriterion& c, double v, const DltRule&) { return v < c.threshold; }};

std::vector<const DltCriterionType*>& registry() {
  static std::vector<const DltCriterionType*> types = {&kGraded, &kAboveType, &kBelowType};
  return types;
}

}  // namespace

const DltCriterionType* const DltCriterion::Kind::kNeutropeniaGrade = &kGraded;
const DltCriterionType* const DltCriterion::Kind::kAbove = &kAboveType;
const DltCriterionType* const DltCriterion::Kind::kBelow = &kBelowType;

const std::vector<const DltCriterionType*>& dlt_criterion_types() { return registry(); }

void register_dlt_criterion(const DltCriterionType& type) {
  auto& r = registry();
  const auto same = [&](const DltCriterionType* t) { return t->key == type.key; };
  r.erase(std::remove_if(r.begin(), r.end(), same), r.end());
  r.push_back(&type);
}

}  // namespace twinsim::trial
