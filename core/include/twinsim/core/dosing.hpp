// Dose records with NONMEM semantics, and their expansion into the input
// actions a solver applies (bolus amounts and piecewise-constant infusion rates).
//
// Units: time h, amount mg, rate mg/h.
#pragma once

#include <string>
#include <vector>

namespace twinsim::core {

// One dosing record, as a NONMEM data row with EVID=1.
//  - amount    AMT (mg), before bioavailability.
//  - cmt       target state index (0-based, model-specific).
//  - rate      RATE (mg/h) > 0 for an infusion defined by its rate; the duration
//              is then F*AMT/RATE (bioavailability changes the duration).
//  - duration  D (h) > 0 for an infusion defined by its duration (NONMEM
//              RATE=-2); the rate is then F*AMT/D (bioavailability changes the rate).
//              Give at most one of rate and duration; neither means a bolus.
//  - ii, addl  ADDL additional doses every II hours after the first.
//  - lag       absorption lag (h), shifts every dose of the record.
//  - f         bioavailable fraction applied to AMT.
struct DoseEvent {
  double time = 0.0;
  double amount = 0.0;
  int cmt = 0;
  double rate = 0.0;
  double duration = 0.0;
  double ii = 0.0;
  int addl = 0;
  double lag = 0.0;
  double f = 1.0;
};

// What happens to the system at one instant: a bolus of `bolus` mg into `cmt`
// and/or a change of `rate_change` mg/h in the infusion rate into `cmt`.
struct InputAction {
  double time = 0.0;
  int cmt = 0;
  double bolus = 0.0;
  double rate_change = 0.0;
};

// Expands records (with ADDL, lag, F, infusion semantics) into actions sorted by
// time; actions at equal times keep record order. Throws std::invalid_argument
// on a malformed record (negative amount, both rate and duration, ...), which
// the scenario validator rules out before this is reached.
std::vector<InputAction> expand_doses(const std::vector<DoseEvent>& events);

// Sorted, de-duplicated times at which the input changes (solver breakpoints).
std::vector<double> breakpoints(const std::vector<InputAction>& actions);

}  // namespace twinsim::core
