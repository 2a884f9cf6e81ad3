// `type: boin` with `backfill:` (BF-BOIN): BOIN dose escalation in which
// patients arriving while the escalation cohort's DLT outcomes are pending are
// backfilled at lower doses that were cleared, showed a response and are safe.
// Zhao, Yuan, Korn & Freidlin (2024), Clin Cancer Res 30:673-679; the rules as
// the CRAN package bfboin 0.1.1 (sim.one.trial, an independent implementation
// of the authors' BF-BOIN Shiny app, checked there against the paper's Table 4)
// simulates them. Rules, defaults and deviations in docs/designs.md.
#pragma once

#include <memory>
#include <vector>

#include "twinsim/trial/designs/designs.hpp"
#include "twinsim/trial/designs/trial_history.hpp"

namespace twinsim::trial {

struct BackfillOptions {
  enum class Assign { highest, lowest };
  // A dose closes for backfill once this many patients (escalation and
  // backfill) were assigned to it (bfboin n.cap, the paper's 12).
  int max_per_dose = 12;
  // A dose opens only after one of its patients was seen to respond (the
  // response is known at the end of the DLT window unless the endpoint gives its day).
  bool require_response = true;
  Assign assign = Assign::highest;  // among the open doses (bfboin backfill.assign)
  // 1 DLT in 3 resolved patients at the escalation dose stays instead of
  // de-escalating (the paper's Table 1 for target 0.25, bfboin three.plus.three).
  bool stay_on_1_of_3 = false;
  double window_days = 0.0;         // DLT window, days (the scenario's accrual window)
  void validate() const;            // throws std::invalid_argument
};

// One dose's data on a given day: the outcomes resolved by then (DLT seen, or
// window completed without one) and everyone assigned.
struct BackfillDoseState {
  int n = 0;         // resolved patients
  int y = 0;         // of them, with a DLT
  int assigned = 0;  // evaluable patients enrolled at the dose, pending included
  bool responded = false;  // a response known by the day
};
std::vector<BackfillDoseState> backfill_dose_states(const std::vector<EnrolledPatient>& patients, double now_day,
                                                    double window_days, std::size_t n_doses);

// BOIN's per-dose decision on resolved data (bfboin: n = 0 reads as n = 1).
enum class BoinAction { escalate, stay, deescalate, eliminate };
BoinAction boin_dose_action(const BoinBoundaries& b, int n, int y);

// The doses open for backfill below the current escalation dose (empty when none).
std::vector<int> backfill_open_doses(const BackfillOptions& bf, const BoinBoundaries& b,
                                     const std::vector<BackfillDoseState>& s, int current);

class BfBoin final : public Design {
 public:
  BfBoin(const BoinOptions& o, const BackfillOptions& bf, std::size_t n_doses);
  std::unique_ptr<DesignRun> start(DesignWorkspace* ws) const override;
  bool time_driven() const override { return true; }
  bool needs_efficacy() const override { return bf_.require_response; }
  // Escalation patients up to max_patients, plus at most max_per_dose per dose backfilled.
  int max_patients() const override { return o_.max_patients + static_cast<int>(n_doses_) * bf_.max_per_dose; }
  // None: backfill patients come on top of the escalation's max_patients, so
  // a trial's size says nothing about an early stop (no p_stopped_early).
  int planned_patients() const override { return -1; }
  double target() const override { return o_.target; }
  const BoinOptions& options() const { return o_; }
  const BackfillOptions& backfill() const { return bf_; }
  const BoinBoundaries& boundaries() const { return b_; }
  std::size_t n_doses() const { return n_doses_; }

 private:
  BoinOptions o_;
  BackfillOptions bf_;
  std::size_t n_doses_;
  BoinBoundaries b_;
};

// Reads `backfill:` of a `boin` design (a map, or false); nullptr-safe: adds
// diagnostics and returns false when the node is bad or backfill is off.
bool read_backfill_keys(const core::ConfigNode& node, const DesignContext& ctx, core::Diagnostics& diag,
                        BackfillOptions& bf);

}  // namespace twinsim::trial
