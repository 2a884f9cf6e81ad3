// Operating characteristics from per-trial values: estimates with MC SEs,
// scoring against the true target dose, cross-check with oc/, paired
// comparison of designs. The file reading lives in oc_read.cpp.
#include "twinsim/trial/oc_report.hpp"

#include <algorithm>
#include <numeric>

#include "twinsim/core/config.hpp"
#include "twinsim/core/error.hpp"

namespace twinsim::trial {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double mean_of(const std::vector<double>& x) {
  return x.empty() ? kNaN : std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}
}  // namespace

Estimate mean_estimate(const std::vector<double>& x) {
  Estimate e;
  if (x.empty()) return e;
  const double n = static_cast<double>(x.size());
  e.value = mean_of(x);
  if (x.size() < 2) return e;
  double ss = 0.0;  // two-pass: no cancellation for large R
  for (double v : x) ss += (v - e.value) * (v - e.value);
  e.se = std::sqrt(ss / (n - 1.0) / n);
  return e;
}

Estimate proportion_estimate(const std::vector<double>& x) {
  Estimate e;
  if (x.empty()) return e;
  const double n = static_cast<double>(x.size());
  e.value = mean_of(x);
  e.se = std::sqrt(std::max(0.0, e.value * (1.0 - e.value)) / n);
  return e;
}

Estimate paired_difference(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size() || a.empty()) return {};
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  return mean_estimate(d);
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

