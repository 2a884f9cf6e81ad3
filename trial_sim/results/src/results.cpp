#include "twinsim/trial/results/results.hpp"

namespace twinsim::trial {

OcAccumulator::OcAccumulator(std::size_t n_doses, std::int64_t planned_patients) : sums_(n_doses) {
  sums_.planned_patients = planned_patients;
  values_.patients.assign(n_doses, 0);
  values_.dlts.assign(n_doses, 0);
}

void OcAccumulator::add(const TrialRow& t) {
  TrialValues& v = values_;
  for (const std::size_t d : v.doses_used) v.patients[d] = v.dlts[d] = 0;
  v.doses_used.clear();
  v.selected = t.selected_dose;
  v.n_patients = t.n_patients;
  v.n_dlts = t.n_dlts;
  v.n_cohorts = t.n_cohorts;
  v.duration_days = t.duration_measured ? t.duration_days : std::numeric_limits<double>::quiet_NaN();
  for (std::size_t d = 0; d < v.patients.size() && d < t.n_per_dose.size(); ++d) {
    if (t.n_per_dose[d] == 0) continue;
    v.doses_used.push_back(d);
    v.patients[d] = t.n_per_dose[d];
    v.dlts[d] = d < t.dlt_per_dose.size() ? t.dlt_per_dose[d] : 0;
  }
  add_trial(sums_, v);
}

ReferenceTrials::ReferenceTrials(std::size_t n_doses, std::int64_t planned_patients)
    : doses_(n_doses), planned_(planned_patients) {
  scratch_.patients.assign(n_doses, 0);
  scratch_.dlts.assign(n_doses, 0);
}

void ReferenceTrials::keep(const TrialValues& v) {
  totals_.push_back({v.selected, v.n_patients, v.n_dlts, v.n_cohorts});
  const std::size_t at = per_dose_.size();
  per_dose_.resize(at + doses_, 0);
  // Counts are at most kMaxPatientsPerTrial, far inside 32 bits.
  for (const std::size_t d : v.doses_used) per_dose_[at + d] = static_cast<std::int32_t>(v.patients[d]);
}

void ReferenceTrials::pair(PairSums& p, std::int64_t trial, const TrialValues& a, std::int64_t planned_a) {
  const auto r = static_cast<std::size_t>(trial);
  TrialValues& b = scratch_;
  for (const std::size_t d : b.doses_used) b.patients[d] = 0;
  b.doses_used.clear();
  b.selected = totals_[r][0];
  b.n_patients = totals_[r][1];
  b.n_dlts = totals_[r][2];
  b.n_cohorts = totals_[r][3];
  for (std::size_t d = 0; d < doses_; ++d) {
    const std::int32_t n = per_dose_[r * doses_ + d];
    if (n == 0) continue;
    b.doses_used.push_back(d);
    b.patients[d] = n;
  }
  add_pair(p, a, b, planned_a, planned_);
}

}  // namespace twinsim::trial
