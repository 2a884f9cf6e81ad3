// Reading a merged sweep file into per-variant, per-design OCs, defined as
// everywhere else (oc_metrics.hpp). A proportion is taken back to its count
// of trials (value x R, an integer the run divided by R) and shown with the
// binomial SE report uses, so a variant's row here is its `twinsim report`
// figure to the last digit; PCS and the acceptable-dose rate are rescored
// from p_select, so an assumed or --target target works too. "Treated above
// target" needs the per-trial counts: it is the stored value when the run
// scored the design the same way, else n/a.
#include "twinsim/trial/designs/design.hpp"
#include "twinsim/trial/sweep/sweep_report.hpp"

#include <algorithm>
#include <cmath>

#include "twinsim/core/error.hpp"
#include "twinsim/core/h5.hpp"
#include "twinsim/core/value_text.hpp"
#include "twinsim/core/version.hpp"
#include "twinsim/trial/io/result_reader.hpp"
#include "twinsim/trial/io/schema.hpp"
#include "twinsim/trial/results/oc_report.hpp"

namespace twinsim::trial {

namespace {

namespace attr = schema::attr;
namespace col = schema::col;
using schema::kRoot;

Estimate stored(const core::H5Reader& h5, const std::string& path) {
  Estimate e;
  if (const auto v = read_scalar(h5, path)) e.value = *v;
  if (const auto v = read_scalar(h5, path + col::kSeSuffix)) e.se = *v;
  return e;
}

// Trials behind a stored fraction of R.
std::int64_t count_of(double fraction, std::int64_t R) {
  return static_cast<std::int64_t>(std::llround(fraction * static_cast<double>(R)));
}

struct DesignData {
  SweepDesignOc oc;
  std::vector<double> p_select;
  std::optional<double> stored_target, stored_target_dose;
  Estimate stored_above;
  ScoringTarget obd;  // OBD designs: objective and the stored true OBD and utilities
};

// One design's target-independent OCs; its target-dependent ones are scored
// once the variant's targets are known.
DesignData read_design(const core::H5Reader& h5, const std::string& g, const std::string& name) {
  DesignData out;
  SweepDesignOc& d = out.oc;
  d.name = name;
  d.type = h5.has_attribute(g, attr::kType) ? h5.attribute_string(g, attr::kType) : std::string("?");
  if (h5.has_attribute(g, attr::kTarget)) d.target = h5.attribute_double(g, attr::kTarget);
  const std::string o = schema::table(g, schema::kOc);
  if (const auto t = read_scalar(h5, o + schema::kTrials)) d.trials = static_cast<std::int64_t>(*t);
  for (const auto& m : oc_metrics()) {
    if (m.target_dependent) continue;
    Estimate e = stored(h5, o + m.stored);
    if (m.proportion && e.available() && d.trials > 0) e = proportion_estimate(d.trials, count_of(e.value, d.trials));
    d.*m.field = e;
  }
  if (h5.exists(o + col::kPSelect)) out.p_select = h5.read_doubles(o + col::kPSelect);
  out.stored_target = read_scalar(h5, o + col::kScoringTarget);
  out.stored_target_dose = read_scalar(h5, o + col::kTrueTargetDose);
  out.stored_above = stored(h5, o + oc_metric("above_target").stored);
  read_obd_scoring(h5, g, d.type, out.p_select.size(), out.obd);
  return out;
}

// PCS and the acceptable-dose rate by score_against_target, the one
// scoring of every OC, over the trials' selections (counts from p_select).
void score(DesignData& data, const std::vector<double>& truth, const ScoringOptions& scoring) {
  SweepDesignOc& d = data.oc;
  if (!d.target || d.trials <= 0 || data.p_select.size() != truth.size()) return;
  const std::int64_t R = d.trials;
  DesignOc oc;
  oc.trials = R;
  oc.scoring = scoring;
  oc.sums = TrialSums(truth.size());
  oc.sums.trials = R;
  oc.sums.per_dose = false;  // no per-trial counts here: "treated above target" stays n/a
  // An OBD design's PCS is against its true OBD (score_against_target scores it).
  oc.objective = data.obd.objective;
  oc.obd_dose = data.obd.obd_dose;
  oc.true_utility = data.obd.true_utility;
  oc.sums.selected[0] = d.p_no_selection.available() ? count_of(d.p_no_selection.value, R) : 0;
  oc.doses.resize(truth.size());
  for (std::size_t k = 0; k < truth.size(); ++k) {
    oc.sums.selected[k + 1] = count_of(data.p_select[k], R);
    oc.doses[k].true_dlt_probability = truth[k];
  }
  score_against_target(oc, *d.target, d.target_assumed);
  if (!oc.scored) return;
  d.scored = true;
  d.target_dose = oc.target_dose;
  d.pcs = oc.pcs;
  d.p_acceptable = oc.p_acceptable;
  const bool as_run = data.stored_target_dose && static_cast<int>(*data.stored_target_dose) == oc.target_dose &&
                      (data.stored_target ? same_target(*data.stored_target, d.target) : !d.target_assumed);
  if (as_run) d.above_target = data.stored_above;
}

// Scoring settings of a variant, as its file had them (defaults if absent).
ScoringOptions variant_scoring(const core::H5Reader& h5, const std::string& g) {
  ScoringOptions s;
  if (h5.has_attribute(g, attr::kScoringOverdoseFactor))
    s.overdose_factor = h5.attribute_double(g, attr::kScoringOverdoseFactor);
  if (h5.has_attribute(g, attr::kScoringAcceptableMargin))
    s.acceptable_margin = h5.attribute_double(g, attr::kScoringAcceptableMargin);
  return s;
}

}  // namespace

bool is_sweep_file(const std::string& path) {
  try {
    const core::H5Reader h5(path);
    return h5.has_attribute(kRoot, attr::kKind) && h5.attribute_string(kRoot, attr::kKind) == schema::kKindSweep;
  } catch (const core::RuntimeError&) {
    return false;
  }
}

SweepReport read_sweep_report(const std::string& path, std::optional<double> target) {
  const core::H5Reader h5(path);
  const std::string file = "'" + path + "': ";
  if (!h5.has_attribute(kRoot, attr::kSchemaVersion) || h5.attribute_int(kRoot, attr::kSchemaVersion) != core::kSchemaVersion)
    throw core::RuntimeError(file + "missing or unsupported " + attr::kSchemaVersion);
  SweepReport rep;
  rep.path = path;
  rep.sweep_file = h5.has_attribute(kRoot, attr::kSweepFile) ? h5.attribute_string(kRoot, attr::kSweepFile) : std::string();
  const std::string table = std::string(schema::kVariantTable) + "/";
  const auto ids = h5.read_strings(table + col::kId);
  std::vector<std::vector<std::string>> columns;
  std::vector<std::pair<std::int64_t, std::string>> axis_columns;  // (axis index, name), in sweep-file order
  for (const auto& c : h5.children(schema::kVariantTable)) {
    const std::string p = table + c;
    if (h5.has_attribute(p, attr::kKeyPath))
      axis_columns.emplace_back(h5.has_attribute(p, attr::kAxis) ? h5.attribute_int(p, attr::kAxis) : 0, c);
  }
  std::stable_sort(axis_columns.begin(), axis_columns.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [axis_index, c] : axis_columns) {
    (void)axis_index;
    const std::string p = table + c;
    rep.axes.push_back(h5.attribute_string(p, attr::kKeyPath));
    std::vector<std::string> col;
    if (h5.is_integer(p)) {
      for (auto v : h5.read_ints(p)) col.push_back(std::to_string(v));
    } else {
      try {
        col = h5.read_strings(p);  // checks the type first: no HDF5 conversion error
      } catch (const core::RuntimeError&) {
        for (double v : h5.read_doubles(p)) col.push_back(core::format_number(v));
      }
    }
    if (col.size() != ids.size())
      throw core::RuntimeError(file + "variant table column '" + c + "' has the wrong length");
    columns.push_back(std::move(col));
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    SweepVariantOc v;
    v.id = ids[i];
    for (const auto& col : columns) v.values.push_back(col[i]);
    const std::string g = std::string(schema::kVariants) + "/" + v.id;
    const std::string designs = g + schema::kDesigns, truth_path = g + schema::kTruthDltProbability;
    if (!h5.exists(designs)) throw core::RuntimeError(file + "no " + designs);
    const std::vector<double> truth = h5.exists(truth_path) ? h5.read_doubles(truth_path) : std::vector<double>{};
    // As for a variant file (io/src/result_reader.cpp): probabilities, or NaN for "unknown" (then not scored).
    for (std::size_t k = 0; k < truth.size(); ++k)
      if (!std::isnan(truth[k]) && !(truth[k] >= 0.0 && truth[k] <= 1.0))
        throw core::RuntimeError(file + truth_path + "[" + std::to_string(k) + "] = " +
                                 core::format_number(truth[k]) + " is not a probability in [0, 1]");
    const std::vector<std::string> ordered = stored_design_order(h5, designs, g);  // as in a single result file
    std::vector<DesignData> data;
    std::vector<DesignTargetInfo> info;
    for (const auto& n : ordered) {
      data.push_back(read_design(h5, designs + "/" + n, n));
      info.push_back({design_type_is_dose_finding(data.back().oc.type), data.back().oc.target});
    }
    const auto targets = scoring_targets(info, target);
    const ScoringOptions scoring = variant_scoring(h5, g);
    for (std::size_t k = 0; k < data.size(); ++k) {
      data[k].oc.target = targets[k].target;
      data[k].oc.target_assumed = targets[k].assumed;
      score(data[k], truth, scoring);
      v.designs.push_back(std::move(data[k].oc));
    }
    rep.variants.push_back(std::move(v));
  }
  return rep;
}

}  // namespace twinsim::trial