DesignOc compute_design_oc(const DesignTables& t, const std::vector<double>& dose_levels,
                           const std::optional<std::vector<double>>& truth,
                           const std::optional<std::vector<double>>& truth_se) {
  const std::string where = "design '" + t.name + "': ";
  auto fail = [&](const std::string& msg) { throw core::RuntimeError(where + msg); };
  const std::size_t R = t.trial.size();
  const std::size_t D = dose_levels.size();
  if (R == 0) fail("no trials (trials/trial is empty)");
  if (t.selected_dose.size() != R || t.n_patients.size() != R || t.n_dlts.size() != R)
    fail("trials/ columns have different lengths");
  const std::size_t P = t.patient_trial.size();
  if (t.patient_dose_index.size() != P || t.patient_dlt.size() != P) fail("patients/ columns have different lengths");
  if (truth && truth->size() != D) fail("/truth/dlt_probability does not have one value per dose level");

  // Row of each trial number; trial numbers must be 0..R-1, each once.
  std::vector<std::size_t> row(R, R);
  for (std::size_t i = 0; i < R; ++i) {
    const std::int64_t r = t.trial[i];
    if (r < 0 || static_cast<std::size_t>(r) >= R || row[static_cast<std::size_t>(r)] != R)
      fail("trials/trial is not a permutation of 0.." + std::to_string(R - 1) + " (bad or repeated " +
           std::to_string(r) + ")");
    row[static_cast<std::size_t>(r)] = i;
    const std::int64_t s = t.selected_dose[i];
    if (s < -1 || s >= static_cast<std::int64_t>(D))
      fail("trials/selected_dose " + std::to_string(s) + " is not a dose index (or -1)");
  }
  // Per-trial, per-dose patient and DLT counts from patients/.
  std::vector<std::uint32_t> npd(R * D, 0), dpd(R * D, 0);
  for (std::size_t k = 0; k < P; ++k) {
    const std::int64_t r = t.patient_trial[k], d = t.patient_dose_index[k], y = t.patient_dlt[k];
    if (r < 0 || static_cast<std::size_t>(r) >= R) fail("patients/trial " + std::to_string(r) + " is not a trial");
    if (d < 0 || static_cast<std::size_t>(d) >= D)
      fail("patients/dose_index " + std::to_string(d) + " is not a dose index");
    if (y != 0 && y != 1) fail("patients/dlt " + std::to_string(y) + " is not 0 or 1");
    const std::size_t c = static_cast<std::size_t>(r) * D + static_cast<std::size_t>(d);
    ++npd[c];
    dpd[c] += static_cast<std::uint32_t>(y);
  }

  DesignOc oc;
  oc.name = t.name;
  oc.type = t.type;
  oc.target = t.target;
  oc.trials = static_cast<std::int64_t>(R);

  std::vector<double> x(R);
  oc.doses.resize(D);
  for (std::size_t d = 0; d < D; ++d) {
    DoseOc& o = oc.doses[d];
    o.dose = dose_levels[d];
    if (truth) o.true_dlt_probability = (*truth)[d];
    if (truth_se && truth_se->size() == D) o.true_dlt_probability_se = (*truth_se)[d];
    for (std::size_t r = 0; r < R; ++r) x[r] = t.selected_dose[row[r]] == static_cast<std::int64_t>(d) ? 1.0 : 0.0;
    o.p_select = proportion_estimate(x);
    for (std::size_t r = 0; r < R; ++r) x[r] = npd[r * D + d];
    o.mean_patients = mean_estimate(x);
    for (std::size_t r = 0; r < R; ++r) x[r] = dpd[r * D + d];
    o.mean_dlts = mean_estimate(x);
  }

  PerTrialValues& v = oc.per_trial;
  v.selected.resize(R);
  v.no_selection.resize(R);
  v.n_patients.resize(R);
  v.n_dlts.resize(R);
  v.patients_per_dose = std::move(npd);
  for (std::size_t r = 0; r < R; ++r) {
    const std::size_t i = row[r];
    v.selected[r] = t.selected_dose[i];
    v.no_selection[r] = t.selected_dose[i] < 0 ? 1.0 : 0.0;
    v.n_patients[r] = static_cast<double>(t.n_patients[i]);
    v.n_dlts[r] = static_cast<double>(t.n_dlts[i]);
    std::int64_t n = 0, y = 0;
    for (std::size_t d = 0; d < D; ++d) {
      n += v.patients_per_dose[r * D + d];
      y += dpd[r * D + d];
    }
    if (n != t.n_patients[i] || y != t.n_dlts[i]) {
      oc.warnings.push_back(where + "trial " + std::to_string(r) + ": trials/ says " + std::to_string(t.n_patients[i]) +
                            " patients and " + std::to_string(t.n_dlts[i]) + " DLTs, patients/ has " +
                            std::to_string(n) + " and " + std::to_string(y));
      break;  // one line is enough to flag a broken file
    }
  }
  oc.p_no_selection = proportion_estimate(v.no_selection);
  oc.mean_total_patients = mean_estimate(v.n_patients);
  oc.mean_total_dlts = mean_estimate(v.n_dlts);
  if (t.target) score_against_target(oc, *t.target, false);
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
  const std::size_t R = static_cast<std::size_t>(oc.trials), D = oc.doses.size();
  const auto td = static_cast<std::size_t>(oc.target_dose);
  PerTrialValues& v = oc.per_trial;
  v.correct.assign(R, 0.0);
  for (std::size_t r = 0; r < R; ++r) v.correct[r] = v.selected[r] == oc.target_dose ? 1.0 : 0.0;
  oc.pcs = proportion_estimate(v.correct);

  std::vector<double> above(R), treated(R);
  for (std::size_t r = 0; r < R; ++r) {
    for (std::size_t d = 0; d < D; ++d) {
      treated[r] += v.patients_per_dose[r * D + d];
      if (d > td) above[r] += v.patients_per_dose[r * D + d];
    }
  }
  const double n_bar = mean_of(treated);
  v.above_target.clear();
  oc.above_target = {};
  if (n_bar > 0) {
    const double q = mean_of(above) / n_bar;
    v.above_target.resize(R);
    for (std::size_t r = 0; r < R; ++r) v.above_target[r] = q + (above[r] - q * treated[r]) / n_bar;
    oc.above_target = {q, mean_estimate(v.above_target).se};
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
  for (std::size_t i = 1; i < c.designs.size(); ++i) {
    const DesignOc& d = *c.designs[i];
    DesignDifference diff;
    diff.label = c.labels[i];
    diff.reference = c.labels[0];
    const auto reason = unpaired_reason(*c.files[0], *c.files[i]);
    diff.paired = !reason && d.trials == ref.trials;
    if (!diff.paired) diff.unpaired_reason = reason ? *reason : "different numbers of trials";
    auto one = [&](const Estimate& ea, const Estimate& eb, const std::vector<double>& va,
                   const std::vector<double>& vb) {
      if (!ea.available() || !eb.available()) return Estimate{};
      return diff.paired ? paired_difference(va, vb) : unpaired_difference(ea, eb);
    };
    const PerTrialValues& a = d.per_trial;
    const PerTrialValues& b = ref.per_trial;
    diff.pcs = one(d.pcs, ref.pcs, a.correct, b.correct);
    diff.p_no_selection = one(d.p_no_selection, ref.p_no_selection, a.no_selection, b.no_selection);
    diff.mean_total_patients = one(d.mean_total_patients, ref.mean_total_patients, a.n_patients, b.n_patients);
    diff.mean_total_dlts = one(d.mean_total_dlts, ref.mean_total_dlts, a.n_dlts, b.n_dlts);
    diff.above_target = one(d.above_target, ref.above_target, a.above_target, b.above_target);
    c.differences.push_back(std::move(diff));
  }
  return c;
}

}  // namespace twinsim::trial
