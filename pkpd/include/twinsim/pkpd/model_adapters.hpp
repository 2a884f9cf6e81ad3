// The built-in PK and PD models as general Models (model.hpp). They run the
// engines' own code (the PK system of pk_model.hpp, the PdModel functions), so
// every number is the engines' (tests/validation/test_model_interface.cpp).
// The catalog (model_catalog.hpp) finds them by name.
#pragma once

#include <memory>
#include <string>

#include "twinsim/pkpd/model.hpp"
#include "twinsim/pkpd/pd_model.hpp"
#include "twinsim/pkpd/pk_model.hpp"

namespace twinsim::pkpd {

struct PkModelOptions {
  Absorption absorption = Absorption::kNone;
  Elimination elimination = Elimination::kLinear;
  // NTR for absorption: transit, 1..kMaxTransit; 0 otherwise. Structural here
  // (it fixes the number of states), so it is not among the parameters.
  int transit_compartments = 0;
};

// A PK model of 1, 2 or 3 compartments. States in NONMEM's ADVAN order (docs/models.md):
// [TR1..TRn] [DEPOT] CENT [PERI1 [PERI2]] AUC, amounts in mg, AUC in mg*h/L.
// Outputs Cc (mg/L) and AUC (mg*h/L); no driving inputs; dosing routes "oral"
// (with an absorption process) and "iv", modified by the parameters F, TLAG
// and, for zero-order absorption, D1. Parameters as PkModel::parameters(),
// NTR left out. Throws std::invalid_argument for an unknown compartment count
// or transit_compartments out of range.
std::shared_ptr<const Model> make_pk_model(int compartments, const PkModelOptions& options = {});

// A PD model of the registry: its parameters and states, one output (ANC,
// TUMOR, E, Ce, R), one driving input "C" (mg/L): Cc, or an effect
// compartment's Ce.
std::shared_ptr<const Model> make_pd_model(const std::string& name, const std::string& description,
                                           std::shared_ptr<const PdModel> pd);

}  // namespace twinsim::pkpd
