// Operating characteristics from sums over trials: estimates with MC SEs,
// scoring against the true target dose, cross-check with oc/, paired
// comparison of designs. The file reading lives in oc_read.cpp and
// oc_stream.cpp.
#include "twinsim/trial/oc_report.hpp"

#include <algorithm>

#include "twinsim/core/config.hpp"
#include "twinsim/core/error.hpp"

namespace twinsim::trial {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// R·Σ(x − x̄)(y − ȳ) = R·Σxy − Σx·Σy, exact in integers (see kMaxCount).
Int128 comoment(std::int64_t trials, Int128 sum_xy, Int128 sum_x, Int128 sum_y) {
  return Int128{trials} * sum_xy - sum_x * sum_y;
}

// The mean Σx/R and its SE sd/sqrt(R), given r_ss = R·Σ(x − x̄)², exact
// and rounded once here. (Σx/R is also what a running double sum of the
// integer values gives: such a sum is exact below 2^53.)
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

Sums indicator(std::int64_t ones) { return {ones, ones}; }  // of 0/1 values: Σx² = Σx

// "Treated above target" as a mean of per-trial values: with a_r patients
// above the target dose, t_r patients in all, n̄ = mean(t) and q = ā/n̄, the
// linearised value is z_r = q + (a_r − q t_r)/n̄ = q + Σ_d w_d n_rd, with
// w_d = ([d > target dose] − q)/n̄. Their mean is q; sd(z)/sqrt(R) is the
// delta-method SE.
struct AboveTarget {
  double q = kNaN;
  std::vector<long double> w;
};

std::optional<AboveTarget> above_target_weights(const DesignOc& oc) {
  if (oc.target_dose < 0 || !oc.sums.per_dose) return std::nullopt;
  const TrialSums& s = oc.sums;
  const std::size_t D = s.patients.size();
  Int128 above = 0, treated = 0;
  for (std::size_t d = 0; d < D; ++d) {
    treated += s.patients[d];
    if (d > static_cast<std::size_t>(oc.target_dose)) above += s.patients[d];
  }
  const double R = static_cast<double>(s.trials);
  const double n_bar = static_cast<double>(treated) / R;
  if (!(n_bar > 0)) return std::nullopt;
  AboveTarget a;
  a.q = (static_cast<double>(above) / R) / n_bar;
  for (std::size_t d = 0; d < D; ++d)
    a.w.push_back(((d > static_cast<std::size_t>(oc.target_dose) ? 1.0L : 0.0L) - a.q) / n_bar);
  return a;
}

// Σ_de wa_d wb_e (R·X_de − Sa_d Sb_e) = R·Σ_r (za_r − z̄a)(zb_r − z̄b) for
// z = Σ_d w_d n_rd, where X_de = Σ_r na_rd nb_re and S = Σ_r n_rd.
long double weighted_comoment(std::int64_t trials, const std::vector<Int128>& X, const std::vector<Int128>& Sa,
                              const std::vector<Int128>& Sb, const std::vector<long double>& wa,
                              const std::vector<long double>& wb) {
  long double total = 0.0L;
  for (std::size_t d = 0; d < Sa.size(); ++d)
    for (std::size_t e = 0; e < Sb.size(); ++e)
      total += wa[d] * wb[e] * static_cast<long double>(comoment(trials, X[d * Sb.size() + e], Sa[d], Sb[e]));
  return total;
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

int true_target_dose(const std::vector<double>& truth, double target) {
  int best = -1;
  double best_gap = 0.0;
  for (std::size_t d = 0; d < truth.size(); ++d) {
    const double gap = std::fabs(truth[d] - target);
    if (best < 0 || gap < best_gap - 1e-12) {  // strictly closer: ties keep the lower dose
      best = static_cast<int>(d);
      best_gap = gap;
    }
  }
  return best;
}

DesignOc design_oc_from_sums(const std::string& name, const std::string& type, std::optional<double> target,
                             TrialSums sums, const std::vector<double>& dose_levels,
                             const std::optional<std::vector<double>>& truth,
                             const std::optional<std::vector<double>>& truth_se) {
  const std::size_t D = dose_levels.size();
  if (sums.patients.size() != D) throw core::RuntimeError("design '" + name + "': sums for another number of doses");
  DesignOc oc;
  oc.name = name;
  oc.type = type;
  oc.target = target;
  oc.trials = sums.trials;
  const std::int64_t R = sums.trials;
  oc.doses.resize(D);
  for (std::size_t d = 0; d < D; ++d) {
    DoseOc& o = oc.doses[d];
    o.dose = dose_levels[d];
    if (truth && truth->size() == D) o.true_dlt_probability = (*truth)[d];
    if (truth_se && truth_se->size() == D) o.true_dlt_probability_se = (*truth_se)[d];
    o.p_select = proportion_estimate(R, sums.selected[d + 1]);
    o.mean_patients = mean_estimate(R, {sums.patients[d], sums.patient_products[d * D + d]});
    o.mean_dlts = mean_estimate(R, sums.dlts[d]);
  }
  oc.p_no_selection = proportion_estimate(R, sums.selected[0]);
  oc.mean_total_patients = mean_estimate(R, sums.n_patients);
  oc.mean_total_dlts = mean_estimate(R, sums.n_dlts);
  oc.sums = std::move(sums);
  if (target) score_against_target(oc, *target, false);
  return oc;
}

void score_against_target(DesignOc& oc, double target, bool assumed) {
  oc.target = target;
  oc.target_assumed = assumed;
  std::vector<double> truth;
  for (const auto& d : oc.doses)
    if (d.true_dlt_probability) truth.push_back(*d.true_dlt_probability);
  if (truth.empty() || truth.size() != oc.doses.size()) return;  // no truth: PCS stays n/a
  oc.target_dose = true_target_dose(truth, target);
  const TrialSums& s = oc.sums;
  oc.pcs = proportion_estimate(s.trials, s.selected[static_cast<std::size_t>(oc.target_dose) + 1]);
  oc.above_target = {};
  if (const auto a = above_target_weights(oc)) {
    const long double r_ss = weighted_comoment(s.trials, s.patient_products, s.patients, s.patients, a->w, a->w);
    oc.above_target = {a->q, from_moments(s.trials, 0.0, r_ss).se};
  }
}

std::optional<double> assume_targets(std::vector<OcReport>& reports, std::optional<double> target) {
  if (!target) {  // the one target shared by every design that has one, if there is exactly one
    for (const auto& rep : reports)
      for (const auto& d : rep.designs) {
        if (!d.target || d.target_assumed) continue;
        if (target && std::fabs(*target - *d.target) > 1e-12) return std::nullopt;
        target = d.target;
      }
  }
  if (!target) return std::nullopt;
  for (auto& rep : reports)
    for (auto& d : rep.designs)
      if (!d.target || d.target_assumed) score_against_target(d, *target, true);
  return target;
}

namespace {

bool close(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::fabs(a - b) <= 1e-9 * std::max({std::fabs(a), std::fabs(b), 1.0});
}

}  // namespace

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
  check("p_no_selection", s.p_no_selection, d.p_no_selection.value);
  check("p_no_selection_se", s.p_no_selection_se, d.p_no_selection.se * prop_factor);
  check("mean_total_patients", s.mean_total_patients, d.mean_total_patients.value);
  check("mean_total_patients_se", s.mean_total_patients_se, d.mean_total_patients.se);
  check("mean_total_dlts", s.mean_total_dlts, d.mean_total_dlts.value);
  check("mean_total_dlts_se", s.mean_total_dlts_se, d.mean_total_dlts.se);
}

std::optional<std::string> unpaired_reason(const OcReport& a, const OcReport& b) {
  if (&a == &b) return std::nullopt;
  if (a.seed != b.seed)
    return "different seeds (" + std::to_string(a.seed) + " vs " + std::to_string(b.seed) + ")";
  if (a.replicates != b.replicates)
    return "different replicates (" + std::to_string(a.replicates) + " vs " + std::to_string(b.replicates) + ")";
  if (a.population_key.empty() || b.population_key.empty() || a.population_key != b.population_key)
    return "different scenarios (dose levels, truth or patient model differ)";
  return std::nullopt;
}

namespace {

// The paired difference of "treated above target": mean(za − zb) = qa − qb,
// SE from R·Σ(za − zb − (qa − qb))² = Caa + Cbb − 2 Cab (weighted comoments).
Estimate above_target_difference(const DesignOc& a, const DesignOc& b, const PairSums& pair) {
  const auto wa = above_target_weights(a), wb = above_target_weights(b);
  if (!wa || !wb) return {};
  const TrialSums &sa = a.sums, &sb = b.sums;
  const std::int64_t R = sa.trials;
  const long double r_ss = weighted_comoment(R, sa.patient_products, sa.patients, sa.patients, wa->w, wa->w) +
                           weighted_comoment(R, sb.patient_products, sb.patients, sb.patients, wb->w, wb->w) -
                           2 * weighted_comoment(R, pair.patient_products, sa.patients, sb.patients, wa->w, wb->w);
  return {wa->q - wb->q, from_moments(R, 0.0, r_ss).se};
}

}  // namespace

Comparison compare_reports(const std::vector<OcReport>& reports) {
  Comparison c;
  for (const auto& rep : reports) {
    for (const auto& d : rep.designs) {
      c.labels.push_back(reports.size() > 1 ? rep.path + ":" + d.name : d.name);
      c.designs.push_back(&d);
      c.files.push_back(&rep);
    }
  }
  if (c.designs.empty()) return c;
  const DesignOc& ref = *c.designs[0];
  const std::string ref_key = pair_key(c.files[0]->path, ref.name);
  for (std::size_t i = 1; i < c.designs.size(); ++i) {
    const DesignOc& d = *c.designs[i];
    DesignDifference diff;
    diff.label = c.labels[i];
    diff.reference = c.labels[0];
    const auto reason = unpaired_reason(*c.files[0], *c.files[i]);
    const PairSums* pair = d.with_reference && d.with_reference->reference == ref_key ? &*d.with_reference : nullptr;
    diff.paired = !reason && d.trials == ref.trials && pair;
    if (!diff.paired)
      diff.unpaired_reason = reason                   ? *reason
                             : d.trials != ref.trials ? "different numbers of trials"
                                                      : "not read together with the reference design";
    auto one = [&](const Estimate& ea, const Estimate& eb, auto paired) {
      if (!ea.available() || !eb.available()) return Estimate{};
      return diff.paired ? paired() : unpaired_difference(ea, eb);
    };
    const TrialSums& a = d.sums;
    const TrialSums& b = ref.sums;
    const std::int64_t R = ref.trials;
    // Joint selection counts: a selected dose i - 1 and the reference j - 1.
    auto joint = [&](int in_a, int in_b) {
      return pair->selected[static_cast<std::size_t>(in_a) * b.selected.size() + static_cast<std::size_t>(in_b)];
    };
    const int ta = d.target_dose + 1, tb = ref.target_dose + 1;
    diff.pcs = one(d.pcs, ref.pcs, [&] {
      return paired_difference(R, indicator(a.selected[static_cast<std::size_t>(ta)]),
                               indicator(b.selected[static_cast<std::size_t>(tb)]), joint(ta, tb));
    });
    diff.p_no_selection = one(d.p_no_selection, ref.p_no_selection, [&] {
      return paired_difference(R, indicator(a.selected[0]), indicator(b.selected[0]), joint(0, 0));
    });
    diff.mean_total_patients = one(d.mean_total_patients, ref.mean_total_patients,
                                   [&] { return paired_difference(R, a.n_patients, b.n_patients, pair->n_patients); });
    diff.mean_total_dlts = one(d.mean_total_dlts, ref.mean_total_dlts,
                               [&] { return paired_difference(R, a.n_dlts, b.n_dlts, pair->n_dlts); });
    diff.above_target = one(d.above_target, ref.above_target, [&] { return above_target_difference(d, ref, *pair); });
    c.differences.push_back(std::move(diff));
  }
  return c;
}

}  // namespace twinsim::trial
