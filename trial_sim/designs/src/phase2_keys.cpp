#include "phase2_keys.hpp"

namespace twinsim::trial::detail {

std::optional<ResponseRates> read_response_rates(core::MapReader& r, const DesignContext& ctx) {
  const auto p0 = r.required_double("p0", core::Range::open_unit());
  const auto p1 = r.required_double("p1", core::Range::open_unit());
  // One dose level: it is the dose; several: the key says which.
  std::optional<int> dose = 0;
  if (ctx.dose_levels.size() != 1 || r.has("dose")) dose = read_dose_level(r, ctx, "dose");
  if (!p0 || !p1 || !dose) return std::nullopt;
  if (!(*p1 > *p0)) {
    const core::ConfigNode n = r.get("p1");
    r.diagnostics().error(n.mark(), n.path(), "must be > p0 " + core::format_number(*p0) + " (got " + n.scalar() + ")");
    return std::nullopt;
  }
  return ResponseRates{*p0, *p1, *dose};
}

}  // namespace twinsim::trial::detail
