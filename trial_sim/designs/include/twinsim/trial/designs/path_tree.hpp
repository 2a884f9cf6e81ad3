// Trees of a design's possible trials, obtained by driving its own DesignRun
// with synthetic histories (so every design, built-in or added, has them):
//   dose_pathways  the decisions after every outcome of the next K cohorts
//                  (dose-transition pathways, as escalation::get_dose_paths);
//   exact_outcomes every trial a design can run, with its probability under
//                  true DLT probabilities (`twinsim run --exact`).
// Both replay a path into a fresh run for each node, since a DesignRun has no
// copy; trees are refused beyond a stated size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "twinsim/trial/designs/design.hpp"

namespace twinsim::trial {

// One cohort of a path: its dose, size and DLTs.
struct PathCohort {
  int dose = 0;
  int size = 0;
  int dlts = 0;
};

struct PathNode {
  std::vector<PathCohort> path;  // the cohorts observed so far (empty: the start)
  Decision next;                 // the decision after them (DesignRun::first at the start)
  int selected = -1;             // when next.stop: the selected dose (-1: none)
  int parent = -1;               // index of the node one cohort up (-1: the start)
};

// Most nodes dose_pathways builds; more is refused.
constexpr std::size_t kMaxPathwayNodes = 200000;

// The tree for the next `cohorts` cohorts from the design's start, in
// depth-first order (children by increasing DLTs). Throws std::length_error
// when it would have more than max_nodes nodes, std::logic_error when the
// design returns an invalid decision.
std::vector<PathNode> dose_pathways(const Design& design, std::size_t n_doses, int cohorts,
                                    std::size_t max_nodes = kMaxPathwayNodes);

// One way a trial can end, and its probability: every path ending in the same
// counts is one outcome (a count-based design decides from counts alone).
struct ExactOutcome {
  double probability = 0.0;
  int selected = -1;           // -1: no dose selected
  std::vector<int> n, dlt;     // patients and DLTs per dose
  int cohorts = 0;
  double paths = 0.0;          // cohort-outcome sequences that end here
};

// Most distinct count states exact_outcomes visits; more is refused.
constexpr std::size_t kMaxExactStates = 2000000;

struct ExactTree {
  std::vector<ExactOutcome> outcomes;
  std::size_t states = 0;  // count states visited (terminal ones included)
  double paths = 0.0;      // trial paths in all (cohort-outcome sequences)
};

// Every trial of a design whose decision_basis() is counts or dose_counts,
// when patient i's DLT is Bernoulli(p_true[dose]) independently: each cohort
// of size c at dose d has Binomial(c, p_d) DLTs. Paths reaching the same
// counts are merged. ws: the design's workspace (nullptr: none). Throws
// std::invalid_argument for another basis, std::length_error beyond max_states.
ExactTree exact_outcomes(const Design& design, const std::vector<double>& p_true, DesignWorkspace* ws = nullptr,
                         std::size_t max_states = kMaxExactStates);

}  // namespace twinsim::trial
