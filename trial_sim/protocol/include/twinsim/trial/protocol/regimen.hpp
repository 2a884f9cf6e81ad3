// The treatment schedule a scenario gives (`regimen`): a list of dosing
// records repeated every cycle, with NONMEM semantics (docs/scenario-reference.md).
// Times in hours (record times from the start of their cycle), amounts in mg,
// rates in mg/h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "twinsim/core/dosing.hpp"
#include "twinsim/pkpd/pk_model.hpp"

namespace twinsim::trial {

// One dosing record of every cycle (a NONMEM EVID=1 row).
struct DoseRecordSpec {
  double time_h = 0.0;                // from the start of the cycle
  std::optional<double> amount_mg;    // absolute amount (mg); unset: dose_factor x the dose level
  double dose_factor = 1.0;
  pkpd::Route route = pkpd::Route::kOral;
  double duration_h = 0.0;            // iv_infusion by duration (NONMEM RATE=-2: F scales the rate)
  double rate_mg_per_h = 0.0;         // iv_infusion by rate (duration F*AMT/RATE, as NONMEM)
  int cmt = 0;                        // NONMEM compartment number (docs/models.md); 0: the route's default
  double ii_h = 0.0;                  // II
  int addl = 0;                       // ADDL

  // AMT (mg) of this record at dose level `level_mg`.
  double amount(double level_mg) const { return amount_mg ? *amount_mg : dose_factor * level_mg; }
};

// One administration of the whole regimen: when, from which record, in which cycle.
struct ScheduledDose {
  double time_h = 0.0;
  int record = 0;
  int cycle = 0;
};

// Body-size dosing (regimen.dose_unit): amounts per kg or per m² of body
// surface area, from the patient's covariates.
enum class DoseUnit { kMg, kMgPerKg, kMgPerM2 };
enum class BsaFormula { kDuBois, kMosteller };

struct BodySizeDosing {
  DoseUnit unit = DoseUnit::kMg;
  BsaFormula formula = BsaFormula::kDuBois;
  std::string weight_name = "WT", height_name = "HT";  // covariates: weight (kg), height (cm)
  int weight_covariate = -1;  // their indices among the population's covariates
  int height_covariate = -1;  // mg/m2 only
  double bsa_cap_m2 = 0.0;    // > 0: BSA used at most this
  double round_to_mg = 0.0;   // > 0: every amount rounded to the nearest multiple (strengths, vial steps)

  bool scales() const { return unit != DoseUnit::kMg || round_to_mg > 0; }
  // mg per dose unit for a patient with these covariates (1 for mg).
  double factor(const std::vector<double>& covariates) const;
  // The amount (mg) given for `amount` in dose units at that factor, rounded.
  double given_mg(double amount, double factor) const;
};

struct RegimenSpec {
  std::vector<DoseRecordSpec> records;  // every cycle's records
  double cycle_length_h = 24.0;
  int cycles = 1;
  // Dosing interval of the exposure metrics that need one (auc_first,
  // auc_last, ctrough). The shorthand's interval_h.
  double interval_h = 24.0;
  // Cycle 1 starts at the periodic steady state of the cycle repeated for ever (NONMEM SS=1).
  bool steady_state = false;
  std::string events_file;
  BodySizeDosing body_size;  // amounts (dose levels and amount_mg) are in body_size.unit  // regimen.events: the table the records came from ("" otherwise)

  // The shorthand `interval_h` / `doses_per_cycle` form: one record per
  // cycle at time 0 with II = interval, ADDL = doses - 1.
  static RegimenSpec every(pkpd::Route route, double interval_h, int doses_per_cycle, double cycle_length_h,
                           int cycles, double infusion_duration_h);

  // Administrations of one cycle (cycle 0), by time; equal times keep record order.
  std::vector<ScheduledDose> cycle_doses() const;
  // Administrations of the whole regimen, by time.
  std::vector<ScheduledDose> doses() const;
  // Dose times (h) of the whole regimen, ascending.
  std::vector<double> dose_times() const;
  int doses_per_cycle() const;
  // End of the simulated period: the last cycle's end, and at least one full
  // dosing interval after the last dose.
  double end_time() const;
};

// The dose record a PK system receives for record r given at time_h with
// AMT amount_mg, the system's F and lag applied as pkpd::make_dose does; ii
// and addl are left 0 (the caller decides whether to expand them).
core::DoseEvent make_record_dose(const pkpd::PkSystem& pk, const DoseRecordSpec& r, double time_h, double amount_mg);

// State index of NONMEM compartment `cmt` (1-based, ADVAN numbering:
// the PK state layout of pk_model.hpp without AUC), or -1 if there is none.
int state_of_cmt(const pkpd::PkSystem& pk, int cmt);

}  // namespace twinsim::trial
