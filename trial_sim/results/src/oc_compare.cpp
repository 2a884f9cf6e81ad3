// Designs side by side: paired differences from the cross sums of each
// design with the reference (trial r with trial r), unpaired ones otherwise.
#include "oc_sums.hpp"
#include "twinsim/core/value_text.hpp"

namespace twinsim::trial {

using namespace detail;

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

std::string target_text(const DesignOc& d) { return d.target ? core::format_number(*d.target) : std::string("none"); }

// Why the target-dependent OCs of a and b measure different things, or "".
std::string yardstick_difference(const DesignOc& a, const DesignOc& b) {
  if (!same_target(a.target, b.target))
    return "scored against different targets (" + target_text(a) + " vs " + target_text(b) + ")";
  if (!(a.scoring == b.scoring)) return "scored with different scoring settings";
  return {};
}

// A paired difference of indicators: a counts the trials whose outcome is in
// sa, b those in sb; joint(i, j) the trials where a had outcome i and b j.
template <class Joint>
Estimate indicator_difference(std::int64_t R, const TrialSums& a, const std::vector<std::size_t>& sa,
                              const TrialSums& b, const std::vector<std::size_t>& sb, Joint joint) {
  Int128 both = 0;
  for (const std::size_t i : sa)
    for (const std::size_t j : sb) both += joint(i, j);
  return paired_difference(R, indicator(trials_with(a, sa)), indicator(trials_with(b, sb)), both);
}

// The paired difference of a share of patients treated (above target, at the
// OBD): mean(za − zb) = qa − qb, SE from R·Σ(za − zb − (qa − qb))² = Caa + Cbb − 2 Cab
// (weighted comoments of the linearised per-trial values, dose_share_weights).
Estimate share_difference(const std::optional<DoseShare>& wa, const TrialSums& sa,
                          const std::optional<DoseShare>& wb, const TrialSums& sb, const PairSums& pair) {
  if (!wa || !wb) return {};
  const std::int64_t R = sa.trials;
  const long double r_ss = weighted_comoment(R, sa.patient_products, sa.patients, sa.patients, wa->w, wa->w) +
                           weighted_comoment(R, sb.patient_products, sb.patients, sb.patients, wb->w, wb->w) -
                           2 * weighted_comoment(R, pair.patient_products, sa.patients, sb.patients, wa->w, wb->w);
  return {wa->q - wb->q, from_moments(R, 0.0, r_ss).se};
}

// The paired difference of the true utility of the two selections: trial r
// contributes ua(i) − ub(j) for its joint outcome (i, j).
template <class Joint>
Estimate utility_difference(std::int64_t R, const std::vector<long double>& ua, const std::vector<long double>& ub,
                            Joint joint) {
  if (ua.empty() || ub.empty()) return {};
  long double sum = 0.0L, sum_sq = 0.0L;
  for (std::size_t i = 0; i < ua.size(); ++i)
    for (std::size_t j = 0; j < ub.size(); ++j) {
      const long double n = static_cast<long double>(joint(i, j)), x = ua[i] - ub[j];
      sum += n * x;
      sum_sq += n * x * x;
    }
  return from_moments(R, static_cast<double>(sum), static_cast<long double>(R) * sum_sq - sum * sum);
}

// Why the OBD OCs of a and b measure different things (other true OBDs or
// utilities: other utility tables or efficacy truths), or "".
std::string obd_yardstick_difference(const DesignOc& a, const DesignOc& b) {
  if (a.obd_dose != b.obd_dose || a.true_utility != b.true_utility)
    return "OBD OCs scored against different true OBDs or utilities";
  return {};
}

// Durations D = g N + h C of each design: Var(Da − Db) from the comoments of
// (Na, Ca) with themselves and with (Nb, Cb).
Estimate duration_difference(const DesignOc& a, const DesignOc& b, const PairSums& p) {
  if (!a.duration || !b.duration || !a.sums.has_cohorts || !b.sums.has_cohorts) return {};
  // Measured durations (time-driven designs) have no pair sums yet: n/a.
  if (a.sums.duration_trials > 0 || b.sums.duration_trials > 0) return {};
  const DurationWeights wa = duration_weights(*a.duration), wb = duration_weights(*b.duration);
  const TrialSums &sa = a.sums, &sb = b.sums;
  const std::int64_t R = sa.trials;
  auto c = [R](Int128 xy, const Sums& x, const Sums& y) {
    return static_cast<long double>(comoment(R, xy, x.sum, y.sum));
  };
  auto var = [&](const TrialSums& s, const DurationWeights& w) {
    return w.g * w.g * c(s.n_patients.sum_sq, s.n_patients, s.n_patients) +
           w.h * w.h * c(s.n_cohorts.sum_sq, s.n_cohorts, s.n_cohorts) +
           2 * w.g * w.h * c(s.patients_cohorts, s.n_patients, s.n_cohorts);
  };
  const long double cov = wa.g * wb.g * c(p.n_patients, sa.n_patients, sb.n_patients) +
                          wa.g * wb.h * c(p.patients_cohorts, sa.n_patients, sb.n_cohorts) +
                          wa.h * wb.g * c(p.cohorts_patients, sa.n_cohorts, sb.n_patients) +
                          wa.h * wb.h * c(p.n_cohorts, sa.n_cohorts, sb.n_cohorts);
  const long double sum = wa.g * static_cast<long double>(sa.n_patients.sum) +
                          wa.h * static_cast<long double>(sa.n_cohorts.sum) -
                          wb.g * static_cast<long double>(sb.n_patients.sum) -
                          wb.h * static_cast<long double>(sb.n_cohorts.sum);
  return from_moments(R, static_cast<double>(sum), var(sa, wa) + var(sb, wb) - 2 * cov);
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
    const std::string yardstick = yardstick_difference(d, ref);
    const TrialSums& a = d.sums;
    const TrialSums& b = ref.sums;
    const std::int64_t R = ref.trials;
    // Joint selection counts: a had outcome i (0 none, k + 1 dose k) and the reference j.
    auto joint = [&](std::size_t oa, std::size_t ob) { return Int128{pair->selected[oa * b.selected.size() + ob]}; };
    auto paired = [&](const OcMetric& m) -> Estimate {
      const std::string key = m.key;
      if (key == "pcs") return indicator_difference(R, a, correct_outcomes(d), b, correct_outcomes(ref), joint);
      if (key == "p_acceptable")
        return indicator_difference(R, a, acceptable_outcomes(d), b, acceptable_outcomes(ref), joint);
      if (key == "p_no_selection") return indicator_difference(R, a, {0}, b, {0}, joint);
      if (key == "p_stopped_early")
        return paired_difference(R, indicator(a.stopped_early), indicator(b.stopped_early), pair->stopped_early);
      if (key == "above_target") return share_difference(above_target_weights(d), a, above_target_weights(ref), b, *pair);
      if (key == "p_treated_at_obd") return share_difference(obd_share_weights(d), a, obd_share_weights(ref), b, *pair);
      if (key == "expected_utility") return utility_difference(R, selection_utilities(d), selection_utilities(ref), joint);
      if (key == "mean_total_patients") return paired_difference(R, a.n_patients, b.n_patients, pair->n_patients);
      if (key == "mean_total_dlts") return paired_difference(R, a.n_dlts, b.n_dlts, pair->n_dlts);
      return duration_difference(d, ref, *pair);  // mean_duration_days
    };
    for (const auto& m : oc_metrics()) {
      const Estimate &ea = d.*m.field, &eb = ref.*m.field;
      if (!ea.available() || !eb.available()) continue;
      if (std::string(m.key) == "pcs" && d.objective != ref.objective) {
        // Each design's PCS is against its own objective (OBD or MTD): not one yardstick.
        diff.not_comparable = std::string("PCS scored against different objectives (") + to_string(d.objective) +
                              " vs " + to_string(ref.objective) + ")";
        continue;
      }
      if (m.target_dependent && !yardstick.empty()) {
        diff.not_comparable = yardstick;
        continue;
      }
      const bool obd_metric = std::string(m.key) == "p_treated_at_obd" || std::string(m.key) == "expected_utility";
      if (obd_metric && !obd_yardstick_difference(d, ref).empty()) {
        diff.not_comparable = obd_yardstick_difference(d, ref);
        continue;
      }
      diff.*m.field = diff.paired ? paired(m) : unpaired_difference(ea, eb);
    }
    const auto& ep = d.exposure.with_reference;
    diff.exposure = exposure_differences(d.exposure, ref.exposure,
                                         diff.paired && ep && ep->reference == ref_key ? &*ep : nullptr);
    c.differences.push_back(std::move(diff));
  }
  return c;
}

}  // namespace twinsim::trial
