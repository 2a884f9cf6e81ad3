#include <algorithm>
#include <cmath>
#include <stdexcept>
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

int read_start_dose(core::MapReader& r, const DesignContext& ctx, int fallback) {
  const double last = ctx.n_doses > 0 ? static_cast<double>(ctx.n_doses - 1) : 0.0;
  return static_cast<int>(r.optional_int("start_dose", fallback, core::Range::closed(0, last)));
}

void validate_cohort_options(int cohort_size, int max_patients, int limit, const char* design) {
  const std::string d(design);
  if (cohort_size < 1 || cohort_size > limit)
    throw std::invalid_argument(d + ": cohort_size must be in [1, " + std::to_string(limit) + "]");
  if (max_patients < cohort_size || max_patients > limit)
    throw std::invalid_argument(d + ": max_patients must be in [cohort_size, " + std::to_string(limit) + "]");
}

void validate_start_dose(int start_dose, std::size_t n_doses, const char* design) {
  if (n_doses == 0) throw std::invalid_argument(std::string(design) + ": no dose levels");
  if (start_dose < 0 || static_cast<std::size_t>(start_dose) >= n_doses)
    throw std::invalid_argument(std::string(design) + ": start_dose must be a dose index in [0, " +
                                std::to_string(n_doses - 1) + "]");
}

std::optional<int> read_dose_level(core::MapReader& r, const DesignContext& ctx, const char* key) {
  const core::ConfigNode node = r.require(key);
  const auto dose = node.is_missing() ? std::nullopt : core::read_double(node, r.diagnostics());
  // Without dose levels (already reported) the dose cannot be checked.
  if (!dose || ctx.dose_levels.empty()) return std::nullopt;
  const double want = dose.value();
  const auto it = std::find_if(ctx.dose_levels.begin(), ctx.dose_levels.end(),
                               [want](double d) { return std::abs(d - want) <= 1e-9 * std::max(1.0, std::abs(d)); });
  if (it == ctx.dose_levels.end()) {
    std::string levels;
    for (double d : ctx.dose_levels) levels += (levels.empty() ? "" : ", ") + core::format_number(d);
    r.diagnostics().error(node.mark(), node.path(), "dose " + node.scalar() + " is not one of dose_levels [" + levels + "]");
    return std::nullopt;
  }
  return static_cast<int>(it - ctx.dose_levels.begin());
}

}  // namespace twinsim::trial
