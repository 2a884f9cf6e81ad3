// The exact sums every operating characteristic comes from (oc_report.hpp),
// one trial at a time: the run adds its trials as they finish, report and
// compare the ones they read back (io/).
#include "twinsim/trial/results/oc_report.hpp"

#include <cmath>

namespace twinsim::trial {

namespace {
// Stopped before the planned end: fewer patients than the design's max_patients.
bool stopped_early(std::int64_t planned, const TrialValues& t) { return planned > 0 && t.n_patients < planned; }
}  // namespace

void add_trial(TrialSums& s, const TrialValues& t) {
  ++s.trials;
  ++s.selected[static_cast<std::size_t>(t.selected + 1)];
  const std::size_t D = s.patients.size();
  // Doses without patients add nothing (no patients, so no DLTs either).
  for (const std::size_t d : t.doses_used) {
    const std::int64_t n = t.patients[d];
    s.patients[d] += n;
    for (const std::size_t e : t.doses_used) s.patient_products[d * D + e] += Int128{n} * t.patients[e];
    s.dlts[d].add(t.dlts[d]);
  }
  s.n_patients.add(t.n_patients);
  s.n_dlts.add(t.n_dlts);
  s.n_cohorts.add(t.n_cohorts);
  s.patients_cohorts += Int128{t.n_patients} * t.n_cohorts;
  if (stopped_early(s.planned_patients, t)) ++s.stopped_early;
  if (!std::isnan(t.duration_days)) {
    ++s.duration_trials;
    s.duration_sum += t.duration_days;
    s.duration_sum_sq += static_cast<long double>(t.duration_days) * t.duration_days;
  }
}

void add_pair(PairSums& p, const TrialValues& a, const TrialValues& b, std::int64_t planned_a,
              std::int64_t planned_b) {
  const std::size_t Db = b.patients.size();
  ++p.selected[static_cast<std::size_t>(a.selected + 1) * (Db + 1) + static_cast<std::size_t>(b.selected + 1)];
  for (const std::size_t d : a.doses_used)
    for (const std::size_t e : b.doses_used) p.patient_products[d * Db + e] += Int128{a.patients[d]} * b.patients[e];
  p.n_patients += Int128{a.n_patients} * b.n_patients;
  p.n_dlts += Int128{a.n_dlts} * b.n_dlts;
  p.n_cohorts += Int128{a.n_cohorts} * b.n_cohorts;
  p.patients_cohorts += Int128{a.n_patients} * b.n_cohorts;
  p.cohorts_patients += Int128{a.n_cohorts} * b.n_patients;
  if (stopped_early(planned_a, a) && stopped_early(planned_b, b)) ++p.stopped_early;
}

}  // namespace twinsim::trial
