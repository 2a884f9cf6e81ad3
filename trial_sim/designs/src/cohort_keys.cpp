#include <string>

#include "twinsim/trial/designs/designs.hpp"

namespace twinsim::trial {

void read_cohort_keys(core::MapReader& r, int limit, int& cohort_size, int& max_patients) {
  const auto range = core::Range::closed(1, limit);
  const int default_max = max_patients;
  cohort_size = static_cast<int>(r.optional_int("cohort_size", cohort_size, range));
  max_patients = static_cast<int>(r.optional_int("max_patients", max_patients, range));
  if (max_patients < cohort_size) {
    // At the key the user wrote; both given: at max_patients.
    const core::ConfigNode m = r.get("max_patients");
    const core::ConfigNode c = r.get("cohort_size");
    if (!m.is_missing()) {
      r.diagnostics().error(m.mark(), m.path(),
                            "must be >= cohort_size " + std::to_string(cohort_size) + " (got " + m.scalar() + ")");
    } else {
      r.diagnostics().error(c.mark(), c.path(),
                            "must be <= max_patients " + std::to_string(default_max) + " (the default; got " +
                                c.scalar() + ")");
    }
  }
}

}  // namespace twinsim::trial
