// Operating characteristics from every trial a design can run, each with its
// probability (`twinsim run --exact`, designs/path_tree.hpp): expectations
// instead of means over simulated trials, so every SE is 0. The definitions
// are those of oc_metrics.hpp, as design_oc_from_sums applies them.
#pragma once

#include <cstdint>
#include <vector>

#include "twinsim/trial/results/oc_report.hpp"

namespace twinsim::trial {

// One possible trial and its probability.
struct WeightedTrial {
  double probability = 0.0;
  std::int64_t selected = -1;   // -1: no dose selected
  std::int64_t n_cohorts = 0;
  std::vector<int> n, dlt;      // patients and DLTs per dose
};

// The design's OCs as expectations over `trials` (probabilities summing to 1).
// DesignOc::trials is 0 and DesignOc::sums empty: there are no simulated
// trials; every Estimate has se = 0. planned_patients: the design's
// max_patients (-1: none), for P(stopped early).
DesignOc exact_design_oc(const std::string& name, const std::string& type, const ScoringTarget& target,
                         const std::vector<WeightedTrial>& trials, std::int64_t planned_patients,
                         const OcContext& context);

// PK/PD mode: exact OCs at an estimated true curve p (TruthCurve) carry that
// curve's sampling error. Delta method: se(m)^2 = g' C g with g_d = dm/dp_d,
// here a difference quotient (m(p + h_d e_d) - m(p - h_d e_d)) / (h_d + h_d')
// of the OCs of the trials enumerated at the perturbed curves (`plus[d]`,
// `minus[d]`, scored against the truth at p, so which dose is correct is held
// fixed), and C = TruthCurve::covariance. Doses whose variance C_dd is 0 add
// nothing (their entries of plus/minus are not read). Sets the se of every
// design-level OC (oc_metrics) and of each dose's p_select, mean_patients,
// mean_dlts that `oc` has a value for.
struct TruthPerturbation {
  std::vector<DesignOc> plus, minus;      // [D]
  std::vector<double> step_up, step_down;  // [D] h_d >= 0 up and down (one of them may be 0 at p = 0 or 1)
};
void propagate_truth_uncertainty(DesignOc& oc, const TruthPerturbation& perturbed,
                                 const std::vector<double>& covariance);

}  // namespace twinsim::trial
