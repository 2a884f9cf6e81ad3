// Reading a design's trials/ and patients/ tables a block of trials at a time
// (internal to result_reader.cpp): the reader keeps O(block + doses²) memory
// whatever the number of replicates or patients.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "twinsim/core/h5.hpp"
#include "twinsim/trial/results/oc_report.hpp"
#include "twinsim/trial/results/oc_tables.hpp"

namespace twinsim::trial {

// Rows per block read of each column: 4 of the writer's 4,096-row chunks, so
// blocks fall on chunk boundaries; 128 KiB per column, under 1 MB per design
// (larger blocks measured no faster).
constexpr std::int64_t kStreamBlockRows = 16384;

class DesignStream final : public TrialStream {
 public:
  // group: "/designs/<name>"; where: "'file': design 'name': " for messages;
  // max_patients: the design's (-1: none), no trial may have more.
  // Throws core::RuntimeError if a column is missing, corrupt or of the
  // wrong length, or there are no trials (unless allow_empty: a file of
  // exact OCs, run --exact, has none).
  DesignStream(const core::H5Reader& h5, const std::string& group, std::size_t doses, std::string where,
               std::int64_t max_patients = -1, bool allow_empty = false);

  std::int64_t trials() const override { return trials_; }
  // False for a file written with output.patients: false: per-dose counts of
  // a trial are then unknown (TrialValues::patients and dlts stay zero).
  bool has_patients() const { return p_trial_.has_value(); }
  // False for files without trials/n_cohorts (TrialValues::n_cohorts stays 0).
  bool has_cohorts() const { return cohorts_.has_value(); }
  // Reads trials/duration_days into TrialValues::duration_days from the next
  // load() on (a time-driven design's measured durations); false when the
  // file has no such column (written before it existed).
  bool use_durations();
  // Reads trials/ rows [first, first + n); they must hold trials first.. in order.
  void load(std::int64_t first, std::int64_t n) override;
  // The next trial of the loaded block with its patients (patients/ rows
  // must come grouped by trial, in trial order, as twinsim writes them).
  // The reference stays valid until the next call.
  const TrialValues& next() override;
  // After the last trial: no patients/ rows may be left over.
  void finish() override;

  // One line about the first trial whose trials/ totals disagree with patients/.
  std::string warning;

 private:
  [[noreturn]] void fail(const std::string& what) const;
  [[noreturn]] void out_of_order(std::int64_t trial) const;
  bool patient_row(std::int64_t& trial);  // trial of the next patients/ row; false at the end

  std::string where_;
  std::size_t doses_;
  std::int64_t trials_ = 0;
  std::int64_t max_patients_;
  core::H5IntColumn trial_, selected_, n_patients_, n_dlts_;
  std::optional<core::H5IntColumn> cohorts_, p_trial_, p_dose_, p_dlt_;
  std::optional<core::H5Column> duration_;
  const core::H5Reader& h5_;
  std::string group_;
  std::vector<double> t_duration_;
  std::vector<std::int64_t> t_trial_, t_selected_, t_n_, t_y_, t_c_;  // the loaded block of trials/
  std::int64_t first_ = 0;
  std::size_t next_ = 0;  // index of the next trial in the block
  std::vector<std::int64_t> p_trial_buf_, p_dose_buf_, p_dlt_buf_;  // a block of patients/
  std::uint64_t p_read_ = 0;  // patients/ rows read into buffers so far
  std::size_t p_next_ = 0;    // next row in the buffers
  std::int64_t p_last_trial_ = -1;  // trial of the last patients/ row taken
  TrialValues current_;
};

}  // namespace twinsim::trial
