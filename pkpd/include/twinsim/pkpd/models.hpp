// Built-in disposition models (declarations only; one .cpp each in src/models/).
#pragma once

#include "twinsim/pkpd/disposition.hpp"

namespace twinsim::pkpd {

#define TWINSIM_DECLARE_DISPOSITION(Name)                              \
  class Name final : public Disposition {                              \
   public:                                                             \
    int compartments() const override;                                 \
    std::vector<ParamSpec> parameters() const override;                \
    MicroConstants micro_constants(const double* values) const override; \
    std::string equations() const override;                            \
  };

TWINSIM_DECLARE_DISPOSITION(OneCompartment)
TWINSIM_DECLARE_DISPOSITION(TwoCompartment)
TWINSIM_DECLARE_DISPOSITION(ThreeCompartment)

#undef TWINSIM_DECLARE_DISPOSITION

}  // namespace twinsim::pkpd
