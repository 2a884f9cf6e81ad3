#include "twinsim/trial/protocol/dose_modification.hpp"

namespace twinsim::trial {

bool hold_exceeds_limit(const vp::DoseModificationSpec& rule, double resume_h, double cycle_end_h) {
  return resume_h + rule.recheck_interval_h - cycle_end_h > rule.max_hold_h + 1e-9;
}

int level_after_dlt(const vp::DoseModificationSpec& rule, int level) {
  if (rule.after_dlt == vp::DltAction::kDiscontinue || level - rule.reduce_levels < 0) return -1;
  return level - rule.reduce_levels;
}

}  // namespace twinsim::trial
