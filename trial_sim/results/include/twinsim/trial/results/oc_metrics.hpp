// The definitions of the operating characteristics (OC) every output shows:
// what counts as a correct selection, an acceptable dose, an early stop, and
// which target a design is scored against. `twinsim run` (oc/ in the file),
// `report`, `compare` and the sweep summaries all take them from here, so one
// number has one definition (docs/report-compare.md, "Definitions").
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace twinsim::trial {

// An estimate and its Monte-Carlo standard error. NaN value = not applicable
// ("n/a"); NaN se = not estimable (e.g. fewer than 2 trials).
struct Estimate {
  double value = std::numeric_limits<double>::quiet_NaN();
  double se = std::numeric_limits<double>::quiet_NaN();
  bool available() const { return std::isfinite(value); }
};

// How selections are scored against the true DLT probabilities (scenario
// key `scoring`, docs/scenario-reference.md). Defaults as BOIN (Liu & Yuan
// 2015) calls a dose overly toxic: above phi2 = 1.4 x target.
struct ScoringOptions {
  double overdose_factor = 1.4;     // overdose limit = overdose_factor x target (>= 1)
  double acceptable_margin = 0.05;  // acceptable dose: |true P(DLT) - target| <= margin (in [0, 1))
  bool operator==(const ScoringOptions& o) const {
    return overdose_factor == o.overdose_factor && acceptable_margin == o.acceptable_margin;
  }
};

// Tolerance of every comparison of probabilities below (ties, limits, margins):
// 0.2 + 0.05 must count as within 0.05 of 0.25 although it is 0.25000000000000006.
constexpr double kScoringTolerance = 1e-12;

// What the truth says the right answer is, for one target.
struct TrueDecision {
  bool scored = false;       // false: no truth, no target, or a true P(DLT) unknown (NaN): PCS & co n/a
  int correct_dose = -1;     // when scored: the correct selection; -1 = select no dose
  double overdose_limit = std::numeric_limits<double>::quiet_NaN();  // overdose_factor x target
  std::vector<bool> acceptable;  // per dose: |p_d - target| <= margin
};

// The correct decision: the dose closest to the target among the doses whose
// true P(DLT) is at most the overdose limit (a tie goes to the lower dose);
// when every dose is above the limit (with a monotone truth: when even the
// lowest one is), selecting no dose is correct.
TrueDecision true_decision(const std::vector<double>& truth, double target, const ScoringOptions& scoring);

// What a dose-finding design selects: the maximum tolerated dose (scored by
// TrueDecision) or an optimal biological dose (BOIN12; scored by TrueObd).
enum class DesignObjective { mtd, obd };
const char* to_string(DesignObjective o);  // "MTD" / "OBD"

// The true utility of a dose and the true OBD of a utility-based design, as
// BOIN12's simulations define them (Lin, Zhou, Yan, Li & Yuan 2020, JCO
// Precis Oncol 4:1393, "Simulation study"; escalation package get_boin12):
// per dose, from P(T), P(E) and the joint P(T and E),
//   u = u1 P(E, no T) + u2 P(neither) + u3 P(both) + u4 P(T, no E)  (0-100 scale);
// the admissible doses have true P(T) <= phi_t and true P(E) >= phi_e, and
// the true OBD is the admissible dose of highest utility (ties to the lower
// dose); none admissible: selecting no dose is correct.
struct ObdRule {
  double phi_t = 0.35, phi_e = 0.25;                  // BOIN12's target and lower_efficacy
  double u1 = 100.0, u2 = 40.0, u3 = 60.0, u4 = 0.0;  // its utility table (BOIN12 defaults)
};
struct TrueObd {
  bool scored = false;       // false: a truth unknown (NaN) or missing
  int obd = -1;              // when scored: the correct selection; -1 = no dose admissible
  std::vector<double> utility;     // per dose, 0-100
  std::vector<bool> admissible;    // per dose
};
// p_t, p_e, p_both: per dose, the same length.
TrueObd true_obd(const std::vector<double>& p_t, const std::vector<double>& p_e, const std::vector<double>& p_both,
                 const ObdRule& rule);
// The SE of true_obd's utility per dose when P(T), P(E) and the joint are
// estimates from a reference cohort (TruthCurve with efficacy): the utility
// of one patient is one of u1..u4 by its outcome, so its estimate is a mean
// of n_evaluable draws, SE = sqrt((sum_k u_k^2 P_k - u^2) / n). NaN where
// nothing was evaluable; empty without efficacy estimates.
struct TruthCurve;  // results.hpp
std::vector<double> utility_se(const TruthCurve& truth, const ObdRule& rule);

// The target a design is scored against.
struct ScoringTarget {
  std::optional<double> target;
  bool assumed = false;  // not the design's own target
  bool dose_finding = true;  // false: a fixed arm, never scored (DesignTargetInfo)
  DesignObjective objective = DesignObjective::mtd;
  // OBD designs: the true OBD (-1 = no dose) when the efficacy truth is known;
  // absent: PCS is n/a. The toxicity OCs (acceptable, above target) stay MTD-based.
  std::optional<int> obd_dose;
  std::vector<double> true_utility;  // OBD designs: per dose (empty: unknown)
  std::vector<double> true_utility_se;  // PK/PD mode: its sampling SE per dose (empty: exact or unknown)
};

struct DesignTargetInfo {
  bool dose_finding = true;      // Design::is_dose_finding() (false: a fixed arm)
  std::optional<double> target;  // its own target DLT rate, if it has one
};

// One rule for every output: a design with a target of its own is scored
// against it. A dose-finding design without one (3+3) is scored against
// `given` (--target) if set, else against the one target all designs of the
// same run that have their own share; with no such target (none, or they
// differ) it is not scored. Fixed arms select no dose and are never scored.
std::vector<ScoringTarget> scoring_targets(const std::vector<DesignTargetInfo>& designs,
                                           std::optional<double> given = std::nullopt);

// Two targets are the same yardstick (ranking and differences of
// target-dependent OCs need one).
bool same_target(const std::optional<double>& a, const std::optional<double>& b);

// Trial duration under `accrual` (docs/scenario-reference.md): patients arrive
// gap_days apart, cohorts run one after another and each waits out the DLT
// window after its last patient: (N - C) x gap + C x window for N patients in
// C cohorts.
struct DurationModel {
  double gap_days = 0.0;     // 30.4375 / patients_per_month
  double window_days = 0.0;  // dlt_window_days
};
DurationModel duration_model(double patients_per_month, double dlt_window_days);
double trial_duration_days(const DurationModel& m, std::int64_t n_patients, std::int64_t n_cohorts);

// The design-level OCs, one field per entry of oc_metrics().
struct OcEstimates {
  Estimate pcs;                  // P(correct selection), TrueDecision
  Estimate p_acceptable;         // P(selected dose is acceptable)
  Estimate p_no_selection;       // P(no dose selected)
  Estimate p_stopped_early;      // P(fewer patients than the design's max_patients); n/a without one
  Estimate above_target;         // patients treated above the correct dose / all treated (ratio of sums)
  Estimate mean_total_patients;  // patients per trial
  Estimate mean_total_dlts;      // DLTs per trial
  Estimate mean_duration_days;   // trial duration (days), only with accrual
  // OBD designs with a known true OBD (score_obd; n/a otherwise). They depend on
  // the efficacy truth and the design's utilities, not on a DLT target.
  Estimate p_treated_at_obd;     // patients treated at the true OBD / all treated (ratio of sums; 0 when no OBD)
  Estimate expected_utility;     // mean true utility (0-100) of the selected dose (no selection: 0)
};

// One OC: how every output names and prints it, where the file stores it.
struct OcMetric {
  const char* key;     // csv/json field
  const char* title;   // table row
  const char* stored;  // oc/<stored> and oc/<stored>_se in the result file
  double scale;        // table: value x scale
  int decimals;
  const char* unit;    // table unit after the number
  bool proportion;     // a fraction of trials: the stored SE uses sqrt(p(1-p)/(R-1)), the shown one sqrt(p(1-p)/R)
  bool target_dependent;  // needs a scoring target and the truth
  Estimate OcEstimates::*field;
};

// Every design-level OC in the order all outputs list them.
const std::vector<OcMetric>& oc_metrics();
// The metric with this key; throws core::UsageError for an unknown one.
const OcMetric& oc_metric(const std::string& key);

}  // namespace twinsim::trial
