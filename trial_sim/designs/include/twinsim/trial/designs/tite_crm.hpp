// TITE-CRM's weighted posterior (Cheung & Chappell 2000, Biometrics 56:1177;
// R package dfcrm, titecrm()): the CRM model of crm.cpp with each patient's
// Bernoulli likelihood replaced by p_d^y (1 - w p_d)^(1 - y) (dfcrm crmh(); the
// paper's (w p)^y differs by a constant factor w^y that cancels), where the
// weight w is 1 for a patient with a DLT or a completed window and
// min(follow-up / window, 1) for a pending patient (dfcrm's linear weight).
//
// `type: tite_crm` (TiteCrm) decides with it at each arrival, as dfcrm
// titesim() simulates the design (docs/designs.md, "tite_crm").
#pragma once

#include <vector>

#include "twinsim/trial/designs/designs.hpp"
#include "twinsim/trial/designs/trial_history.hpp"

namespace twinsim::trial {

// One patient as TITE-CRM sees it.
struct TiteObservation {
  int dose = 0;        // dose index, 0-based
  bool dlt = false;    // a DLT observed so far
  double weight = 1.0; // in [0, 1]; 1 when dlt
};

// dfcrm's linear weight of an enrolled patient on day now_day for a DLT
// window of window_days: 1 with a DLT observed by now_day (dlt_day <= follow-up)
// or a completed window, else follow-up / window.
double tite_weight(const EnrolledPatient& p, double now_day, double window_days);

// A DLT counted by now_day: its onset lies within the follow-up (or the
// window is complete; a DLT without an onset time counts from enrolment).
bool tite_dlt_seen(const EnrolledPatient& p, double now_day, double window_days);
// Enrolled by now_day, evaluable, window not complete and no DLT seen: the
// outcome is still pending. The runner's clock and the designs use this one test.
bool tite_pending(const EnrolledPatient& p, double now_day, double window_days);
// The day a pending patient stops being pending: its DLT onset, else its window end.
double tite_resolution_day(const EnrolledPatient& p, double window_days);

// The observations of the evaluable patients enrolled by now_day.
std::vector<TiteObservation> tite_observations(const std::vector<EnrolledPatient>& patients, double now_day,
                                               double window_days);

// Posterior mean of beta (prior Normal(0, model.prior_var)), the DLT
// probabilities at it and dfcrm's recommended dose, from weighted data.
CrmFit tite_crm_fit(const CrmModel& model, double target, const std::vector<TiteObservation>& obs);

// The options of `type: tite_crm`, with dfcrm titesim()'s defaults (0.2-2.1).
struct TiteCrmOptions {
  CrmModel model;          // as crm: skeleton (no default), empiric, prior variance 1.34
  double target = 0.25;    // target DLT rate, in (0, 1)
  int cohort_size = 1;     // titesim: a decision at every arrival
  int max_patients = 30;   // titesim's n
  int start_dose = 0;      // titesim's x0 (0-based)
  bool restrict = true;    // titesim restrict=TRUE: at most one level above the current dose
  double window_days = 0;  // DLT window, days (the scenario's accrual window)
  void validate(std::size_t n_doses) const;  // throws std::invalid_argument
};

class TiteCrmGrid;

class TiteCrm final : public Design {
 public:
  TiteCrm(const TiteCrmOptions& o, std::size_t n_doses);
  ~TiteCrm() override;
  std::unique_ptr<DesignRun> start(DesignWorkspace* ws) const override;
  bool time_driven() const override { return true; }
  int max_patients() const override { return o_.max_patients; }
  int planned_patients() const override { return o_.max_patients; }
  double target() const override { return o_.target; }
  const TiteCrmOptions& options() const { return o_; }
  // dfcrm's recommended dose from the patients' follow-up on now_day
  // (tite_crm_fit's posterior on the design's quadrature grid).
  int recommend(const std::vector<EnrolledPatient>& patients, double now_day, std::vector<double>& scratch) const;

 private:
  TiteCrmOptions o_;
  std::unique_ptr<const TiteCrmGrid> grid_;
};

std::unique_ptr<Design> parse_tite_crm(core::MapReader& r, const DesignContext& ctx);
std::unique_ptr<Design> parse_tite_boin(core::MapReader& r, const DesignContext& ctx);

}  // namespace twinsim::trial
