#include "twinsim/trial/runner/timecourse_packer.hpp"

#include <algorithm>
#include <exception>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "twinsim/core/h5_chunk.hpp"
#include "twinsim/trial/runner/runner.hpp"

namespace twinsim::trial {

TimecoursePacker::TimecoursePacker(std::size_t n_vars, std::size_t T, std::uint64_t chunk_rows, int level,
                                   int threads)
    : vars_(n_vars),
      T_(T),
      chunk_rows_(std::max<std::uint64_t>(1, chunk_rows)),
      level_(level),
      threads_(effective_threads(threads)),
      carry_(n_vars),
      scratch_(static_cast<std::size_t>(threads_)) {}

void TimecoursePacker::pack(ResultBlock& block, const std::vector<std::vector<double>>& per_trial) {
  const std::size_t per_patient = vars_ * T_;
  patients_.clear();
  for (std::size_t t = 0; t < block.trials.size() && per_patient > 0; ++t)
    for (std::size_t k = 0; k + per_patient <= per_trial[t].size(); k += per_patient)
      patients_.push_back(per_trial[t].data() + k);
  const std::uint64_t fresh = patients_.size();
  const std::uint64_t total = carry_rows_ + fresh;
  const std::uint64_t n_chunks = total / chunk_rows_;
  block.tc_chunks.assign(vars_, std::vector<core::CompressedChunk>(n_chunks));
  // Row r of the combined sequence: carried rows first, then this block's patients.
  const auto row = [&](std::size_t v, std::uint64_t r) -> const double* {
    if (r < carry_rows_) return carry_[v].data() + r * T_;
    return patients_[static_cast<std::size_t>(r - carry_rows_)] + v * T_;
  };
  const auto jobs = static_cast<std::int64_t>(n_chunks * vars_);
  std::exception_ptr error;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads_)
  for (std::int64_t j = 0; j < jobs; ++j) {
#ifdef _OPENMP
    Scratch& s = scratch_[static_cast<std::size_t>(omp_get_thread_num())];
#else
    Scratch& s = scratch_[0];
#endif
    try {
      const auto c = static_cast<std::uint64_t>(j) / vars_;
      const auto v = static_cast<std::size_t>(static_cast<std::uint64_t>(j) % vars_);
      s.rows.resize(chunk_rows_ * T_);
      for (std::uint64_t i = 0; i < chunk_rows_; ++i) {
        const double* src = row(v, c * chunk_rows_ + i);
        std::copy(src, src + T_, s.rows.data() + i * T_);
      }
      core::CompressedChunk& out = block.tc_chunks[v][c];
      out.first_row = rows_done_ + c * chunk_rows_;
      core::compress_chunk(s.rows.data(), s.rows.size(), level_, s.shuffled, out.bytes);
    } catch (...) {
#pragma omp critical(twinsim_packer_error)
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
  // What is left (fewer than chunk_rows_ rows) waits for the next block.
  const std::uint64_t left = total - n_chunks * chunk_rows_;
  for (std::size_t v = 0; v < vars_; ++v) {
    std::vector<double> next(left * T_);
    for (std::uint64_t i = 0; i < left; ++i) {
      const double* src = row(v, n_chunks * chunk_rows_ + i);
      std::copy(src, src + T_, next.data() + i * T_);
    }
    carry_[v].swap(next);
  }
  carry_rows_ = left;
  rows_done_ += n_chunks * chunk_rows_;
}

std::vector<std::vector<double>> TimecoursePacker::finish() {
  std::vector<std::vector<double>> tail(vars_);
  tail.swap(carry_);
  carry_.assign(vars_, {});
  carry_rows_ = 0;
  rows_done_ = 0;
  return tail;
}

}  // namespace twinsim::trial
