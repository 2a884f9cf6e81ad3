// NONMEM-format data sets: the CSV tables that NONMEM, mrgsolve and nlmixr2
// read, one event record per row (dose, observation, other, reset), grouped by
// individual (ID). Read on core::CsvReader (RFC 4180, byte-order mark, CRLF,
// '#' comment lines, which is also NONMEM's default IGNORE=#). The format as
// read, column by column, its defaults and every error: docs/data-sets.md.
//
// Units: TIME and II in h, AMT in mg, RATE in mg/h (those of twinsim's models).
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "twinsim/core/error.hpp"

namespace twinsim::core {

// NONMEM's event identification (EVID).
enum class Evid : int { observation = 0, dose = 1, other = 2, reset = 3, reset_dose = 4 };

// The infusion duration (h) of a dose given by rate: F·AMT/RATE, as NONMEM
// defines it, so that bioavailability F changes the duration, not the rate.
// `amt` mg, `rate` mg/h (> 0), `f` the bioavailable fraction.
inline double infusion_duration(double amt, double rate, double f) { return f * amt / rate; }

// One record with NONMEM's defaults filled in for every absent column or '.'.
struct DataRecord {
  int line = 0;        // CSV line of the record (1-based)
  double id = 1.0;     // ID; 1 for every record when the data set has no ID column
  double time = 0.0;   // TIME, h (>= 0)
  Evid evid = Evid::observation;
  double amt = 0.0;    // AMT, mg, before bioavailability (> 0 on a dose record)
  double rate = 0.0;   // RATE, mg/h: > 0 an infusion given by rate, 0 a bolus
  double ii = 0.0;     // II, h: between additional doses, or the steady-state interval
  int addl = 0;        // ADDL: doses like this one every II after it
  int cmt = 0;         // CMT, NONMEM's compartment number; on dose records never 0
                       // (the default dose compartment is filled in)
  int ss = 0;          // SS: 0 none, 1 steady state (resets), 2 steady state added
  bool mdv = true;     // MDV: true when DV is not an observation to fit
  double dv = std::numeric_limits<double>::quiet_NaN();    // DV; NaN where missing
  std::string output;  // OUTPUT or DVID: the model output DV is of; "" if none
  bool blq = false;    // BLQ = 1: the observation is below the limit of quantification
  double lloq = std::numeric_limits<double>::quiet_NaN();  // the limit (LLOQ, else DV)

  bool is_dose() const { return evid == Evid::dose || evid == Evid::reset_dose; }
  bool is_reset() const { return evid == Evid::reset || evid == Evid::reset_dose; }
  // An observation record whose DV enters a fit.
  bool is_observed() const { return evid == Evid::observation && !mdv; }
};

// A compartment the caller's model has, by NONMEM number (CMT).
struct DataCompartment {
  int cmt = 1;
  std::string name;       // for messages, and accepted as a CMT value (case-insensitive)
  bool infusion = true;   // false: bolus doses only (a RATE there is an error)
};

struct DataSetOptions {
  // The model's compartments; CMT values are checked against them. Empty: any
  // CMT >= 1 is accepted and every compartment takes infusions.
  std::vector<DataCompartment> compartments;
  // CMT of a dose record whose CMT is 0, '.' or absent, as NONMEM's ADVANs
  // default it (1: the depot of ADVAN2/4/12, the central compartment of
  // ADVAN1/3/11). 0: dose records must name their compartment.
  int default_dose_cmt = 1;
  // false: a data set without an ID column is one individual (ID 1), as a
  // regimen table of dosing records is.
  bool require_id = true;
  // Names OUTPUT (or DVID) may hold; empty: not checked. A whole number k in
  // DVID stands for the k-th name (1-based), as nlmixr2 reads a numeric DVID.
  std::vector<std::string> outputs;
  // For twinsim fit: a DV column is required, every observation with MDV 0
  // needs a DV and an output name, every ID an observation after its first dose.
  bool fitting = false;
  std::size_t max_bytes = 64u << 20;  // larger files are refused
  std::size_t max_errors = 20;        // diagnostics listed; the rest are counted
};

// A data set that breaks a rule: every diagnostic points at the CSV field
// (file:line:col) under the column's name as its key path, e.g.
// "data.csv:4:3: error: TIME: must be >= 0 (got -1)". Bad input (exit code 2).
class DataSetError : public ScenarioError {
 public:
  using ScenarioError::ScenarioError;
};

class DataSet {
 public:
  // A run of records with one ID (IDs are contiguous: a reader rule).
  struct Individual {
    double id = 1.0;
    std::size_t begin = 0, end = 0;  // records [begin, end)
  };

