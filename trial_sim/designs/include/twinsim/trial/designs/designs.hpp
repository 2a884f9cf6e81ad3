// Parsers of the built-in designs (one .cpp each in designs/src/), and the few
// pieces of their numerics that tests check against published values.
#pragma once

#include <climits>
#include <memory>
#include <optional>
#include <vector>

#include "twinsim/trial/designs/design.hpp"

namespace twinsim::trial {

namespace detail {
// The decision tables of BOIN, mTPI-2 and i3+3 (designs/src/table_flow.hpp).
using DecisionTable = trial::DecisionTable;
}  // namespace detail

// Upper bound on patients in one trial of any design (input-size limit).
constexpr int kMaxPatientsPerTrial = 100000;

// Reads `cohort_size` and `max_patients` of a dose-finding design, each in
// [1, limit]; the values passed in are the defaults (the Options' in-class
// ones) and are replaced by what the file gives. Checks the rule between
// them: the first cohort must fit in the trial (max_patients >= cohort_size),
// else "the last cohort is cut to fit" would quietly shrink every cohort.
void read_cohort_keys(core::MapReader& r, int limit, int& cohort_size, int& max_patients);
// Reads `start_dose` (0-based, a dose level of the scenario); `fallback` is the default.
int read_start_dose(core::MapReader& r, const DesignContext& ctx, int fallback);
// Reads `key` as one of the scenario's dose levels (mg, or labels in
// design-only mode) and returns its index; nullopt after a diagnostic.
std::optional<int> read_dose_level(core::MapReader& r, const DesignContext& ctx, const char* key);
// The same rules for options given in code; throw std::invalid_argument naming the design and key.
void validate_cohort_options(int cohort_size, int max_patients, int limit, const char* design);
void validate_start_dose(int start_dose, std::size_t n_doses, const char* design);

std::unique_ptr<Design> parse_fixed(core::MapReader& r, const DesignContext& ctx);
std::unique_ptr<Design> parse_three_plus_three(core::MapReader& r, const DesignContext& ctx);
std::unique_ptr<Design> parse_boin(core::MapReader& r, const DesignContext& ctx);
std::unique_ptr<Design> parse_crm(core::MapReader& r, const DesignContext& ctx);
std::unique_ptr<Design> parse_mtpi2(core::MapReader& r, const DesignContext& ctx);
std::unique_ptr<Design> parse_i3p3(core::MapReader& r, const DesignContext& ctx);
std::unique_ptr<Design> parse_blrm(core::MapReader& r, const DesignContext& ctx);  // blrm.hpp

// --- Fixed arm and 3+3 ---

// `type: fixed`: one cohort of `patients` at one dose; nothing is selected.
struct FixedOptions {
  int dose_index = 0;  // 0-based (the YAML key `dose` names a dose level, mg)
  int patients = 1;
  // Throws std::invalid_argument naming the first bad key.
  void validate(std::size_t n_doses) const;
};

class Fixed final : public Design {
 public:
  Fixed(const FixedOptions& o, std::size_t n_doses);
  std::unique_ptr<DesignRun> start(DesignWorkspace* ws) const override;
  int max_patients() const override { return o_.patients; }
  bool is_dose_finding() const override { return false; }
  const FixedOptions& options() const { return o_; }

 private:
  FixedOptions o_;
};

// `type: three_plus_three`: the rule has no options but where it starts.
struct ThreePlusThreeOptions {
  int start_dose = 0;            // 0-based
  // The rule has no target; one given only tells the operating
  // characteristics which dose counts as correct.
  std::optional<double> target;
  void validate(std::size_t n_doses) const;
};

class ThreePlusThree final : public Design {
 public:
  ThreePlusThree(const ThreePlusThreeOptions& o, std::size_t n_doses);
  std::unique_ptr<DesignRun> start(DesignWorkspace* ws) const override;
  int max_patients() const override;  // 6 per dose level
  double target() const override { return o_.target.value_or(-1.0); }
  DecisionBasis decision_basis() const override { return DecisionBasis::dose_counts; }
  // Probed from the rule for n = 3 and 6 (no dose ever has more).
  std::optional<DecisionTable> decision_table(std::size_t n_doses) const override;
  const ThreePlusThreeOptions& options() const { return o_; }

