// Operating characteristics from a design's trials/ and patients/ tables,
// wherever the tables are: a result file (io/result_reader.hpp streams it)
// or the in-memory results of a run (MemorySink). One summation for both:
// every design's trials added in lock-step by trial number, each design
// paired trial by trial with the first (the reference), then
// design_oc_from_sums.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "twinsim/trial/results/memory_sink.hpp"
#include "twinsim/trial/results/oc_report.hpp"

namespace twinsim::trial {

// A design's trials in trial order, a block at a time, as TrialValues.
class TrialStream {
 public:
  virtual ~TrialStream() = default;
  virtual std::int64_t trials() const = 0;
  // Makes trials [first, first + n) available to next().
  virtual void load(std::int64_t first, std::int64_t n) = 0;
  // The next loaded trial; valid until the next call.
  virtual const TrialValues& next() = 0;
  // After the last trial (a file checks that no rows are left over).
  virtual void finish() {}
};

// One design being summed.
struct DesignSource {
  std::size_t file = 0;  // index of its OcReport
  std::string name, type;
  std::optional<double> target;
  ScoringTarget scoring;  // scoring_targets() over the designs of its file
  std::unique_ptr<TrialStream> stream;
  TrialSums sums;
  std::optional<PairSums> pair;  // with sources[0], the reference
};

// Gives every source after the first with as many trials as the first its
// PairSums with it (reference_key: pair_key of the first), then adds every
// trial of every source, trial r of all before trial r + 1 of any, in
// blocks of block_rows trials.
void sum_in_lockstep(std::vector<DesignSource>& sources, const std::string& reference_key,
                     std::int64_t block_rows);

// What a result file's root says for `report` (OcReport without designs),
// from the run's metadata and how its OCs are scored (context).
OcReport oc_report_header(const RunInfo& run, const OcContext& context, const std::string& path);

// The OcReport of a run kept in memory, as read_oc_report computes it from
// the run's file (path: the label of the report, e.g. that file).
// Needs the patients/ table (output.patients) for the per-dose OCs.
OcReport oc_report(const MemoryResults& results, const std::string& path);

// Each design's exposure summary from its in-memory patients/ table, paired
// with the first design (reference_key: its pair_key).
std::vector<DesignExposure> memory_exposure(const MemoryResults& results, const std::string& reference_key);

}  // namespace twinsim::trial
