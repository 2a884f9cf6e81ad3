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

}  // namespace twinsim::trial