 private:
  ThreePlusThreeOptions o_;
  int n_doses_;
};

// --- BOIN (Liu & Yuan 2015; R package BOIN 2.7.1, get.boundary / select.mtd) ---

// "No boundary at this n" (the package's NA).
constexpr int kNoBoundary = INT_MAX;

struct BoinBoundaries {
  double lambda_e = 0.0;  // escalate when the observed DLT rate <= lambda_e
  double lambda_d = 0.0;  // de-escalate when the observed DLT rate >= lambda_d
  // Indexed by n = 0..max_n patients at a dose (index 0 unused), as DLT counts:
  std::vector<int> escalate;    // escalate if y <= escalate[n]      (floor(lambda_e n))
  std::vector<int> deescalate;  // de-escalate if y >= deescalate[n] (ceil(lambda_d n), at most eliminate[n])
  std::vector<int> eliminate;   // eliminate if y >= eliminate[n]: P(p > target | y, n) > cutoff_eli, n >= 3
  std::vector<int> safety_stop; // extrasafe: stop if y >= safety_stop[n] at the lowest dose (cutoff_eli - offset)
};

// Tables for n = 0..max_n. offset < 0: no extrasafe table (safety_stop all kNoBoundary).
BoinBoundaries boin_boundaries(double target, double p_saf, double p_tox, double cutoff_eli, double offset,
                               int max_n);

// The options of `type: boin`, with the package's defaults (get.oc, 2.7.1).
struct BoinOptions {
  static constexpr double kSafFactor = 0.6;  // default p_saf = 0.6 * target
  static constexpr double kToxFactor = 1.4;  // default p_tox = 1.4 * target
  double target = 0.3;                // target DLT rate, in (0, 1)
  std::optional<double> p_saf;        // highest rate deemed subtherapeutic, in (0, target)
  std::optional<double> p_tox;        // lowest rate deemed overly toxic, in (target, 1)
  int cohort_size = 3;
  int max_patients = 30;
  int n_earlystop = 100;              // stop once this many are at the dose (and the rule keeps it)
  bool earlystop_simple = false;      // true: stop as soon as n_earlystop are at the dose (BOIN <= 2.6)
  int start_dose = 0;                 // 0-based
  double cutoff_eli = 0.95;           // eliminate when P(p > target | data) > cutoff_eli
  bool extrasafe = false;             // stop when the lowest dose is unsafe at cutoff_eli - offset
  double offset = 0.05;
  bool bound_mtd = false;             // the selected dose's estimate must be below lambda_d

  double saf() const { return p_saf.value_or(kSafFactor * target); }
  double tox() const { return p_tox.value_or(kToxFactor * target); }
  // Throws std::invalid_argument naming the first bad key.
  void validate(std::size_t n_doses) const;
};

class Boin final : public Design {
 public:
  // Throws std::invalid_argument when the options do not validate.
  Boin(const BoinOptions& o, std::size_t n_doses);
  std::unique_ptr<DesignRun> start(DesignWorkspace* ws) const override;
  int max_patients() const override { return o_.max_patients; }
  int planned_patients() const override { return o_.max_patients; }
  double target() const override { return o_.target; }
  DecisionBasis decision_basis() const override { return DecisionBasis::dose_counts; }
  std::optional<DecisionTable> decision_table(std::size_t) const override { return t_; }

  const BoinOptions& options() const { return o_; }
  const BoinBoundaries& boundaries() const { return b_; }
  const detail::DecisionTable& table() const { return t_; }
  int n_doses() const { return n_doses_; }

 private:
  BoinOptions o_;
  int n_doses_;
  BoinBoundaries b_;
  detail::DecisionTable t_;
};

// BOIN's MTD selection (select.mtd): isotonic estimates with a beta(0.05, 0.05)
// prior, eliminated doses excluded, closest to target. Returns -1 for none.
int boin_select_mtd(double target, const std::vector<int>& n, const std::vector<int>& y, double cutoff_eli = 0.95,
                    bool extrasafe = false, double offset = 0.05, bool bound_mtd = false, double p_tox = -1.0);

// --- CRM (O'Quigley, Pepe & Fisher 1990; R package dfcrm 0.2-2.1, crm / crmsim) ---

struct CrmModel {
  std::vector<double> skeleton;  // prior guesses of the DLT probability per dose
  bool logistic = false;         // false: empiric p = skeleton^exp(beta)
  double intercept = 3.0;        // logistic: p = 1 / (1 + exp(-intercept - exp(beta) x)),
                                 // x = logit(skeleton) - intercept
  double prior_var = 1.34;       // beta ~ Normal(0, prior_var)

