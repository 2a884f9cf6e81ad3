// Designs that decide from responses (efficacy): Simon's two-stage design
// (simon_two_stage.cpp), BOP2 (bop2.cpp). Their decision tables are exposed as
// functions so `twinsim boundaries` and the tests can print and check them.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "twinsim/trial/designs/design.hpp"

namespace twinsim::trial {

std::unique_ptr<Design> parse_simon_two_stage(core::MapReader& r, const DesignContext& ctx);
std::unique_ptr<Design> parse_bop2(core::MapReader& r, const DesignContext& ctx);
std::unique_ptr<Design> parse_boin12(core::MapReader& r, const DesignContext& ctx);

// --- Simon (1989), Controlled Clinical Trials 10:1-10; clinfun::ph2simon ---

// Stage 1 treats n1; the trial stops when responses <= r1. Stage 2 treats
// n - n1 more; the drug is declared promising when responses > r (of n).
struct SimonBoundaries {
  int r1 = 0, n1 = 0, r = 0, n = 0;
  double en_p0 = 0.0;   // expected sample size under p0
  double pet_p0 = 0.0;  // probability of early termination under p0
  double type1 = 0.0;   // P(declare promising | p0), <= alpha
  double power = 0.0;   // P(declare promising | p1), >= 1 - beta
};

// P(declare promising), P(early termination) and E[N] of a two-stage design
// at true response rate p, by exact binomial sums.
struct SimonOc {
  double p_promising = 0.0;
  double pet = 0.0;
  double en = 0.0;
};
SimonOc simon_oc(int r1, int n1, int r, int n, double p);

// The exact search of Simon (1989) over 1 <= n1 < n <= max_n, 0 <= r1 < n1,
// r1 <= r < n, with type I error <= alpha and power >= 1 - beta (each to
// within 1e-12, so a design exactly at the bound counts). optimal: the least
// EN(p0), ties to the smaller n; minimax: the least n, then the least EN(p0).
// nullopt when no design with n <= max_n meets both.
std::optional<SimonBoundaries> simon_search(double p0, double p1, double alpha, double beta, bool minimax,
                                            int max_n = 100);

struct SimonOptions {
  static constexpr int kMaxN = 1000;  // largest max_n accepted (clinfun's nmax limit)
  double p0 = 0.1;     // uninteresting response rate (required key)
  double p1 = 0.3;     // desirable response rate, > p0 (required key)
  double alpha = 0.05;  // Simon's tables
  double beta = 0.2;    // Simon's tables
  bool minimax = false;  // optimality: optimal (default) | minimax
  int max_n = 100;       // largest total sample size searched (clinfun nmax = 100)
  int dose_index = 0;    // the dose treated (key `dose`, a dose level)
  void validate(std::size_t n_doses) const;  // throws std::invalid_argument naming the key
};

class SimonTwoStage final : public Design {
 public:
  // Throws std::invalid_argument for bad options or when no design exists.
  SimonTwoStage(const SimonOptions& o, std::size_t n_doses);
  std::unique_ptr<DesignRun> start(DesignWorkspace* ws) const override;
  int max_patients() const override { return b_.n; }
  int planned_patients() const override { return b_.n; }
  bool needs_dlt() const override { return false; }
  bool needs_efficacy() const override { return true; }
  const SimonOptions& options() const { return o_; }
  const SimonBoundaries& boundaries() const { return b_; }
  std::optional<RuleTable> rule_table() const override;

 private:
  SimonOptions o_;
  SimonBoundaries b_;
};

// --- BOP2 (Zhou, Lee & Yuan 2017, Statistics in Medicine 36:3302-3314), binary efficacy ---

// At the k-th analysis, after n_k patients with x responses: stop (no go) if
// Pr(theta <= p0 | x, n_k) > C(n_k) = lambda (n_k / N)^gamma under the
// beta(a, b) prior, i.e. if x <= stop_at_most[k]; at the last analysis (n_K = N)
// the drug is declared promising (go) when x > stop_at_most[K-1].
struct Bop2Boundaries {
  double lambda = 0.0, gamma = 0.0;
  std::vector<int> n;             // cumulative patients at each analysis (the last is N)
  std::vector<int> stop_at_most;  // -1: no stop possible at that n
  double type1 = 0.0;             // P(go | p0), <= alpha
  double power = 0.0;             // P(go | p1)
  double en_p0 = 0.0, pet_p0 = 0.0;  // expected sample size, P(stopped before N), under p0
};

struct Bop2Oc {
  double p_go = 0.0;
  double pet = 0.0;  // stopped at an interim before N
  double en = 0.0;
  std::vector<double> p_stop_at;  // per analysis (the last: no go at N)
};
// Exact by forward recursion over the response count.
Bop2Oc bop2_oc(const std::vector<int>& n, const std::vector<int>& stop_at_most, double p);

struct Bop2Options {
  double p0 = 0.2;        // null response rate (required key)
  double p1 = 0.4;        // alternative response rate, > p0 (required key)
  double alpha = 0.1;     // type I error the cutoff is tuned to
  std::vector<int> n;     // cumulative sizes at each analysis, the last N (key analysis_sizes; required)
  std::optional<double> prior_a, prior_b;  // beta prior; default mean p0 with prior sample size 1
  int dose_index = 0;     // key `dose`, a dose level
  // The grid the cutoff (lambda, gamma) is searched on.
  double lambda_step = 0.001;  // lambda in (0, 1)
  double gamma_max = 3.0, gamma_step = 0.01;  // gamma in [0, gamma_max]
  double a() const { return prior_a.value_or(p0); }
  double b() const { return prior_b.value_or(1.0 - p0); }
  void validate(std::size_t n_doses) const;  // throws std::invalid_argument naming the key
};

// Boundaries for one (lambda, gamma).
std::vector<int> bop2_stop_boundaries(const Bop2Options& o, double lambda, double gamma);
// The cutoff of the paper: (lambda, gamma) on the grid maximising P(go | p1)
// subject to P(go | p0) <= alpha; ties to the smaller E[N | p0]. nullopt: none meets alpha.
std::optional<Bop2Boundaries> bop2_tune(const Bop2Options& o);

class Bop2 final : public Design {
 public:
  Bop2(const Bop2Options& o, std::size_t n_doses);  // throws std::invalid_argument
  std::unique_ptr<DesignRun> start(DesignWorkspace* ws) const override;
  int max_patients() const override { return o_.n.back(); }
  int planned_patients() const override { return o_.n.back(); }
  bool needs_dlt() const override { return false; }
  bool needs_efficacy() const override { return true; }
  const Bop2Options& options() const { return o_; }
  const Bop2Boundaries& boundaries() const { return b_; }
  std::optional<RuleTable> rule_table() const override;

