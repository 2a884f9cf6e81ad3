// What a design decides from: the patients enrolled so far, in enrolment
// order, each with its dose, times and outcomes (the design data contract,
// docs/architecture.md). Counts per dose are derived from the list
// (dose_counts); the count-based designs of today read them, a time-to-event
// design reads the patients and the current day.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <vector>

namespace twinsim::trial {

struct EnrolledPatient {
  int dose = 0;                // dose index, 0-based
  int cohort = 0;              // the trial's cohort number, 0-based
  double enrolled_day = 0.0;   // trial day of enrolment (first dose); the first patient is day 0
  bool dlt = false;            // a DLT within the DLT window
  // Days from enrolment to the DLT's onset; NaN without a DLT, or when the
  // source gives none (design-only mode draws an outcome, not a time).
  double dlt_day = std::numeric_limits<double>::quiet_NaN();
  // false: the patient is not counted by the design (a failed solve that was
  // replaced, endpoints.dlt.on_solve_failure: replace).
  bool evaluable = true;
  // Efficacy, when the scenario has an efficacy endpoint (design-only
  // `efficacy`, or RECIST's objective response in PK/PD mode); unset without
  // one or for a failed solve. response_day: days from enrolment to the
  // response (NaN: no source gives it yet).
  std::optional<bool> response;
  double response_day = std::numeric_limits<double>::quiet_NaN();

  // Days followed up by `now_day` (a TITE design caps this at its window).
  double followup_days(double now_day) const { return now_day - enrolled_day; }
};

// Per dose, the evaluable patients and their DLTs; and the last cohort.
struct DoseCounts {
  std::vector<int> n;    // evaluable patients per dose level
  std::vector<int> dlt;  // their DLTs per dose level
  std::vector<int> response;      // their responses per dose level (an unset response counts as none)
  std::vector<int> dlt_response;  // of those, patients with both a DLT and a response
  int current = -1;      // dose index of the most recent cohort (-1 before the first)
  int last_cohort_size = 0;  // evaluable patients of the most recent cohort
  int last_cohort_dlts = 0;
  int total_patients = 0;    // evaluable patients in all
  int cohorts = 0;

  explicit DoseCounts(std::size_t doses = 0) : n(doses, 0), dlt(doses, 0), response(doses, 0), dlt_response(doses, 0) {}
};

// The definition of the counts: every evaluable patient counted at its dose,
// cohorts in the order of their numbers. Patients must be in enrolment order.
DoseCounts dose_counts(const std::vector<EnrolledPatient>& patients, std::size_t n_doses);

// The list plus its counts, kept current as the runner records patients (a
// design asks for the counts after every cohort; recounting the list each
// time would cost O(patients) per decision). Equal to dose_counts(patients())
// after every end_cohort() (tests/unit/test_design_interface.cpp checks it).
class TrialHistory {
 public:
  explicit TrialHistory(std::size_t n_doses = 0) : counts_(n_doses), n_doses_(n_doses) {}

  // Records one patient of the open cohort (the runner, in enrolment order).
  void enrol(const EnrolledPatient& p) { patients_.push_back(p); }
  // Closes the cohort opened by the patients since the last call: its
  // evaluable patients are counted at its dose.
  void end_cohort();
  // Starts a new trial of n_doses dose levels, keeping the list's capacity.
  void clear(std::size_t n_doses);

  const std::vector<EnrolledPatient>& patients() const { return patients_; }
  const DoseCounts& counts() const { return counts_; }
  std::size_t n_doses() const { return n_doses_; }

 private:
  std::vector<EnrolledPatient> patients_;
  DoseCounts counts_;
  std::size_t n_doses_;
  std::size_t counted_ = 0;  // patients_[0, counted_) are in counts_
};

}  // namespace twinsim::trial
