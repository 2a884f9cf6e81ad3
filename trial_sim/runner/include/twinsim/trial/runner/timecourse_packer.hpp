// Cuts a design's time courses into the chunks of their [patients, T] tables
// and compresses whole chunks on the simulation threads, so the single writer
// thread only stores bytes (see core/h5_chunk.hpp for why). Rows that do not
// fill a chunk wait for the next block; finish() hands over the last partial
// chunk for the writer to append as plain rows.
#pragma once

#include <cstdint>
#include <vector>

#include "twinsim/trial/results/results.hpp"

namespace twinsim::trial {

class TimecoursePacker {
 public:
  // n_vars time-course variables of T values each; chunk_rows patients per
  // chunk; deflate level 1-9; threads as for DesignRunner.
  TimecoursePacker(std::size_t n_vars, std::size_t T, std::uint64_t chunk_rows, int level, int threads);

  // Compresses the block's time courses into block.tc_chunks: for each
  // variable, the whole chunks that the rows carried over plus this block's
  // rows fill. The rest is carried. per_trial[0 .. block.trials.size()) hold
  // the block's trials' time courses in trial order (DesignRunner::
  // trial_timecourses()): per patient, variable-major, T values per variable.
  void pack(ResultBlock& block, const std::vector<std::vector<double>>& per_trial);
  // The carried rows, per variable [rows, T] row-major; resets the packer.
  std::vector<std::vector<double>> finish();
  std::uint64_t carried_rows() const { return carry_rows_; }

 private:
  struct Scratch {
    std::vector<double> rows;
    std::vector<unsigned char> shuffled;
  };
  std::size_t vars_, T_;
  std::uint64_t chunk_rows_;
  int level_, threads_;
  std::uint64_t rows_done_ = 0;  // rows already handed over in whole chunks
  std::uint64_t carry_rows_ = 0;
  std::vector<std::vector<double>> carry_;  // per variable [carry_rows_, T]
  std::vector<Scratch> scratch_;            // one per thread
  std::vector<const double*> patients_;     // this block's patients' values
};

}  // namespace twinsim::trial
