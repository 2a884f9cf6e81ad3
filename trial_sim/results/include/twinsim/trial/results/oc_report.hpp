// Operating characteristics: the exact sums they come from and the one
// computation of each, shared by `twinsim run` (oc/ in the file), `report` and
// `compare` (which read the sums back with io/result_reader.hpp). Pure data
// and arithmetic: no file access and no printing here (report/oc_format.hpp).
//
// Every OC is recomputed from the per-trial and per-patient tables (trials/,
// patients/), so each estimate is the mean of one value per trial and its
// Monte-Carlo standard error comes from those R values; the stored oc/
// summaries are only cross-checked. Two designs that saw the same virtual
// patients (common random numbers) are compared trial by trial: paired
// differences with much smaller SEs.
//
// The tables are read in blocks of trials, every design of every file in
// lock-step by trial number, and only sums over trials are kept (TrialSums,
// PairSums), so memory does not grow with the number of replicates. All
// per-trial values are integers (counts, 0/1 indicators), so the sums are
// kept exactly in 128-bit integers: a variance is R·Σx² − (Σx)² computed
// without rounding, then divided once (floating-point streaming sums either
// cancel, like naive Σx², or accumulate rounding over R, like Welford).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "twinsim/trial/results/exposure_oc.hpp"
#include "twinsim/trial/results/oc_metrics.hpp"

