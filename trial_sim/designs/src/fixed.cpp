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
  const auto dose = read_dose_level(r, ctx, "dose");
  const auto patients = r.required_int("patients", core::Range::closed(1, kMaxPatientsPerTrial));
  if (!dose || !patients) return nullptr;
  FixedOptions o;
  o.dose_index = *dose;
  o.patients = static_cast<int>(*patients);
  return std::make_unique<Fixed>(o, ctx.dose_levels.size());
}

}  // namespace twinsim::trial