  const std::string& file() const { return file_; }
  const std::vector<DataRecord>& records() const { return records_; }
  const std::vector<Individual>& individuals() const { return individuals_; }

  // Every column as named in the header, in file order.
  const std::vector<std::string>& column_names() const { return columns_; }
  // Index of a column by name, case-insensitive; column_names().size() if absent.
  std::size_t column(const std::string& name) const;
  bool has_column(const std::string& name) const { return column(name) < columns_.size(); }
  // Where the field of `column` in `record` was (file, line, column).
  SourceMark mark(std::size_t record, std::size_t column) const;

  // The columns that are not NONMEM items, kept by name (covariates and
  // individual parameter values, as mrgsolve reads them), in file order.
  const std::vector<std::string>& extra_names() const { return extra_names_; }
  // Index among extra_names() by exact name; extra_names().size() if absent.
  std::size_t extra_column(const std::string& name) const;
  // The value in extra column `c` of record `r`; NaN where missing ('.', "",
  // NA) and in a column that holds text.
  double extra(std::size_t r, std::size_t c) const { return extra_values_[r * extra_names_.size() + c]; }
  // false if some field of the column is not a number (say, a comment column);
  // extra_text_record() then names the first such record.
  bool extra_is_numeric(std::size_t c) const { return extra_text_record_[c] == kNone; }
  std::size_t extra_text_record(std::size_t c) const { return extra_text_record_[c]; }
  // The field as written (quotes removed), for every extra column.
  const std::string& extra_text(std::size_t r, std::size_t c) const { return extra_texts_[r * extra_names_.size() + c]; }
  // Index into column_names() of extra column c.
  std::size_t extra_file_column(std::size_t c) const { return extra_file_column_[c]; }

  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

 private:
  friend class DataSetBuilder;
  std::string file_;
  std::vector<DataRecord> records_;
  std::vector<Individual> individuals_;
  std::vector<std::string> columns_;
  struct FieldPos {
    int line = 0, column = 0;
  };
  std::vector<FieldPos> field_pos_;  // row-major: record x column, where each field starts
  std::vector<std::string> extra_names_;
  std::vector<std::size_t> extra_file_column_;
  std::vector<double> extra_values_;       // row-major: record x extra column
  std::vector<std::string> extra_texts_;   // row-major: record x extra column
  std::vector<std::size_t> extra_text_record_;
};

// Reads a data set. Throws DataSetError listing every rule broken (up to
// options.max_errors), or for a file that cannot be read, as "path: error: ...".
DataSet read_data_set_file(const std::string& path, const DataSetOptions& options = {});
// The same on text held in memory; `name` stands for the file in positions.
DataSet read_data_set_text(std::string text, const std::string& name, const DataSetOptions& options = {});

// The data set as NONMEM-format CSV: ID, TIME, EVID, AMT, RATE, II, ADDL, CMT,
// SS, MDV, DV, then OUTPUT, BLQ and LLOQ where the data set has them, then the
// extra columns; '.' for missing; numbers in the shortest text that reads back
// to the same double. Reading the text again gives the same records.
std::string write_data_set(const DataSet& data);

}  // namespace twinsim::core