 private:
  Bop2Options o_;
  Bop2Boundaries b_;
};

// --- BOIN12 (Lin, Zhou, Yan, Li & Yuan 2020, JCO Precision Oncology 4:1393-1402) ---
// Rules as implemented in the escalation R package (get_boin12,
// boin12_next_dose, select_boin12_obd), which reproduces the paper's example
// and the MD Anderson BOIN12 Shiny app (docs/designs.md).

struct Boin12Options {
  double phi_t = 0.35;  // highest acceptable toxicity rate (key target; the paper's example)
  double phi_e = 0.25;  // lowest acceptable efficacy rate (key lower_efficacy)
  // Utilities (0-100) of (efficacy, no toxicity), (neither), (both), (toxicity, no efficacy).
  double u1 = 100.0, u2 = 40.0, u3 = 60.0, u4 = 0.0;
  int n_star = 6;        // with lambda_e < p_T < lambda_d and n >= n_star: stay or de-escalate only
  double c_t = 0.95;     // a dose is not admissible if Pr(p_T > phi_t) >= c_t
  double c_e = 0.90;     // ... or Pr(p_E < phi_e) >= c_e
  double prior_a = 1.0, prior_b = 1.0;  // beta priors of p_T, p_E and the utility
  int cohort_size = 3;
  int max_patients = 36;  // the Shiny app's 12 cohorts of 3
  int n_cap = 12;         // stop once any dose has this many patients
  int start_dose = 0;
  double benchmark() const;  // u_b = u_bar + (100 - u_bar) / 2
  void validate(std::size_t n_doses) const;  // throws std::invalid_argument naming the key
};

// 100 Pr(utility > u_b | data) under the beta(prior_a + x, prior_b + n - x)
// posterior of the pseudo-count x = (u1 n_E,noT + u2 n_none + u3 n_both + u4 n_T,noE) / 100:
// the quantity the rank-based desirability score ranks.
double boin12_desirability(const Boin12Options& o, int n, int tox, int eff, int both);
// Is dose d admissible (not too toxic, not too inactive)?
bool boin12_admissible(const Boin12Options& o, int n, int tox, int eff);
// The next dose after the last cohort (at counts.current), or -1: no admissible dose (stop).
int boin12_next_dose(const Boin12Options& o, double lambda_e, double lambda_d, const DoseCounts& c);
// The OBD at the end: isotonic (unweighted PAVA) empiric toxicity over the treated doses,
// MTD = closest to phi_t (ties to the higher), OBD = the most desirable dose at or below it
// (ties to the lower).
int boin12_select_obd(const Boin12Options& o, const DoseCounts& c);

class Boin12 final : public Design {
 public:
  Boin12(const Boin12Options& o, std::size_t n_doses);  // throws std::invalid_argument
  std::unique_ptr<DesignRun> start(DesignWorkspace* ws) const override;
  int max_patients() const override { return o_.max_patients; }
  int planned_patients() const override { return o_.max_patients; }
  double target() const override { return o_.phi_t; }
  bool needs_efficacy() const override { return true; }
  std::optional<ObdObjective> obd_objective() const override {
    return ObdObjective{o_.phi_t, o_.phi_e, o_.u1, o_.u2, o_.u3, o_.u4};
  }
  const Boin12Options& options() const { return o_; }
  double lambda_e() const { return lambda_e_; }
  double lambda_d() const { return lambda_d_; }
  // Per n = 1..n_cap: de-escalate / no escalation (n >= n_star) DLT
  // boundaries from lambda_d, lambda_e, and the admissibility boundaries of
  // c_t and c_e; the desirability between them is a posterior, not a count.
  std::optional<RuleTable> rule_table() const override;

 private:
  Boin12Options o_;
  double lambda_e_ = 0.0, lambda_d_ = 0.0;
};

}  // namespace twinsim::trial
