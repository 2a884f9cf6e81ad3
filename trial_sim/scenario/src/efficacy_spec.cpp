// `efficacy` (design-only mode): true response probabilities per dose and the
// correlation of response with the DLT.
#include "scenario_parts.hpp"

namespace twinsim::trial {

std::optional<EfficacySpec> read_efficacy(const core::ConfigNode& node, core::Diagnostics& diag, std::size_t n_doses) {
  core::MapReader r(node, diag);
  if (!r.valid()) {
    diag.error(node.mark(), node.path(), "expected a map with true_response_probabilities, got " + node.describe());
    return std::nullopt;
  }
  const EfficacySpec defaults;
  EfficacySpec e;
  const core::ConfigNode p = r.require("true_response_probabilities");
  // |rho| = 1 makes the conditional normal degenerate; the copula needs |rho| < 1.
  e.correlation = r.optional_double("correlation", defaults.correlation, {-1.0, 1.0, true, true});
  r.finish();
  if (p.is_missing()) return std::nullopt;
  auto v = core::read_double_list(p, diag, core::Range::unit(), ScenarioLimits::kMaxDoseLevels);
  if (!v) return std::nullopt;
  if (n_doses > 0 && v->size() != n_doses) {
    diag.error(p.mark(), p.path(),
               "has " + std::to_string(v->size()) + " probabilities for " + std::to_string(n_doses) + " dose levels");
    return std::nullopt;
  }
  e.true_response_probabilities = std::move(*v);
  return e;
}

}  // namespace twinsim::trial
