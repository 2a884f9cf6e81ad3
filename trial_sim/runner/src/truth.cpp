#include "twinsim/trial/runner/truth.hpp"

#include <atomic>
#include <cmath>
#include <exception>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "twinsim/trial/runner/runner.hpp"

namespace twinsim::trial {

TruthCurve estimate_truth(const PatientModel& model, std::size_t n_doses, std::int64_t cohort_size, int threads,
                          SolveFailurePolicy on_failure, const std::function<bool()>& stop) {
  TruthCurve t;
  t.cohort_size = cohort_size;
  t.p.assign(n_doses, 0.0);
  t.se.assign(n_doses, 0.0);
  const int nt = effective_threads(threads);
  std::vector<std::unique_ptr<PatientWorkspace>> ws;
  for (int i = 0; i < nt; ++i) ws.push_back(model.workspace());
  for (std::size_t d = 0; d < n_doses; ++d) {
    std::int64_t dlts = 0, failed = 0;
    std::exception_ptr error;
    // The lowest patient's error is kept (the same for any thread count);
    // patients after it need not run.
    std::atomic<std::int64_t> error_patient{cohort_size};
    std::atomic<bool> stopped{false};
    // Integer sums: the result does not depend on the thread count.
#pragma omp parallel for schedule(dynamic, 64) num_threads(nt) reduction(+ : dlts, failed)
    for (std::int64_t j = 0; j < cohort_size; ++j) {
      if (j > error_patient.load(std::memory_order_relaxed) || stopped.load(std::memory_order_relaxed)) continue;
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
        PatientOutcome out;
        model.simulate_dlt(*ws[static_cast<std::size_t>(tid)], kTruthTrial, static_cast<std::uint64_t>(j),
                           static_cast<int>(d), out);
        if (out.status != core::SolveStatus::kOk) {
          if (on_failure == SolveFailurePolicy::kError)
            throw PatientSolveError({}, 0, j, static_cast<int>(d), out.status);
          ++failed;
        } else if (out.dlt) {
          ++dlts;
        }
      } catch (...) {
#pragma omp critical(twinsim_truth_error)
        if (j < error_patient) {
          error_patient = j;
          error = std::current_exception();
        }
      }
    }
    if (error) std::rethrow_exception(error);
    if (stopped.load()) throw Interrupted("interrupted while estimating the true DLT curve");
    const auto n = static_cast<double>(cohort_size - failed);
    t.p[d] = n > 0 ? static_cast<double>(dlts) / n : std::numeric_limits<double>::quiet_NaN();
    t.se[d] = n > 0 ? std::sqrt(t.p[d] * (1.0 - t.p[d]) / n) : std::numeric_limits<double>::quiet_NaN();
    t.failed += failed;
  }
  return t;
}

}  // namespace twinsim::trial
