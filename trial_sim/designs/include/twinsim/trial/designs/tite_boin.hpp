// `type: tite_boin`: the time-to-event BOIN of Yuan, Lin, Li, Nie & Warren
// (2018, Clin Cancer Res 24:4921). At the current dose, n patients treated,
// y DLTs seen, m pending (tite_pending), STFT = sum over the pending of
// follow-up / window (standardised total follow-up time):
//   m = 0: BOIN's decision (boin_boundaries).
//   m > 0, estimate: imputation (the paper, Supplementary Appendix A):
//     p~ = (y + target / 2) / (n - m + 1), p_hat = (y + (m - STFT) p~ / (1 - p~)) / n;
//     escalate if p_hat <= lambda_e and y / n < target, de-escalate if
//     p_hat >= lambda_d and y / n >= target, else stay. A de-escalation that
//     no pending outcome can change comes first; then accrual is suspended
//     while m > max_pending * n (the paper's 50 %).
//   m > 0, estimate: ess (Lin & Yuan 2020, Biostatistics 21:807, as
//     TITEgBOIN's next_TITE_QuasiBOIN): suspend while m > max_pending * n,
//     else p_hat = y / (n - m + STFT) against lambda_e, lambda_d.
// Elimination (y >= BOIN's elimination boundary of n, sticky), extrasafe,
// n_earlystop and the MTD selection (boin_select_mtd, after every patient
// completed the window) are BOIN's.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "twinsim/trial/designs/designs.hpp"
#include "twinsim/trial/designs/trial_history.hpp"

namespace twinsim::trial {

// One dose's data on a given day.
struct TiteDoseState {
  int n = 0;          // evaluable patients enrolled at the dose
  int y = 0;          // DLTs seen
  int pending = 0;    // patients whose outcome is pending (tite_pending)
  double stft = 0.0;  // sum of follow-up / window over the pending patients
};
std::vector<TiteDoseState> tite_dose_states(const std::vector<EnrolledPatient>& patients, double now_day,
                                            double window_days, std::size_t n_doses);

// The options of `type: tite_boin` (BOIN's keys and defaults, plus the window
// and the suspension rule).
struct TiteBoinOptions {
  double target = 0.3;
  std::optional<double> p_saf, p_tox;  // default 0.6 and 1.4 times the target
  int cohort_size = 3;
  int max_patients = 30;
  int n_earlystop = 100;
  int start_dose = 0;
  double cutoff_eli = 0.95;
  bool extrasafe = false;
  double offset = 0.05;
  double max_pending = 0.5;  // suspend accrual while pending > max_pending * n at the current dose
  double window_days = 0.0;  // DLT window, days (the scenario's accrual window)
  bool ess = false;          // false: the paper's imputation; true: Lin & Yuan's effective sample size
  double saf() const { return p_saf.value_or(BoinOptions::kSafFactor * target); }
  double tox() const { return p_tox.value_or(BoinOptions::kToxFactor * target); }
  void validate(std::size_t n_doses) const;  // throws std::invalid_argument
};

// The rule at the current dose given its state: 0 escalate, 1 stay,
// 2 de-escalate, 3 suspend accrual (before elimination and the dose range).
int tite_boin_action(const TiteBoinOptions& o, const BoinBoundaries& b, const TiteDoseState& c);

class TiteBoin final : public Design {
 public:
  TiteBoin(const TiteBoinOptions& o, std::size_t n_doses);
  std::unique_ptr<DesignRun> start(DesignWorkspace* ws) const override;
  bool time_driven() const override { return true; }
  int max_patients() const override { return o_.max_patients; }
  int planned_patients() const override { return o_.max_patients; }
  double target() const override { return o_.target; }
  const TiteBoinOptions& options() const { return o_; }
  const BoinBoundaries& boundaries() const { return b_; }
  std::size_t n_doses() const { return n_doses_; }

 private:
  TiteBoinOptions o_;
  std::size_t n_doses_;
  BoinBoundaries b_;
};

}  // namespace twinsim::trial
