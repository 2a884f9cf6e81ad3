// Operating characteristics from sums over trials: estimates with MC SEs,
// scoring against the truth (oc_metrics.hpp), cross-check with oc/. The
// paired comparison lives in oc_compare.cpp, the sums in trial_sums.cpp, the
// file reading in io/ (result_reader.cpp, oc_stream.cpp).
#include "twinsim/trial/results/oc_report.hpp"

#include <algorithm>

#include "oc_sums.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/core/value_text.hpp"

namespace twinsim::trial {

namespace detail {

Estimate from_moments(std::int64_t trials, double sum, long double r_ss) {
  Estimate e;
  if (trials <= 0) return e;
  const double n = static_cast<double>(trials);
  e.value = sum / n;
  if (trials < 2) return e;
  const double ss = static_cast<double>(std::max(r_ss, 0.0L) / static_cast<long double>(trials));
  e.se = std::sqrt(ss / (n - 1.0) / n);
  return e;
}

// With a_r patients above the correct dose (every dose when the correct
// decision is no dose), t_r patients in all, n̄ = mean(t) and q = ā/n̄, the
// linearised value is z_r = q + (a_r − q t_r)/n̄ = q + Σ_d w_d n_rd, with
// w_d = ([d > correct dose] − q)/n̄. Their mean is q; sd(z)/sqrt(R) is the
// delta-method SE.
std::optional<DoseShare> dose_share_weights(const TrialSums& s, const std::vector<bool>& in_set) {
  if (!s.per_dose || s.trials <= 0 || in_set.size() != s.patients.size()) return std::nullopt;
  Int128 in = 0, treated = 0;
  for (std::size_t d = 0; d < s.patients.size(); ++d) {
    treated += s.patients[d];
    if (in_set[d]) in += s.patients[d];
  }
  const double R = static_cast<double>(s.trials);
  const double n_bar = static_cast<double>(treated) / R;
  if (!(n_bar > 0)) return std::nullopt;
  DoseShare a;
  a.q = (static_cast<double>(in) / R) / n_bar;
  for (std::size_t d = 0; d < s.patients.size(); ++d) a.w.push_back(((in_set[d] ? 1.0L : 0.0L) - a.q) / n_bar);
  return a;
}

std::optional<DoseShare> above_target_weights(const DesignOc& oc) {
  if (!oc.scored) return std::nullopt;
  std::vector<bool> above(oc.sums.patients.size());
  for (std::size_t d = 0; d < above.size(); ++d) above[d] = static_cast<int>(d) > oc.target_dose;
  return dose_share_weights(oc.sums, above);
}

std::optional<DoseShare> obd_share_weights(const DesignOc& oc) {
  if (oc.objective != DesignObjective::obd || !oc.obd_dose) return std::nullopt;
  std::vector<bool> at(oc.sums.patients.size());
  for (std::size_t d = 0; d < at.size(); ++d) at[d] = static_cast<int>(d) == *oc.obd_dose;
  return dose_share_weights(oc.sums, at);
}

std::vector<long double> selection_utilities(const DesignOc& oc) {
  if (oc.objective != DesignObjective::obd || !oc.obd_dose) return {};
  std::vector<long double> u{0.0L};
  for (double x : oc.true_utility) u.push_back(x);
  return u;
}

long double weighted_comoment(std::int64_t trials, const std::vector<Int128>& X, const std::vector<Int128>& Sa,
                              const std::vector<Int128>& Sb, const std::vector<long double>& wa,
                              const std::vector<long double>& wb) {
  long double total = 0.0L;
  for (std::size_t d = 0; d < Sa.size(); ++d)
    for (std::size_t e = 0; e < Sb.size(); ++e)
      total += wa[d] * wb[e] * static_cast<long double>(comoment(trials, X[d * Sb.size() + e], Sa[d], Sb[e]));
  return total;
}

std::vector<std::size_t> correct_outcomes(const DesignOc& oc) {
  if (oc.objective == DesignObjective::obd) {
    if (!oc.obd_dose) return {};
    return {static_cast<std::size_t>(*oc.obd_dose + 1)};
  }
  if (!oc.scored) return {};
  return {static_cast<std::size_t>(oc.target_dose + 1)};
}

std::vector<std::size_t> acceptable_outcomes(const DesignOc& oc) {
  std::vector<std::size_t> out;
  for (std::size_t d = 0; oc.scored && d < oc.doses.size(); ++d)
    if (oc.doses[d].acceptable) out.push_back(d + 1);
  return out;
}

std::int64_t trials_with(const TrialSums& s, const std::vector<std::size_t>& outcomes) {
  std::int64_t n = 0;
  for (const std::size_t k : outcomes) n += s.selected[k];
  return n;
}

DesignOc design_oc_frame(const std::string& name, const std::string& type, const ScoringTarget& target,
                         const OcContext& ctx) {
  const std::size_t D = ctx.dose_levels.size();
  DesignOc oc;
  oc.name = name;
  oc.type = type;
  oc.dose_finding = target.dose_finding;
  oc.objective = target.objective;
  if (oc.objective == DesignObjective::obd && target.true_utility.size() == D) {
    oc.obd_dose = target.obd_dose;
    oc.true_utility = target.true_utility;
    if (target.true_utility_se.size() == D) oc.true_utility_se = target.true_utility_se;
  }
  oc.scoring = ctx.scoring;
  oc.duration = ctx.duration;
  oc.doses.resize(D);
  for (std::size_t d = 0; d < D; ++d) {
    DoseOc& o = oc.doses[d];
    o.dose = ctx.dose_levels[d];
    if (ctx.truth && ctx.truth->size() == D) o.true_dlt_probability = (*ctx.truth)[d];
    if (ctx.truth_se && ctx.truth_se->size() == D) o.true_dlt_probability_se = (*ctx.truth_se)[d];
  }
  return oc;
}

DurationWeights duration_weights(const DurationModel& m) {
  return {static_cast<long double>(m.gap_days), static_cast<long double>(m.window_days) - m.gap_days};
}

}  // namespace detail

using namespace detail;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Mean duration: D_r = g N_r + h C_r, so R·Σ(D − D̄)² = g²·css(N) + h²·css(C) + 2gh·css(N, C).
Estimate duration_estimate(const TrialSums& s, const DurationModel& m) {
  const DurationWeights w = duration_weights(m);
  const std::int64_t R = s.trials;
  const long double cnn = static_cast<long double>(comoment(R, s.n_patients.sum_sq, s.n_patients.sum, s.n_patients.sum));
  const long double ccc = static_cast<long double>(comoment(R, s.n_cohorts.sum_sq, s.n_cohorts.sum, s.n_cohorts.sum));
  const long double cnc = static_cast<long double>(comoment(R, s.patients_cohorts, s.n_patients.sum, s.n_cohorts.sum));
  const long double sum = w.g * static_cast<long double>(s.n_patients.sum) + w.h * static_cast<long double>(s.n_cohorts.sum);
  return from_moments(R, static_cast<double>(sum), w.g * w.g * cnn + w.h * w.h * ccc + 2 * w.g * w.h * cnc);
}

}  // namespace