  double ptox(std::size_t dose, double beta) const;
};

// Reads the model keys of `crm` (skeleton, model, intercept, prior_var) into m,
// adding diagnostics; shared by crm and tite_crm.
void read_crm_model(core::MapReader& r, const DesignContext& ctx, CrmModel& m);

// The options of `type: crm`, with dfcrm's defaults (crmsim, 0.2-2.1).
struct CrmOptions {
  // escalation's CRM vignette: stop_when_too_toxic(dose = 1, tox_threshold = target, confidence = 0.8).
  static constexpr double kOverdoseCutoff = 0.8;
  CrmModel model;                 // the skeleton has no default: one value per dose level
  double target = 0.25;           // target DLT rate, in (0, 1)
  int cohort_size = 3;
  int max_patients = 30;
  int start_dose = 0;             // 0-based
  bool restrict = true;           // no dose skipping when escalating, no escalation after a toxic cohort
  double overdose_threshold = -1.0;         // stop_overdose's cutoff q; < 0: no overdose stopping
  std::optional<double> overdose_tox_rate;  // stop_overdose's DLT rate t; default the target
  double overdose_rate() const { return overdose_tox_rate.value_or(target); }
  // Throws std::invalid_argument naming the first bad key.
  void validate(std::size_t n_doses) const;
};

namespace detail {
class CrmGrid;
struct CrmSummary;
struct CrmStateKey;
class CrmWorkspace;
}  // namespace detail

class Crm final : public Design {
 public:
  // Throws std::invalid_argument when the options do not validate.
  Crm(const CrmOptions& o, std::size_t n_doses);
  ~Crm() override;
  std::unique_ptr<DesignRun> start(DesignWorkspace* ws) const override;
  // The memo of posterior summaries by count state (one per thread).
  std::unique_ptr<DesignWorkspace> workspace() const override;
  int max_patients() const override { return o_.max_patients; }
  int planned_patients() const override { return o_.max_patients; }
  double target() const override { return o_.target; }
  // Decides from every dose's counts: no table, but exact enumeration.
  DecisionBasis decision_basis() const override { return DecisionBasis::counts; }
  std::optional<DecisionTable> decision_table(std::size_t) const override { return std::nullopt; }
  const CrmOptions& options() const { return o_; }

  // For its runs: the posterior summary of the counts, memoised in ws.
  detail::CrmSummary summary(detail::CrmWorkspace& ws, const std::vector<int>& n, const std::vector<int>& y) const;

 private:
  detail::CrmSummary compute(const std::vector<int>& n, const std::vector<int>& y, std::vector<double>& ll) const;
  detail::CrmStateKey pack(const std::vector<int>& n, const std::vector<int>& y) const;

