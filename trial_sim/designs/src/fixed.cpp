// `type: fixed`: a protocol-defined arm. One cohort of `patients` at `dose`;
// nothing is selected.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "twinsim/trial/designs/designs.hpp"

namespace twinsim::trial {

namespace {

class FixedRun final : public DesignRun {
 public:
  FixedRun(int dose, int patients) : dose_(dose), patients_(patients) {}
  Decision first() override { return {false, dose_, patients_}; }
  Decision next(const TrialHistory&, double) override { return {true, -1, 0}; }
  int select(const TrialHistory&, double) override { return -1; }

 private:
  int dose_;
  int patients_;
};

}  // namespace

void FixedOptions::validate(std::size_t n_doses) const {
  if (dose_index < 0 || static_cast<std::size_t>(dose_index) >= n_doses)
    throw std::invalid_argument("fixed: dose_index must be a dose index in [0, " + std::to_string(n_doses) + ")");
  if (patients < 1 || patients > kMaxPatientsPerTrial)
    throw std::invalid_argument("fixed: patients must be in [1, " + std::to_string(kMaxPatientsPerTrial) + "]");
}

Fixed::Fixed(const FixedOptions& o, std::size_t n_doses) : o_(o) { o_.validate(n_doses); }

std::unique_ptr<DesignRun> Fixed::start(DesignWorkspace*) const {
  return std::make_unique<FixedRun>(o_.dose_index, o_.patients);
}

std::unique_ptr<Design> parse_fixed(core::MapReader& r, const DesignContext& ctx) {
  const core::ConfigNode dose_node = r.require("dose");
  const auto dose = dose_node.is_missing() ? std::nullopt : core::read_double(dose_node, r.diagnostics());
  const auto patients = r.required_int("patients", core::Range::closed(1, kMaxPatientsPerTrial));
  // Without dose levels (already reported) the dose cannot be checked.
  if (!dose || !patients || ctx.dose_levels.empty()) return nullptr;
  const double want = dose.value();
  const auto it = std::find_if(ctx.dose_levels.begin(), ctx.dose_levels.end(),
                               [want](double d) { return std::abs(d - want) <= 1e-9 * std::max(1.0, std::abs(d)); });
  if (it == ctx.dose_levels.end()) {
    std::string levels;
    for (double d : ctx.dose_levels) levels += (levels.empty() ? "" : ", ") + core::format_number(d);
    r.diagnostics().error(dose_node.mark(), dose_node.path(),
                          "dose " + dose_node.scalar() + " is not one of dose_levels [" + levels + "]");
    return nullptr;
  }
  FixedOptions o;
  o.dose_index = static_cast<int>(it - ctx.dose_levels.begin());
  o.patients = static_cast<int>(*patients);
  return std::make_unique<Fixed>(o, ctx.dose_levels.size());
}

}  // namespace twinsim::trial
