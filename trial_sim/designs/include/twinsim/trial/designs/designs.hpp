// Parsers of the built-in designs (one .cpp each in designs/src/), and the few
// pieces of their numerics that tests check against published values.
#pragma once

#include <climits>
#include <vector>

#include "twinsim/trial/designs/design.hpp"

namespace twinsim::trial {

// Upper bound on patients in one trial of any design (input-size limit).
constexpr int kMaxPatientsPerTrial = 100000;

// Reads `cohort_size` and `max_patients` of a dose-finding design, each in
// [1, limit]; the values passed in are the defaults (the Options' in-class
// ones) and are replaced by what the file gives. Checks the rule between
// them: the first cohort must fit in the trial (max_patients >= cohort_size),
// else "the last cohort is cut to fit" would quietly shrink every cohort.
void read_cohort_keys(core::MapReader& r, int limit, int& cohort_size, int& max_patients);

std::unique_ptr<Design> parse_fixed(core::MapReader& r, const DesignContext& ctx);
std::unique_ptr<Design> parse_three_plus_three(core::MapReader& r, const DesignContext& ctx);
std::unique_ptr<Design> parse_boin(core::MapReader& r, const DesignContext& ctx);
std::unique_ptr<Design> parse_crm(core::MapReader& r, const DesignContext& ctx);
std::unique_ptr<Design> parse_mtpi2(core::MapReader& r, const DesignContext& ctx);
std::unique_ptr<Design> parse_i3p3(core::MapReader& r, const DesignContext& ctx);

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
