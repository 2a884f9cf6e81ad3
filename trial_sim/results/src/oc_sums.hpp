// Statistics from the exact sums of oc_report.hpp, shared by the per-design
// OCs (oc_report.cpp) and the paired differences (oc_compare.cpp). Internal
// to trial_sim.
#pragma once

#include <optional>
#include <vector>

#include "twinsim/trial/results/oc_report.hpp"

namespace twinsim::trial::detail {

// R·Σ(x − x̄)(y − ȳ) = R·Σxy − Σx·Σy, exact in integers (see kMaxCount).
inline Int128 comoment(std::int64_t trials, Int128 sum_xy, Int128 sum_x, Int128 sum_y) {
  return Int128{trials} * sum_xy - sum_x * sum_y;
}

// The mean sum/R and its SE sd/sqrt(R), given r_ss = R·Σ(x − x̄)², exact and
// rounded once here.
Estimate from_moments(std::int64_t trials, double sum, long double r_ss);

// Of 0/1 values: Σx² = Σx.
inline Sums indicator(std::int64_t ones) { return {ones, ones}; }

// A share of the patients treated (at doses in a set: above the target, at
// the OBD) as a ratio of sums q = Σ_r a_r / Σ_r n_r, linearised per trial as
// z_r = q + Σ_d w_d n_rd with w_d = ([d in set] − q) / n̄ (delta method);
// nullopt without per-dose counts or patients.
struct DoseShare {
  double q = 0.0;
  std::vector<long double> w;
};
std::optional<DoseShare> dose_share_weights(const TrialSums& s, const std::vector<bool>& in_set);
// "Treated above target" (doses above the correct one); nullopt when not scored.
std::optional<DoseShare> above_target_weights(const DesignOc& oc);
// "Treated at the true OBD"; nullopt unless an OBD design with a known OBD.
std::optional<DoseShare> obd_share_weights(const DesignOc& oc);
// Per selection outcome (0: none, d + 1: dose d) the true utility of an OBD
// design with a known OBD (no selection: 0); empty otherwise.
std::vector<long double> selection_utilities(const DesignOc& oc);

// Σ_de wa_d wb_e (R·X_de − Sa_d Sb_e) = R·Σ_r (za_r − z̄a)(zb_r − z̄b) for
// z = Σ_d w_d n_rd, where X_de = Σ_r na_rd nb_re and S = Σ_r n_rd.
long double weighted_comoment(std::int64_t trials, const std::vector<Int128>& X, const std::vector<Int128>& Sa,
                              const std::vector<Int128>& Sb, const std::vector<long double>& wa,
                              const std::vector<long double>& wb);

// Selection outcomes (0: no dose, d + 1: dose d) that count as correct, and
// as an acceptable dose, for a scored design.
std::vector<std::size_t> correct_outcomes(const DesignOc& oc);
std::vector<std::size_t> acceptable_outcomes(const DesignOc& oc);
std::int64_t trials_with(const TrialSums& s, const std::vector<std::size_t>& outcomes);

// A design's OCs before any estimate: names, scoring, and per dose its level
// and true P(DLT) (design_oc_from_sums and exact_design_oc fill in the rest).
DesignOc design_oc_frame(const std::string& name, const std::string& type, const ScoringTarget& target,
                         const OcContext& ctx);

// The duration D_r = g N_r + h C_r of trial r (g the gap between patients,
// h = window − g): its coefficients.
struct DurationWeights {
  long double g = 0, h = 0;
};
DurationWeights duration_weights(const DurationModel& m);

}  // namespace twinsim::trial::detail
