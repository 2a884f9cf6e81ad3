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
  for (std::size_t d = 0; d < v.patients.size() && d < t.n_per_dose.size(); ++d) {
    if (t.n_per_dose[d] == 0) continue;
    v.doses_used.push_back(d);
    v.patients[d] = t.n_per_dose[d];
    v.dlts[d] = d < t.dlt_per_dose.size() ? t.dlt_per_dose[d] : 0;
  }
  add_trial(sums_, v);
}

}  // namespace twinsim::trial