  CrmOptions o_;
  std::unique_ptr<const detail::CrmGrid> grid_;
  int bits_ = 1;
  bool cacheable_ = false;
};

struct CrmFit {
  double beta_mean = 0.0;   // posterior mean of beta
  std::vector<double> ptox; // DLT probability per dose at beta_mean
  int recommended = 0;      // dose whose ptox is closest to the target (dfcrm's rule)
  double p_overdose = 0.0;  // P(p_lowest > target | data)
};

// Posterior by the same quadrature the design uses (its grid is sized for
// max_patients). n and y: patients and DLTs per dose.
CrmFit crm_fit(const CrmModel& model, double target, int max_patients, const std::vector<int>& n,
               const std::vector<int>& y);

// --- Interval designs: mTPI-2 (Guo et al. 2017) and i3+3 (Liu, Wang & Ji 2020) ---
// Probabilities are DLT rates in (0, 1); the equivalence interval (EI) is
// [target - eps1, target + eps2].

enum class IntervalAction : unsigned char { escalate, stay, deescalate };

// mTPI-2: the unit interval cut into sub-intervals of length eps1 + eps2 around
// the EI (the end pieces at 0 and 1 may be shorter); the decision is the one of
// the sub-interval with the largest unit probability mass (posterior
// probability / length) under the beta(1 + y, 1 + n - y) posterior:
// below the EI escalate, the EI stay, above de-escalate. Exact ties: E, then S.
IntervalAction mtpi2_action(double target, double eps1, double eps2, int y, int n);

// i3+3: y/n below the EI escalate; inside stay; above the EI stay if (y - 1)/n
// is below the EI, else de-escalate. The EI is closed (boundaries within 1e-9
// count as inside).
IntervalAction i3p3_action(double target, double eps1, double eps2, int y, int n);

// Largest max_patients the interval designs accept: their decision tables are
// computed once per design for n = 1..max_patients (phase I sizes are far below).
constexpr int kIntervalMaxPatients = 1000;

// The options of `type: mtpi2` and `type: i3+3`, with both papers' defaults.
struct IntervalOptions {
  double target = 0.3;
  double eps1 = 0.05;        // EI lower half-width (key epsilon1)
  double eps2 = 0.05;        // EI upper half-width (key epsilon2)
  int cohort_size = 3;
  int max_patients = 30;
  int start_dose = 0;        // 0-based
  double cutoff_eli = 0.95;  // exclude when P(p > target | data) > cutoff_eli
  int exclusion_min_n = 3;   // ... and at least this many patients at the dose
  int n_earlystop = 0;       // > 0: stop when the next cohort's dose already has this many; 0: off
  // Throws std::invalid_argument naming the first bad key.
  void validate(std::size_t n_doses) const;
};

using IntervalActionFn = IntervalAction (*)(double target, double eps1, double eps2, int y, int n);

// The shared flow of the interval designs (interval_design.cpp); the action
// makes it mTPI-2 or i3+3.
class IntervalDesign : public Design {
 public:
  // Throws std::invalid_argument when the options do not validate.
  IntervalDesign(const IntervalOptions& o, std::size_t n_doses, IntervalActionFn action);
  std::unique_ptr<DesignRun> start(DesignWorkspace* ws) const override;
  int max_patients() const override { return o_.max_patients; }
  int planned_patients() const override { return o_.max_patients; }
  double target() const override { return o_.target; }
  DecisionBasis decision_basis() const override { return DecisionBasis::dose_counts; }
  std::optional<DecisionTable> decision_table(std::size_t) const override { return t_; }
  const IntervalOptions& options() const { return o_; }
  const detail::DecisionTable& table() const { return t_; }
  int n_doses() const { return n_doses_; }

 private:
  IntervalOptions o_;
  int n_doses_;
  detail::DecisionTable t_;
};

class Mtpi2 final : public IntervalDesign {
 public:
  Mtpi2(const IntervalOptions& o, std::size_t n_doses) : IntervalDesign(o, n_doses, &mtpi2_action) {}
};

class I3p3 final : public IntervalDesign {
 public:
  I3p3(const IntervalOptions& o, std::size_t n_doses) : IntervalDesign(o, n_doses, &i3p3_action) {}
};

// P(p > target | y DLTs of n) under a beta(1, 1) prior (the dose-exclusion rule
// of mTPI-2 and i3+3 excludes a dose when this exceeds the cutoff, 0.95; BOIN's
// elimination and extrasafe rules use it too).
double interval_prob_above(double target, int y, int n);

// The MTD of both papers: isotonic regression (PAVA, weights 1/posterior
// variance) of the beta(1, 1) posterior means over the treated doses below the
// first excluded one (n >= min_n and P(p > target) > cutoff; excluding the
// lowest dose means no MTD); the dose closest to the target; ties (within
// 1e-12) go to the highest tied dose when the tied estimates' mean is below the
// target, else to the lowest. Returns -1 for none.
int interval_select_mtd(double target, const std::vector<int>& n, const std::vector<int>& y, double cutoff = 0.95,
                        int min_n = 3);

}  // namespace twinsim::trial
