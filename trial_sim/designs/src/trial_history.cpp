#include "twinsim/trial/designs/trial_history.hpp"

namespace twinsim::trial {

namespace {

// Counts patients [first, last), one cohort at one dose, into c.
void count_cohort(DoseCounts& c, const EnrolledPatient* first, const EnrolledPatient* last) {
  if (first == last) return;
  const auto d = static_cast<std::size_t>(first->dose);
  int size = 0, dlts = 0, responses = 0, both = 0;
  for (const EnrolledPatient* p = first; p != last; ++p) {
    if (!p->evaluable) continue;
    ++size;
    dlts += p->dlt ? 1 : 0;
    const bool r = p->response.value_or(false);
    responses += r ? 1 : 0;
    both += r && p->dlt ? 1 : 0;
  }
  c.n[d] += size;
  c.dlt[d] += dlts;
  c.response[d] += responses;
  c.dlt_response[d] += both;
  c.current = first->dose;
  c.last_cohort_size = size;
  c.last_cohort_dlts = dlts;
  c.total_patients += size;
  c.cohorts += 1;
}

}  // namespace

DoseCounts dose_counts(const std::vector<EnrolledPatient>& patients, std::size_t n_doses) {
  DoseCounts c(n_doses);
  const EnrolledPatient* begin = patients.data();
  const EnrolledPatient* end = begin + patients.size();
  const EnrolledPatient* first = begin;
  for (const EnrolledPatient* p = begin; p != end; ++p) {
    if (p->cohort != first->cohort) {
      count_cohort(c, first, p);
      first = p;
    }
  }
  count_cohort(c, first, end);
  return c;
}

void TrialHistory::end_cohort() {
  const EnrolledPatient* base = patients_.data();
  count_cohort(counts_, base + counted_, base + patients_.size());
  counted_ = patients_.size();
}

void TrialHistory::clear(std::size_t n_doses) {
  patients_.clear();
  n_doses_ = n_doses;
  counts_.n.assign(n_doses, 0);
  counts_.dlt.assign(n_doses, 0);
  counts_.response.assign(n_doses, 0);
  counts_.dlt_response.assign(n_doses, 0);
  counts_.current = -1;
  counts_.last_cohort_size = counts_.last_cohort_dlts = counts_.total_patients = counts_.cohorts = 0;
  counted_ = 0;
}

}  // namespace twinsim::trial
