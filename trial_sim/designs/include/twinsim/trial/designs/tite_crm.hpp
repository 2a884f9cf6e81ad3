// TITE-CRM's weighted posterior (Cheung & Chappell 2000, Biometrics 56:1177;
// R package dfcrm, titecrm()): the CRM model of crm.cpp with each patient's
// Bernoulli likelihood replaced by p_d^y (1 - w p_d)^(1 - y) (dfcrm crmh(); the
// paper's (w p)^y differs by a constant factor w^y that cancels), where the
// weight w is 1 for a patient with a DLT or a completed window and
// min(follow-up / window, 1) for a pending patient (dfcrm's linear weight).
//
// Not done yet (issue 17 item 2): the `type: tite_crm` design and the runner's
// decisions at each arrival; this is the posterior those decisions will use.
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

// The observations of the evaluable patients enrolled by now_day.
std::vector<TiteObservation> tite_observations(const std::vector<EnrolledPatient>& patients, double now_day,
                                               double window_days);

// Posterior mean of beta (prior Normal(0, model.prior_var)), the DLT
// probabilities at it and dfcrm's recommended dose, from weighted data.
CrmFit tite_crm_fit(const CrmModel& model, double target, const std::vector<TiteObservation>& obs);

}  // namespace twinsim::trial