TrialSums::TrialSums(std::size_t doses)
    : selected(doses + 1, 0), patients(doses, 0), patient_products(doses * doses, 0), dlts(doses) {}

PairSums::PairSums(std::string reference_key, std::size_t doses_a, std::size_t doses_b)
    : reference(std::move(reference_key)),
      selected((doses_a + 1) * (doses_b + 1), 0),
      patient_products(doses_a * doses_b, 0) {}

std::string pair_key(const std::string& file, const std::string& design) { return file + '\n' + design; }

Estimate mean_estimate(std::int64_t trials, const Sums& x) {
  return from_moments(trials, static_cast<double>(x.sum),
                      static_cast<long double>(comoment(trials, x.sum_sq, x.sum, x.sum)));
}

Estimate proportion_estimate(std::int64_t trials, std::int64_t ones) {
  Estimate e;
  if (trials <= 0) return e;
  const double n = static_cast<double>(trials);
  e.value = static_cast<double>(ones) / n;
  e.se = std::sqrt(std::max(0.0, e.value * (1.0 - e.value)) / n);
  return e;
}

Estimate paired_difference(std::int64_t trials, const Sums& a, const Sums& b, Int128 sum_ab) {
  // R·Σ(d − d̄)² for d = a − b: the comoments of a with a, b with b, a with b.
  const Int128 r_ss = comoment(trials, a.sum_sq, a.sum, a.sum) + comoment(trials, b.sum_sq, b.sum, b.sum) -
                      2 * comoment(trials, sum_ab, a.sum, b.sum);
  return from_moments(trials, static_cast<double>(a.sum - b.sum), static_cast<long double>(r_ss));
}

Estimate unpaired_difference(const Estimate& a, const Estimate& b) {
  if (!a.available() || !b.available()) return {};
  return {a.value - b.value, std::sqrt(a.se * a.se + b.se * b.se)};
}

