#include "twinsim/trial/runner/truth.hpp"

#include <cmath>
#include <vector>

#include "parallel_for.hpp"
#include "twinsim/trial/runner/runner.hpp"

namespace twinsim::trial {

TruthCurve estimate_truth(const PatientModel& model, std::size_t n_doses, std::int64_t cohort_size, int threads,
                          SolveFailurePolicy on_failure, const std::function<bool()>& stop, bool covariance,
                          bool efficacy) {
  TruthCurve t;
  t.cohort_size = cohort_size;
  t.p.assign(n_doses, 0.0);
  t.se.assign(n_doses, 0.0);
  if (efficacy) {
    for (auto* v : {&t.response, &t.response_se, &t.both, &t.both_se}) v->assign(n_doses, 0.0);
    t.n_evaluable.assign(n_doses, 0);
  }
  const int nt = effective_threads(threads);
  std::vector<std::unique_ptr<PatientWorkspace>> ws;
  for (int i = 0; i < nt; ++i) ws.push_back(model.workspace());
  // Per patient and dose: 1 DLT, 0 none, -1 solve failed (only with `covariance`).
  std::vector<std::int8_t> outcome(covariance ? n_doses * static_cast<std::size_t>(cohort_size) : 0);
  for (std::size_t d = 0; d < n_doses; ++d) {
    // Integer sums per thread: the result does not depend on the thread count.
    // The lowest patient's error is kept (the same for any thread count).
    struct alignas(64) Counts {
      std::int64_t dlts = 0, failed = 0, evaluable = 0, responses = 0, both = 0;
    };
    std::vector<Counts> by_thread(static_cast<std::size_t>(nt));
    const bool finished = detail::parallel_for_lowest_error(cohort_size, nt, 64, stop, [&](std::int64_t j, int tid) {
      PatientOutcome out;
      if (efficacy)
        model.simulate(*ws[static_cast<std::size_t>(tid)], kTruthTrial, static_cast<std::uint64_t>(j),
                       static_cast<int>(d), out, nullptr);
      else
        model.simulate_dlt(*ws[static_cast<std::size_t>(tid)], kTruthTrial, static_cast<std::uint64_t>(j),
                           static_cast<int>(d), out);
      Counts& c = by_thread[static_cast<std::size_t>(tid)];
      if (covariance)
        outcome[d * static_cast<std::size_t>(cohort_size) + static_cast<std::size_t>(j)] =
            out.status != core::SolveStatus::kOk ? -1 : (out.dlt ? 1 : 0);
      if (out.status != core::SolveStatus::kOk) {
        if (on_failure == SolveFailurePolicy::kError) throw PatientSolveError({}, 0, j, static_cast<int>(d), out.status);
        ++c.failed;
        return;
      }
      if (out.dlt) ++c.dlts;
      if (out.response >= 0) {
        ++c.evaluable;
        c.responses += out.response == 1 ? 1 : 0;
        c.both += out.response == 1 && out.dlt ? 1 : 0;
      }
    });
    if (!finished) throw Interrupted("interrupted while estimating the true DLT curve");
    std::int64_t dlts = 0, failed = 0, evaluable = 0, responses = 0, both = 0;
    for (const Counts& c : by_thread) {
      dlts += c.dlts;
      failed += c.failed;
      evaluable += c.evaluable;
      responses += c.responses;
      both += c.both;
    }
    const auto n = static_cast<double>(cohort_size - failed);
    t.p[d] = n > 0 ? static_cast<double>(dlts) / n : std::numeric_limits<double>::quiet_NaN();
    t.se[d] = n > 0 ? std::sqrt(t.p[d] * (1.0 - t.p[d]) / n) : std::numeric_limits<double>::quiet_NaN();
    t.failed += failed;
    if (efficacy) {
      const auto m = static_cast<double>(evaluable);
      const double nan = std::numeric_limits<double>::quiet_NaN();
      const auto binomial = [&](std::int64_t k, double& p, double& se) {
        p = m > 0 ? static_cast<double>(k) / m : nan;
        se = m > 0 ? std::sqrt(p * (1.0 - p) / m) : nan;
      };
      binomial(responses, t.response[d], t.response_se[d]);
      binomial(both, t.both[d], t.both_se[d]);
      t.n_evaluable[d] = evaluable;
    }
  }
  if (covariance) {
    const auto N = static_cast<std::size_t>(cohort_size);
    t.covariance.assign(n_doses * n_doses, 0.0);
    std::vector<double> n_solved(n_doses, 0.0);
    for (std::size_t d = 0; d < n_doses; ++d)
      for (std::size_t j = 0; j < N; ++j) n_solved[d] += outcome[d * N + j] >= 0 ? 1.0 : 0.0;
    for (std::size_t d = 0; d < n_doses; ++d)
      for (std::size_t e = d; e < n_doses; ++e) {
        if (n_solved[d] == 0.0 || n_solved[e] == 0.0) continue;
        double sum = 0.0;  // serial, in patient order: independent of the thread count
        for (std::size_t j = 0; j < N; ++j) {
          const std::int8_t a = outcome[d * N + j], b = outcome[e * N + j];
          if (a >= 0 && b >= 0) sum += (a - t.p[d]) * (b - t.p[e]);
        }
        t.covariance[d * n_doses + e] = t.covariance[e * n_doses + d] = sum / (n_solved[d] * n_solved[e]);
      }
  }
  return t;
}

}  // namespace twinsim::trial
