// The one OpenMP loop of runner/: replicate trials (DesignRunner) and
// reference patients (estimate_truth) run through it.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace twinsim::trial::detail {

// Runs body(i, thread) for i in [0, count) on `threads` threads, `chunk`
// indices at a time. No exception may cross the OpenMP region: the lowest
// index's exception (the one a 1-thread run meets first) is kept and rethrown
// after the loop. Indices after it are skipped (one may hold minutes of work);
// those before it still run, as one of them may fail too. stop is polled
// before each index; returns false if it asked the loop to end early.
template <class Body>
bool parallel_for_lowest_error(std::int64_t count, int threads, int chunk, const std::function<bool()>& stop,
                               Body&& body) {
  std::exception_ptr error;
  std::atomic<std::int64_t> error_index{count};
  std::atomic<bool> stopped{false};
#pragma omp parallel for schedule(dynamic, chunk) num_threads(threads)
  for (std::int64_t i = 0; i < count; ++i) {
    if (i > error_index.load(std::memory_order_relaxed) || stopped.load(std::memory_order_relaxed)) continue;
    if (stop && stop()) {
      stopped.store(true, std::memory_order_relaxed);
      continue;
    }
#ifdef _OPENMP
    const int tid = omp_get_thread_num();
#else
    const int tid = 0;
#endif
    try {
      body(i, tid);
    } catch (...) {
#pragma omp critical(twinsim_parallel_for_error)
      if (i < error_index) {
        error_index = i;
        error = std::current_exception();
      }
    }
  }
  if (error) std::rethrow_exception(error);
  return !stopped.load();
}

}  // namespace twinsim::trial::detail
