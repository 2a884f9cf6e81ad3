// What a data set asks the model to do, per individual: the records with the
// additional doses of ADDL/II made explicit, in the order NONMEM processes
// them, and the columns that set model parameters (mrgsolve's rule: a column
// named as a parameter holds that individual's value). Lag times and
// bioavailability stay with the model: an event keeps AMT and RATE, and an
// infusion's duration is asked for with the model's F. docs/data-sets.md.
//
// Units: time and II in h, AMT in mg, RATE in mg/h.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "twinsim/core/nonmem_data.hpp"

namespace twinsim::core {

struct DataEvent {
  double time = 0.0;  // h
  Evid evid = Evid::observation;  // an additional dose is Evid::dose, even after EVID 4
  double amt = 0.0;   // mg, before bioavailability
  double rate = 0.0;  // mg/h; > 0: an infusion given by rate
  int cmt = 0;        // NONMEM compartment number
  int ss = 0;         // 0, 1 or 2 (additional doses are never steady-state doses)
  double ii = 0.0;    // h: the record's II, carried for steady state
  bool additional = false;  // made from ADDL, not a record of the file
  // The record the event comes from: for an additional dose, its dose record,
  // whose lag time and F hold for it (NONMEM: the values in effect at the
  // initiating dose apply to all its additional doses).
  std::size_t record = 0;
  // The record whose parameter and covariate values hold on the interval that
  // ends at this event: NONMEM and mrgsolve carry a record's values backward
  // to the previous event (NOCB); after the last record its values stay.
  std::size_t values_record = 0;

  bool is_dose() const { return evid == Evid::dose || evid == Evid::reset_dose; }
  bool is_infusion() const { return is_dose() && rate > 0; }
  // h, for bioavailable fraction f: F·AMT/RATE.
  double infusion_duration(double f) const { return core::infusion_duration(amt, rate, f); }
};

// The events of individual `k` of `data`, in processing order:
//  - records in file order; an additional dose at the same time as a record
//    comes before it (mrgsolve's default order);
//  - additional doses from ADDL at TIME + j·II, j = 1..ADDL, interleaved in
//    time order; a steady-state dose with SS 1 cancels the additional doses
//    still pending (as in NONMEM), and so does a reset, EVID 3 or 4 (which
//    may take time back; mrgsolve keeps them);
//  - additional doses after the last record come last.
// Throws DataSetError, at the individual's first record, past 1 million events.
std::vector<DataEvent> expand_events(const DataSet& data, std::size_t k);

// Columns that set model parameters: every extra column whose name equals a
// parameter name exactly (case-sensitive, as mrgsolve matches them).
class ParameterBinding {
 public:
  // Throws DataSetError, at the field, when a bound column holds text, or when
  // an individual has no value in it at all.
  ParameterBinding(const DataSet& data, const std::vector<std::string>& parameter_names);

  std::size_t size() const { return parameters_.size(); }
  // Index into parameter_names of bound parameter b, and its extra column.
  std::size_t parameter(std::size_t b) const { return parameters_[b]; }
  std::size_t column(std::size_t b) const { return columns_[b]; }
  // The value of bound parameter b at record r: the record's own, or where it
  // is missing the individual's nearest earlier value, else the nearest later.
  double value(std::size_t r, std::size_t b) const { return values_[r * parameters_.size() + b]; }
  // Writes the bound values that hold at record r into `params` (indexed as
  // parameter_names); the others are left as they are (typical values).
  void apply(std::size_t r, double* params) const;

 private:
  std::vector<std::size_t> parameters_, columns_;
  std::vector<double> values_;  // row-major: record x bound parameter
};

}  // namespace twinsim::core
