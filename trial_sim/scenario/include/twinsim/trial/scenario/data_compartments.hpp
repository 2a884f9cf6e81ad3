// How a NONMEM-format data set is read against a scenario's PK model: its
// compartments by NONMEM number (docs/models.md, "Compartment numbering"),
// every PK state but AUC, the absorption compartments taking bolus (oral)
// doses only; and which route a data set's dose into a compartment is.
#pragma once

#include "twinsim/core/nonmem_data.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace twinsim::trial {

core::DataSetOptions data_set_options(const PkSpec& pk);

// A record of the data set (TIME, AMT, RATE, CMT) as a dosing record: RATE > 0
// an infusion by rate; otherwise a bolus into the model's oral entry is an
// oral dose (with the model's D1, if any), into any other compartment an IV bolus.
DoseRecordSpec data_dose_record(const PkSpec& pk, const pkpd::PkSystem& typical, double time_h, double amt,
                                double rate, int cmt);

}  // namespace twinsim::trial