DesignOc design_oc_from_sums(const std::string& name, const std::string& type, const ScoringTarget& target,
                             TrialSums sums, const OcContext& ctx) {
  const std::size_t D = ctx.dose_levels.size();
  if (sums.patients.size() != D) throw core::RuntimeError("design '" + name + "': sums for another number of doses");
  DesignOc oc = design_oc_frame(name, type, target, ctx);
  oc.trials = sums.trials;
  const std::int64_t R = sums.trials;
  for (std::size_t d = 0; d < D; ++d) {
    DoseOc& o = oc.doses[d];
    o.p_select = proportion_estimate(R, sums.selected[d + 1]);
    o.mean_patients = mean_estimate(R, {sums.patients[d], sums.patient_products[d * D + d]});
    o.mean_dlts = mean_estimate(R, sums.dlts[d]);
  }
  oc.p_no_selection = proportion_estimate(R, sums.selected[0]);
  if (sums.planned_patients > 0) oc.p_stopped_early = proportion_estimate(R, sums.stopped_early);
  oc.mean_total_patients = mean_estimate(R, sums.n_patients);
  oc.mean_total_dlts = mean_estimate(R, sums.n_dlts);
  if (sums.duration_trials > 0 && sums.duration_trials == R) {
    oc.mean_duration_days = from_moments(R, static_cast<double>(sums.duration_sum),
                                         R * sums.duration_sum_sq - sums.duration_sum * sums.duration_sum);
  } else if (ctx.duration && sums.has_cohorts) {
    oc.mean_duration_days = duration_estimate(sums, *ctx.duration);
  }
  oc.sums = std::move(sums);
  // score_against_target scores the OBD too; without a target only the OBD is scored.
  if (target.target)
    score_against_target(oc, *target.target, target.assumed);
  else
    score_obd(oc);
  return oc;
}

void score_obd(DesignOc& oc) {
  oc.p_treated_at_obd = oc.expected_utility = {};
  if (oc.objective != DesignObjective::obd || !oc.obd_dose) return;
  const TrialSums& s = oc.sums;
  const std::int64_t R = s.trials;
  // The PCS of an OBD design is P(select the true OBD), whatever the toxicity target.
  oc.pcs = proportion_estimate(R, trials_with(s, correct_outcomes(oc)));
  const std::size_t D = oc.true_utility.size();
  if (R <= 0 || s.selected.size() != D + 1) return;
  // Utility of trial r's selection: a multinomial over D + 1 outcomes (no
  // selection = 0), so mean = sum_k n_k u_k / R and R Σ(x - x̄)² = R Σ n_k u_k² - (Σ n_k u_k)².
  long double sum = 0.0L, sum_sq = 0.0L;
  for (std::size_t d = 0; d < D; ++d) {
    const long double n = static_cast<long double>(s.selected[d + 1]), u = oc.true_utility[d];
    sum += n * u;
    sum_sq += n * u * u;
  }
  oc.expected_utility = from_moments(R, static_cast<double>(sum), static_cast<long double>(R) * sum_sq - sum * sum);
  if (const auto a = obd_share_weights(oc)) {
    const long double r_ss = weighted_comoment(R, s.patient_products, s.patients, s.patients, a->w, a->w);
    oc.p_treated_at_obd = {a->q, from_moments(R, 0.0, r_ss).se};
  }
}

void score_against_target(DesignOc& oc, double target, bool assumed) {
  oc.target = target;
  oc.target_assumed = assumed;
  oc.pcs = oc.p_acceptable = oc.above_target = {};
  oc.scored = false;
  oc.target_dose = -1;
  std::vector<double> truth;
  for (auto& d : oc.doses) {
    d.acceptable = false;
    if (d.true_dlt_probability) truth.push_back(*d.true_dlt_probability);
  }
  if (truth.size() != oc.doses.size()) return;  // no truth: n/a
  const TrueDecision t = true_decision(truth, target, oc.scoring);
  oc.overdose_limit = t.overdose_limit;
  if (!t.scored) return;
  oc.scored = true;
  oc.target_dose = t.correct_dose;
  for (std::size_t d = 0; d < oc.doses.size(); ++d) oc.doses[d].acceptable = t.acceptable[d];
  const TrialSums& s = oc.sums;
  if (oc.objective == DesignObjective::mtd) oc.pcs = proportion_estimate(s.trials, trials_with(s, correct_outcomes(oc)));
  oc.p_acceptable = proportion_estimate(s.trials, trials_with(s, acceptable_outcomes(oc)));
  if (const auto a = above_target_weights(oc)) {
    const long double r_ss = weighted_comoment(s.trials, s.patient_products, s.patients, s.patients, a->w, a->w);
    oc.above_target = {a->q, from_moments(s.trials, 0.0, r_ss).se};
  }
  score_obd(oc);
}

