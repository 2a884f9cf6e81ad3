#include "failures.hpp"

#include <cstdio>

namespace twinsim::cli {

// Failed patients are recorded, not fatal (a bad patient must not sink the
// batch, unless the scenario says so), so they are announced on stderr even
// with --quiet, with what the designs counted them as.
void print_failures(const trial::Scenario& s, const trial::RunSummary& r, const std::string& prefix) {
  using trial::SolveFailurePolicy;
  const SolveFailurePolicy policy = s.endpoints.failure_policy();
  std::string counted;
  if (s.endpoints.dlt)
    counted = std::string(" and counted as ") + (policy == SolveFailurePolicy::kNoDlt ? "no DLT" : "DLTs") +
              " (endpoints.dlt.on_solve_failure: " + trial::to_string(policy) + ")";
  for (const auto& d : r.designs) {
    if (d.failed_patients == 0) continue;
    std::string why;
    for (const auto& [status, n] : d.failed_by_status)
      why += (why.empty() ? "" : ", ") + std::string(status) + " " + std::to_string(n);
    if (policy == SolveFailurePolicy::kReplace) {
      std::fprintf(stderr,
                   "twinsim: warning: %sdesign '%s': %lld of %lld enrolled patients failed to solve (%s); %lld "
                   "were replaced by new patients and are not in patients/, the other %lld are recorded with "
                   "patients/solve_status != 0 and NaN exposures%s\n",
                   prefix.c_str(), d.name.c_str(), static_cast<long long>(d.failed_patients),
                   static_cast<long long>(d.patients + d.replaced_patients), why.c_str(),
                   static_cast<long long>(d.replaced_patients),
                   static_cast<long long>(d.failed_patients - d.replaced_patients), counted.c_str());
      continue;
    }
    std::fprintf(stderr,
                 "twinsim: warning: %sdesign '%s': %lld of %lld patients failed to solve (%s); they are "
                 "recorded with patients/solve_status != 0 and NaN exposures%s\n",
                 prefix.c_str(), d.name.c_str(), static_cast<long long>(d.failed_patients), static_cast<long long>(d.patients),
                 why.c_str(), counted.c_str());
  }
  if (r.truth_failed > 0)
    std::fprintf(stderr,
                 "twinsim: warning: %s%lld patients of the reference cohorts for /truth/dlt_probability failed to "
                 "solve and were left out\n",
                 prefix.c_str(), static_cast<long long>(r.truth_failed));
}

}  // namespace twinsim::cli
