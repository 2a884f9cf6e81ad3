// `type: tite_boin`: the time-to-event BOIN of Yuan, Lin, Li, Nie & Warren
// (2018, Clin Cancer Res 24:4921) with the effective-sample-size estimate of
// Lin & Yuan (2020, Biostatistics 21:807) as TITEgBOIN's next_TITE_QuasiBOIN
// computes it. With n patients at the current dose, y DLTs seen, m of them
// pending and STFT = sum over the pending of follow-up / window (the
// standardised total follow-up time), the DLT rate is estimated by
//   p_hat = y / n                   if m = 0
//   p_hat = y / (n - m + STFT)      otherwise (uniform time to DLT in the window)
// and compared with BOIN's lambda_e, lambda_d (boin_boundaries). Accrual is
// suspended while m > max_pending * n (the paper's default 50 %), and at the
// lowest dose when p_hat >= lambda_d with patients pending. Elimination and
// the extrasafe rule use y DLTs among all n patients, as in that code.
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
  double saf() const { return p_saf.value_or(BoinOptions::kSafFactor * target); }
  double tox() const { return p_tox.value_or(BoinOptions::kToxFactor * target); }
  void validate(std::size_t n_doses) const;  // throws std::invalid_argument
};

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