namespace twinsim::trial {

// Exact sums of per-trial counts. Reading checks counts to be at most
// kMaxCount and trials at most kMaxTrials, so that even R·Σ(a − b)² of a
// paired difference stays below 2^127.
__extension__ typedef __int128 Int128;
constexpr std::int64_t kMaxCount = std::int64_t{1} << 30;
constexpr std::int64_t kMaxTrials = std::int64_t{1} << 32;

// Σx and Σx² of one integer value per trial.
struct Sums {
  Int128 sum = 0, sum_sq = 0;
  void add(std::int64_t x) {
    sum += x;
    sum_sq += Int128{x} * x;
  }
};

// mean(x) with SE = sd(x)/sqrt(R), sd with R-1 in the denominator.
Estimate mean_estimate(std::int64_t trials, const Sums& x);
// Fraction of ones (`ones` of R 0/1 values) with the binomial SE sqrt(p(1-p)/R).
Estimate proportion_estimate(std::int64_t trials, std::int64_t ones);
// Paired difference: mean(a - b) with SE = sd(a - b)/sqrt(R), from Σa, Σa²,
// Σb, Σb² and the cross sum Σa·b over the R trials.
Estimate paired_difference(std::int64_t trials, const Sums& a, const Sums& b, Int128 sum_ab);
// Unpaired difference of independent estimates: SE = sqrt(se_a^2 + se_b^2).
Estimate unpaired_difference(const Estimate& a, const Estimate& b);

// One design's sums over its R trials: enough for every OC, whatever target
// it is scored against later (score_against_target). n_rd and y_rd are the
// patients and DLTs of trial r at dose d (from patients/), N_r and C_r its
// patients and cohorts (trials/).
struct TrialSums {
  std::int64_t trials = 0;
  std::vector<std::int64_t> selected;     // [D + 1]: trials selecting no dose ([0]) or dose d ([d + 1])
  std::vector<Int128> patients;           // [D] Σ_r n_rd
  std::vector<Int128> patient_products;   // [D x D] Σ_r n_rd n_re ("above target" mixes doses)
  std::vector<Sums> dlts;                 // [D] y_rd
  Sums n_patients, n_dlts, n_cohorts;     // trials/n_patients, trials/n_dlts, trials/n_cohorts
  Int128 patients_cohorts = 0;            // Σ_r N_r C_r (trial duration mixes both)
  // The design's max_patients (-1: it has none, e.g. 3+3): trials with fewer
  // patients stopped early.
  std::int64_t planned_patients = -1;
  std::int64_t stopped_early = 0;
  // False when the file has no patients/ table (output.patients: false):
  // the per-dose sums above are then zero, not data.
  bool per_dose = true;
  bool has_cohorts = true;  // false: the file has no trials/n_cohorts (n_cohorts sums are zero)
  // Measured durations (trials/duration_days of a time-driven design, days):
  // when every trial has one, mean_duration_days comes from them instead of
  // the accrual formula. Added in trial order, so the sums do not depend on threads.
  std::int64_t duration_trials = 0;
  long double duration_sum = 0, duration_sum_sq = 0;
  explicit TrialSums(std::size_t doses = 0);
};

// Cross sums of a design a with the reference design b, trial r with trial r.
struct PairSums {
  std::string reference;                  // file and name of the reference design (pair_key)
  std::vector<std::int64_t> selected;     // [(Da + 1) x (Db + 1)]: trials where a selected i-1 and b j-1
  std::vector<Int128> patient_products;   // [Da x Db] Σ_r n^a_rd n^b_re
  Int128 n_patients = 0, n_dlts = 0;      // Σ_r of the products of trials/ values
  Int128 n_cohorts = 0, patients_cohorts = 0, cohorts_patients = 0;  // Σ Ca Cb, Σ Na Cb, Σ Ca Nb
  std::int64_t stopped_early = 0;         // trials where both stopped early
  PairSums(std::string reference_key, std::size_t doses_a, std::size_t doses_b);
};

// One trial of one design: its trials/ row and the per-dose counts of its patients/ rows.
struct TrialValues {
  std::int64_t selected = -1, n_patients = 0, n_dlts = 0, n_cohorts = 0;
  double duration_days = std::numeric_limits<double>::quiet_NaN();  // measured (time-driven designs), else NaN
  std::vector<std::int64_t> patients, dlts;  // [D] per dose, from patients/
  std::vector<std::size_t> doses_used;       // doses with patients: the others are 0
};

// Adds one trial to the sums: the only place per-trial values enter an OC
// (the run's oc/ and report's recomputation both come through here).
void add_trial(TrialSums& s, const TrialValues& t);
// a: the design; b: the reference design, same trial number; planned_*:
// their max_patients (TrialSums::planned_patients).
void add_pair(PairSums& p, const TrialValues& a, const TrialValues& b, std::int64_t planned_a,
              std::int64_t planned_b);

// Identifies the reference design of PairSums.
std::string pair_key(const std::string& file, const std::string& design);

struct DoseOc {
  double dose = 0.0;
  std::optional<double> true_dlt_probability;
  std::optional<double> true_dlt_probability_se;  // PK/PD mode: estimated truth
  bool acceptable = false;  // true P(DLT) within the scoring target +/- margin (when scored)
  Estimate p_select;       // fraction of trials selecting this dose
  Estimate mean_patients;  // patients treated at this dose per trial
  Estimate mean_dlts;      // DLTs at this dose per trial
};

// What a result file says about how its designs are scored and timed.
struct OcContext {
  std::vector<double> dose_levels;
  std::optional<std::vector<double>> truth;
  std::optional<std::vector<double>> truth_se;
  ScoringOptions scoring;
  std::optional<DurationModel> duration;  // with accrual
};

// The design-level OCs are the fields of OcEstimates (oc_metrics.hpp).
struct DesignOc : OcEstimates {
  std::string name;
  std::string type;
  std::optional<double> target;  // target DLT rate the design is scored against
  bool target_assumed = false;   // the design has no target of its own (scoring_targets)
  bool dose_finding = true;      // false: a fixed arm (ScoringTarget::dose_finding)
  std::int64_t trials = 0;
  ScoringOptions scoring;
  bool scored = false;    // target and truth known: the target-dependent OCs are computed
  int target_dose = -1;   // when scored: the correct selection (TrueDecision), -1 = select no dose
  // What the design selects. For an OBD design (BOIN12) PCS is P(select the
  // true OBD) (TrueObd), n/a without the efficacy truth; target_dose, the
  // acceptable doses and "treated above target" stay the toxicity (MTD) ones.
  DesignObjective objective = DesignObjective::mtd;
  std::optional<int> obd_dose;       // OBD designs: the true OBD (-1 = no dose), when known
  std::vector<double> true_utility;  // OBD designs: per dose (0-100), when known
  std::vector<double> true_utility_se;  // PK/PD mode: its SE from the reference cohort (empty: exact)
  double overdose_limit = std::numeric_limits<double>::quiet_NaN();
  std::vector<DoseOc> doses;
  TrialSums sums;
  std::optional<DurationModel> duration;
  // Sums with the reference design of the read (see read_oc_reports); absent
  // for the reference itself and for designs with another number of trials.
  std::optional<PairSums> with_reference;
  // Exposure per dose and overall from patients/ (PK/PD mode; empty without
  // exposure columns, e.g. design-only mode or output.patients: false).
  DesignExposure exposure;
  // Inconsistencies found in the file (e.g. oc/ disagreeing with trials/):
  // shown to the user, not fatal.
  std::vector<std::string> warnings;
};

// One design's OCs from its sums; scored against `target` (its own, or one
// scoring_targets assumed for it) when given.
DesignOc design_oc_from_sums(const std::string& name, const std::string& type, const ScoringTarget& target,
                             TrialSums sums, const OcContext& context);

// (Re)scores the target-dependent OCs (PCS, acceptable dose, treated above
// target) against a target DLT rate (TrueDecision). Without truth they stay
// n/a. assumed: the target is not the design's own.
void score_against_target(DesignOc& oc, double target, bool assumed);
// The OBD OCs of an OBD design (PCS vs the true OBD, p_treated_at_obd,
// expected_utility) from its sums, obd_dose and true_utility; no-op for MTD designs.
void score_obd(DesignOc& oc);

// A whole result file.
struct OcReport : OcContext {
  std::string path;
  std::string scenario_name;
  std::string mode;
  std::int64_t schema_version = 0;
  std::uint64_t seed = 0;
  std::int64_t replicates = 0;
  // OCs by exact enumeration (run --exact, root attribute oc_method): no
  // Monte-Carlo error; the SEs are those of an estimated true curve, or 0.
  bool exact = false;
  std::vector<std::string> warnings;  // about the file as a whole (e.g. a true P(DLT) unknown)
  // The scenario text reduced to what decides the virtual patients and their
  // outcomes (everything but name, seed, replicates, designs, output, scoring), in a
  // canonical form: files with equal keys, seeds and replicates share patients.
  std::string population_key;
  std::vector<DesignOc> designs;
};

// The warning about a dose whose true P(DLT) is NaN: every patient of the
// reference cohort failed to solve there (PK/PD mode).
std::string unknown_truth_warning(double dose);

// Compares the stored oc/ summaries with the recomputed ones; appends one
// warning per disagreement to d.warnings. Exposed for tests.
struct StoredValue {
  std::optional<double> value, se;
};
struct StoredOc {
  std::vector<double> p_select, p_select_se, mean_patients, mean_patients_se, mean_dlts, mean_dlts_se;
  std::optional<double> trials;
  // What the run scored the design against (files without patients/ need
  // them): oc/true_target_dose and oc/scoring_target (absent in files
  // written before scoring_target existed: then the design's own target).
  std::optional<double> true_target_dose, scoring_target;
  // oc/<OcMetric::stored> and its _se, by OcMetric::key.
  std::map<std::string, StoredValue> metrics;
};
void cross_check_oc(DesignOc& d, const StoredOc& stored);
// Whether the stored target-dependent OCs were scored as d is now.
bool stored_scoring_matches(const DesignOc& d, const StoredOc& stored);

// Side-by-side comparison: every design of every file, each compared with
// the first one (the reference). The fields of OcEstimates are the
// differences design - reference.
struct DesignDifference : OcEstimates {
  std::string label;      // "design" or "file:design"
  std::string reference;  // label of the reference design
  bool paired = false;
  std::string unpaired_reason;  // why not paired (empty when paired)
  // Why the target-dependent differences are n/a although both sides have
  // values (scored against different targets or scoring settings); empty otherwise.
  std::string not_comparable;
  // Exposure over all doses: mean difference and geometric mean ratio.
  std::vector<ExposureDifference> exposure;
};

struct Comparison {
  std::vector<std::string> labels;       // one per design, in order
  std::vector<const DesignOc*> designs;  // points into the reports passed in
  std::vector<const OcReport*> files;    // the file of each design
  std::vector<DesignDifference> differences;  // designs[1..] minus designs[0]
};

// Whether designs from two files saw the same virtual patients; if not, why.
std::optional<std::string> unpaired_reason(const OcReport& a, const OcReport& b);

// Scores each file's designs by scoring_targets(): a dose-finding design
// without a target of its own (3+3) against `target` if given, else against
// the one target the other designs of its own file share. read_oc_reports
// already does this with no `target`; call it again for --target.
void assume_targets(std::vector<OcReport>& reports, std::optional<double> target);

// The reports must outlive the returned Comparison. Paired differences need
// the reports from one read_oc_reports call (PairSums with the reference);
// designs without them are compared unpaired, and the reason says so.
Comparison compare_reports(const std::vector<OcReport>& reports);

}  // namespace twinsim::trial