void assume_targets(std::vector<OcReport>& reports, std::optional<double> target) {
  for (auto& rep : reports) {
    std::vector<DesignTargetInfo> info;
    for (const auto& d : rep.designs)
      info.push_back({d.dose_finding, d.target_assumed ? std::nullopt : d.target});
    const auto targets = scoring_targets(info, target);
    for (std::size_t i = 0; i < rep.designs.size(); ++i) {
      DesignOc& d = rep.designs[i];
      if (!d.target_assumed && d.target) continue;  // its own target
      // Already scored so (e.g. by read_oc_reports): keep it, stored values included.
      if (d.target_assumed && same_target(d.target, targets[i].target)) continue;
      if (targets[i].target) {
        score_against_target(d, *targets[i].target, true);
      } else {
        d.target.reset();
        d.target_assumed = d.scored = false;
        d.target_dose = -1;
        d.pcs = d.p_acceptable = d.above_target = {};
        for (auto& x : d.doses) x.acceptable = false;
      }
    }
  }
}

namespace {

bool close(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::fabs(a - b) <= 1e-9 * std::max({std::fabs(a), std::fabs(b), 1.0});
}

}  // namespace

std::string unknown_truth_warning(double dose) {
  return "true P(DLT) of dose " + core::format_number(dose) +
         " is unknown (every reference patient failed to solve): PCS, acceptable dose and treated above target are "
         "n/a";
}

bool stored_scoring_matches(const DesignOc& d, const StoredOc& s) {
  if (!d.scored || !s.true_target_dose || static_cast<int>(*s.true_target_dose) != d.target_dose) return false;
  // Files written before oc/scoring_target scored a design against its own target only.
  return s.scoring_target ? same_target(*s.scoring_target, d.target) : !d.target_assumed;
}

void cross_check_oc(DesignOc& d, const StoredOc& s) {
  const double R = static_cast<double>(d.trials);
  // oc/ stores SEs of proportions as sd/sqrt(R) with the R-1 sample variance;
  // the report uses sqrt(p(1-p)/R): the two differ by sqrt(R/(R-1)).
  const double prop_factor = d.trials > 1 ? std::sqrt(R / (R - 1.0)) : kNaN;
  auto check = [&](const std::string& what, const std::optional<double>& stored, double mine) {
    if (!stored || (std::isnan(*stored) && !std::isfinite(mine))) return;
    if (!close(*stored, mine))
      d.warnings.push_back("design '" + d.name + "': oc/" + what + " = " + core::format_number(*stored) +
                           " but trials/ and patients/ give " + core::format_number(mine));
  };
  auto check_vec = [&](const std::string& what, const std::vector<double>& stored, auto get) {
    if (stored.empty()) return;
    if (stored.size() != d.doses.size()) {
      d.warnings.push_back("design '" + d.name + "': oc/" + what + " has " + std::to_string(stored.size()) +
                           " values for " + std::to_string(d.doses.size()) + " dose levels");
      return;
    }
    for (std::size_t i = 0; i < stored.size(); ++i)
      check(what + "[" + std::to_string(i) + "]", stored[i], get(d.doses[i]));
  };
  check("trials", s.trials, R);
  check_vec("p_select", s.p_select, [](const DoseOc& o) { return o.p_select.value; });
  check_vec("p_select_se", s.p_select_se, [&](const DoseOc& o) { return o.p_select.se * prop_factor; });
  check_vec("mean_patients", s.mean_patients, [](const DoseOc& o) { return o.mean_patients.value; });
  check_vec("mean_patients_se", s.mean_patients_se, [](const DoseOc& o) { return o.mean_patients.se; });
  check_vec("mean_dlts", s.mean_dlts, [](const DoseOc& o) { return o.mean_dlts.value; });
  check_vec("mean_dlts_se", s.mean_dlts_se, [](const DoseOc& o) { return o.mean_dlts.se; });
  // The run scores against the same target: a different correct dose means the truth or oc/ was changed.
  if (d.scored && s.true_target_dose && s.scoring_target && same_target(*s.scoring_target, d.target))
    check("true_target_dose", s.true_target_dose, d.target_dose);
  const bool scoring_matches = stored_scoring_matches(d, s);
  for (const auto& m : oc_metrics()) {
    const auto it = s.metrics.find(m.key);
    if (it == s.metrics.end() || (m.target_dependent && !scoring_matches)) continue;
    const Estimate& mine = d.*m.field;
    check(m.stored, it->second.value, mine.value);
    check(std::string(m.stored) + "_se", it->second.se, m.proportion ? mine.se * prop_factor : mine.se);
  }
}

}  // namespace twinsim::trial
