// `type: fixed`: a protocol-defined arm. One cohort of `patients` at `dose`;
// nothing is selected.
#include <algorithm>
#include <cmath>

#include "twinsim/trial/designs/designs.hpp"

namespace twinsim::trial {

namespace {

class FixedRun final : public DesignRun {
 public:
  FixedRun(int dose, int patients) : dose_(dose), patients_(patients) {}
  Decision first() override { return {false, dose_, patients_}; }
  Decision next(const TrialData&) override { return {true, -1, 0}; }
  int select(const TrialData&) override { return -1; }

 private:
  int dose_;
  int patients_;
};

class FixedDesign final : public Design {
 public:
  FixedDesign(int dose, int patients) : dose_(dose), patients_(patients) {}
  std::unique_ptr<DesignRun> start() const override { return std::make_unique<FixedRun>(dose_, patients_); }
  int max_patients() const override { return patients_; }

 private:
  int dose_;
  int patients_;
};

}  // namespace

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
  return std::make_unique<FixedDesign>(static_cast<int>(it - ctx.dose_levels.begin()),
                                       static_cast<int>(*patients));
}

}  // namespace twinsim::trial
