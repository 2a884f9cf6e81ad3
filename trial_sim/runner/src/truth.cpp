#include "twinsim/trial/runner/truth.hpp"

#include <cmath>
#include <vector>

#include "parallel_for.hpp"
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
    // Integer sums per thread: the result does not depend on the thread count.
    // The lowest patient's error is kept (the same for any thread count).
    struct alignas(64) Counts {
      std::int64_t dlts = 0, failed = 0;
    };
    std::vector<Counts> by_thread(static_cast<std::size_t>(nt));
    const bool finished = detail::parallel_for_lowest_error(cohort_size, nt, 64, stop, [&](std::int64_t j, int tid) {
      PatientOutcome out;
      model.simulate_dlt(*ws[static_cast<std::size_t>(tid)], kTruthTrial, static_cast<std::uint64_t>(j),
                         static_cast<int>(d), out);
      Counts& c = by_thread[static_cast<std::size_t>(tid)];
      if (out.status != core::SolveStatus::kOk) {
        if (on_failure == SolveFailurePolicy::kError) throw PatientSolveError({}, 0, j, static_cast<int>(d), out.status);
        ++c.failed;
      } else if (out.dlt) {
        ++c.dlts;
      }
    });
    if (!finished) throw Interrupted("interrupted while estimating the true DLT curve");
    std::int64_t dlts = 0, failed = 0;
    for (const Counts& c : by_thread) {
      dlts += c.dlts;
      failed += c.failed;
    }
    const auto n = static_cast<double>(cohort_size - failed);
    t.p[d] = n > 0 ? static_cast<double>(dlts) / n : std::numeric_limits<double>::quiet_NaN();
    t.se[d] = n > 0 ? std::sqrt(t.p[d] * (1.0 - t.p[d]) / n) : std::numeric_limits<double>::quiet_NaN();
    t.failed += failed;
  }
  return t;
}

}  // namespace twinsim::trial
