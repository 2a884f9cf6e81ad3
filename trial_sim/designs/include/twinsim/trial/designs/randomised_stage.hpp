// `randomised_stage:` of a dose-finding design: a randomised dose-optimisation
// stage after the escalation (FDA Project Optimus guidance, 2024: "randomized,
// parallel dose-response trial" of two or more doses). When the escalation
// stops with a selected dose d*, the stage randomises n_per_arm further
// patients to each of d* and the doses-1 next lower doses (fewer where d* is
// near the bottom), then selects among these arms from the randomised
// patients: by the observed mean utility (Gu, Xu, Xu & Yuan 2026,
// arXiv:2603.15884), or pick-the-winner on the response rate with a margin in
// favour of the lower dose (the one-stage ROSE design, Wang, Yuan & Liu 2025,
// arXiv:2505.03898, after Simon, Wittes & Ellenberg 1985). Rules, defaults
// and what is simplified in docs/designs.md.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "twinsim/trial/designs/design.hpp"

namespace twinsim::trial {

struct RandomisedStageOptions {
  enum class Selection { utility, pick_the_winner };
  int doses = 2;        // arms: the escalation's selected dose and doses - 1 lower ones (2 or 3)
  int n_per_arm = 20;   // randomised patients per arm (evaluable)
  Selection selection = Selection::utility;
  // pick_the_winner: the lowest arm whose response rate is at least the best
  // arm's minus margin; with two arms the higher dose wins only if its rate
  // exceeds the lower's by more than margin (ROSE's decision boundary). 0:
  // the arm with the highest rate, ties to the lower dose.
  double margin = 0.0;
  // The admissibility of an arm and the utilities, as BOIN12's (Lin et al.
  // 2020; unset: Boin12Options' published defaults): an arm is not selected
  // when Pr(p_T > target | the dose's patients) >= cutoff_tox or
  // Pr(p_E < lower_efficacy | its randomised patients) >= cutoff_eff (beta(1,
  // 1) priors). Utilities (0-100) of (response, no DLT) = 100, (neither),
  // (both), (DLT, no response) = 0. A design with its own (BOIN12) keeps its
  // lower_efficacy and utilities, and its cutoffs are the defaults here.
  std::optional<double> cutoff_tox, cutoff_eff, lower_efficacy, utility_neither, utility_both;
  // Selection from the randomised patients only (a randomised comparison);
  // true: the escalation's patients at the arms' doses count too.
  bool use_escalation_data = false;
  void validate() const;  // throws std::invalid_argument naming the key
};

// The arms of the stage for the escalation's selected dose (-1: none, no stage).
std::vector<int> randomised_stage_arms(const RandomisedStageOptions& o, int selected);

// Per arm, the patients the selection reads: n evaluable, DLTs, responses and both.
struct ArmData {
  int dose = 0, n = 0, tox = 0, eff = 0, both = 0;
};

// The stage's selection among the acceptable arms (in increasing dose order):
// the dose, or -1 when there is none.
int randomised_stage_select(const RandomisedStageOptions& o, const ObdObjective& utilities,
                            const std::vector<ArmData>& arms);

class RandomisedStage final : public Design {
 public:
  RandomisedStage(std::unique_ptr<Design> escalation, const RandomisedStageOptions& o, double window_days);
  std::unique_ptr<DesignRun> start(DesignWorkspace* ws) const override;
  std::unique_ptr<DesignWorkspace> workspace() const override { return inner_->workspace(); }
  bool needs_efficacy() const override { return true; }
  bool time_driven() const override { return inner_->time_driven(); }
  bool measures_duration() const override { return true; }
  int max_patients() const override { return inner_->max_patients() + o_.doses * o_.n_per_arm; }
  // None: near the lowest dose the stage has fewer arms, so a trial's size
  // says nothing about an early stop.
  int planned_patients() const override { return -1; }
  double target() const override { return inner_->target(); }
  // The stage optimises the dose: it is scored against the true OBD of its
  // utilities (the escalation's, or the options' with target as the toxicity limit).
  std::optional<ObdObjective> obd_objective() const override { return objective_; }
  // The escalation's table; the stage's allocation reads no counts.
  std::optional<DecisionTable> decision_table(std::size_t n_doses) const override {
    return inner_->decision_table(n_doses);
  }
  std::optional<RuleTable> rule_table() const override;
  const Design& escalation() const { return *inner_; }
  const RandomisedStageOptions& options() const { return o_; }
  const ObdObjective& objective() const { return objective_; }
  double cutoff_tox() const { return c_t_; }
  double cutoff_eff() const { return c_e_; }
  double window_days() const { return window_days_; }

 private:
  std::unique_ptr<Design> inner_;
  RandomisedStageOptions o_;
  ObdObjective objective_;
  double c_t_ = 0.0, c_e_ = 0.0;
  double window_days_;
};

// Wraps `design` in the stage that `randomised_stage:` (node) describes, or
// returns it unchanged when the node is missing or false; nullptr after adding
// diagnostics.
std::unique_ptr<Design> read_randomised_stage(std::unique_ptr<Design> design, const core::ConfigNode& node,
                                              const DesignContext& ctx, core::Diagnostics& diag);

}  // namespace twinsim::trial
