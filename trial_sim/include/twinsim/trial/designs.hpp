// Parsers of the built-in designs (one .cpp each in src/designs/).
#pragma once

#include "twinsim/trial/design.hpp"

namespace twinsim::trial {

// Upper bound on patients in one trial of any design (input-size limit).
constexpr int kMaxPatientsPerTrial = 100000;

std::unique_ptr<Design> parse_fixed(core::MapReader& r, const DesignContext& ctx);

}  // namespace twinsim::trial
