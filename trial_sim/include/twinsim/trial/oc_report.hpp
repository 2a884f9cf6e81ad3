// Operating characteristics read back from a result file, for `twinsim report`
// and `twinsim compare`. Pure data: no printing here (see oc_format.hpp).
//
// Every OC is recomputed from the per-trial and per-patient tables (trials/,
// patients/), so each estimate is the mean of one value per trial and its
// Monte-Carlo standard error comes from those R values; the stored oc/
// summaries are only cross-checked. Keeping the per-trial values lets two
// designs that saw the same virtual patients (common random numbers) be
// compared trial by trial: paired differences with much smaller SEs.
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

// mean(x) with SE = sd(x)/sqrt(R), sd with R-1 in the denominator.
Estimate mean_estimate(const std::vector<double>& x);
// Fraction of ones in 0/1 values with the binomial SE sqrt(p(1-p)/R).
Estimate proportion_estimate(const std::vector<double>& x);
// Paired difference: mean(a - b) with SE = sd(a - b)/sqrt(R). Sizes must match.
Estimate paired_difference(const std::vector<double>& a, const std::vector<double>& b);
// Unpaired difference of independent estimates: SE = sqrt(se_a^2 + se_b^2).
Estimate unpaired_difference(const Estimate& a, const Estimate& b);

// Index of the dose whose true DLT probability is closest to target; ties
// (within 1e-12) go to the lower dose. -1 if truth is empty.
int true_target_dose(const std::vector<double>& truth, double target);

// One design's raw tables as stored in the file (columns of trials/ and patients/).
struct DesignTables {
  std::string name;
  std::string type;
  std::optional<double> target;  // the design's `target` attribute
  std::vector<std::int64_t> trial, selected_dose, n_patients, n_dlts;     // trials/
  std::vector<std::int64_t> patient_trial, patient_dose_index, patient_dlt;  // patients/
};

// Per-trial values behind the design-level OCs, indexed by trial number
// 0..R-1, so trial r of one design pairs with trial r of another. Entries are
// empty when the OC is not applicable (no target or no truth).
struct PerTrialValues {
  std::vector<std::int64_t> selected;           // selected dose index, -1 = none
  std::vector<std::uint32_t> patients_per_dose;  // [R x D], row-major: patients of trial r at dose d
  std::vector<double> correct;        // 1 if the selected dose is the true target dose
  std::vector<double> no_selection;   // 1 if no dose was selected
  std::vector<double> n_patients;     // patients enrolled
  std::vector<double> n_dlts;         // DLTs observed
  // Linearised per-trial values of the ratio estimator "patients above the
  // target dose / patients": z_r = q + (a_r - q n_r) / mean(n); their mean is q
  // and sd(z)/sqrt(R) is the delta-method SE, so paired differences of z give
  // the paired SE of a difference of ratios.
  std::vector<double> above_target;
};

struct DoseOc {
  double dose = 0.0;
  std::optional<double> true_dlt_probability;
  std::optional<double> true_dlt_probability_se;  // PK/PD mode: estimated truth
  Estimate p_select;       // fraction of trials selecting this dose
  Estimate mean_patients;  // patients treated at this dose per trial
  Estimate mean_dlts;      // DLTs at this dose per trial
};

struct DesignOc {
  std::string name;
  std::string type;
  std::optional<double> target;  // target DLT rate PCS is scored against
  bool target_assumed = false;   // the design has no target of its own (see assume_targets)
  std::int64_t trials = 0;
  int target_dose = -1;  // true target dose index, -1 if not applicable
  std::vector<DoseOc> doses;
  Estimate p_no_selection;
  Estimate pcs;               // P(selected dose == true target dose); n/a without target or truth
  Estimate above_target;      // fraction of all treated patients dosed above the target dose
  Estimate mean_total_patients;
  Estimate mean_total_dlts;
  PerTrialValues per_trial;
  // Inconsistencies found in the file (e.g. oc/ disagreeing with trials/):
  // shown to the user, not fatal.
  std::vector<std::string> warnings;
};

// Computes one design's OCs. Throws core::RuntimeError if the tables are
// inconsistent (lengths differ, indices out of range, duplicate trials).
DesignOc compute_design_oc(const DesignTables& t, const std::vector<double>& dose_levels,
                           const std::optional<std::vector<double>>& truth,
                           const std::optional<std::vector<double>>& truth_se = std::nullopt);

// (Re)scores PCS and "treated above target" against a target DLT rate: the
// true target dose is the one whose true DLT probability is closest to it.
// Without truth they stay n/a. assumed: the target is not the design's own.
void score_against_target(DesignOc& oc, double target, bool assumed);

// A whole result file.
struct OcReport {
  std::string path;
  std::string scenario_name;
  std::string mode;
  std::int64_t schema_version = 0;
  std::uint64_t seed = 0;
  std::int64_t replicates = 0;
  std::vector<double> dose_levels;
  std::optional<std::vector<double>> truth;
  std::optional<std::vector<double>> truth_se;
  // The scenario text reduced to what decides the virtual patients and their
  // outcomes (everything but name, seed, replicates, designs, output), in a
  // canonical form: files with equal keys, seeds and replicates share patients.
  std::string population_key;
  std::vector<DesignOc> designs;
};

// Reads and checks a result file. Throws core::RuntimeError with a one-line
// message on a missing, non-HDF5, truncated or foreign file, a missing or
// unknown schema_version, or missing datasets.
OcReport read_oc_report(const std::string& path);

// Compares the stored oc/ summaries with the recomputed ones; appends one
// warning per disagreement to d.warnings. Exposed for tests.
struct StoredOc {
  std::vector<double> p_select, p_select_se, mean_patients, mean_patients_se, mean_dlts, mean_dlts_se;
  std::optional<double> p_no_selection, p_no_selection_se, mean_total_patients, mean_total_patients_se,
      mean_total_dlts, mean_total_dlts_se, trials;
};
void cross_check_oc(DesignOc& d, const StoredOc& stored);

// Side-by-side comparison: every design of every file, each compared with
// the first one (the reference).
struct DesignDifference {
  std::string label;      // "design" or "file:design"
  std::string reference;  // label of the reference design
  bool paired = false;
  std::string unpaired_reason;  // why not paired (empty when paired)
  Estimate pcs, p_no_selection, mean_total_patients, mean_total_dlts, above_target;
};

struct Comparison {
  std::vector<std::string> labels;       // one per design, in order
  std::vector<const DesignOc*> designs;  // points into the reports passed in
  std::vector<const OcReport*> files;    // the file of each design
  std::vector<DesignDifference> differences;  // designs[1..] minus designs[0]
};

// Whether designs from two files saw the same virtual patients; if not, why.
std::optional<std::string> unpaired_reason(const OcReport& a, const OcReport& b);

// Designs without a target of their own (e.g. 3+3) have no PCS. This scores
// them against `target` if given, otherwise against the one target all the
// other designs share (none if they disagree). Returns the target used.
std::optional<double> assume_targets(std::vector<OcReport>& reports, std::optional<double> target);

// The reports must outlive the returned Comparison.
Comparison compare_reports(const std::vector<OcReport>& reports);

}  // namespace twinsim::trial
