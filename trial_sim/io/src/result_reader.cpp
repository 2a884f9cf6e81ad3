// Reading result files into operating characteristics (result_reader.hpp):
// checks the schema version, streams trials/ and patients/ of every design
// (oc_stream.hpp), recomputes the OCs from the sums and cross-checks them
// against the stored oc/ summaries.
#include "twinsim/trial/designs/design.hpp"
#include "twinsim/trial/io/result_reader.hpp"

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "twinsim/core/error.hpp"
#include "twinsim/core/h5.hpp"
#include "twinsim/core/value_text.hpp"
#include "twinsim/core/version.hpp"
#include "twinsim/trial/io/schema.hpp"
#include "twinsim/trial/scenario/scenario.hpp"
#include "twinsim/trial/scenario/scenario_text.hpp"
#include "exposure_stream.hpp"
#include "oc_stream.hpp"

namespace twinsim::trial {

namespace {

namespace attr = schema::attr;
namespace col = schema::col;
using schema::kRoot;

// A root attribute that must be a finite number in a range (else the file is refused).
std::optional<double> number_attribute(const core::H5Reader& h5, const std::string& file, const std::string& name,
                                       const core::Range& range) {
  if (!h5.has_attribute(kRoot, name)) return std::nullopt;
  const double v = h5.attribute_double(kRoot, name);
  if (!std::isfinite(v) || !range.contains(v))
    throw core::RuntimeError(file + "attribute " + name + " = " + core::format_number(v) + " must be " +
                             range.describe());
  return v;
}

// The truth must be probabilities. NaN is what a run writes where every
// reference patient of a dose failed to solve (PK/PD mode, docs/reliability.md):
// accepted there as "unknown", with a warning, and nowhere else.
void check_truth(const core::H5Reader& h5, const std::string& file, OcReport& rep) {
  const std::string t = schema::kTruthDltProbability;
  const bool failures_explain_nan =
      h5.has_attribute(t, attr::kFailedPatients) && h5.has_attribute(t, attr::kCohortSize) &&
      h5.attribute_int(t, attr::kCohortSize) > 0 &&
      h5.attribute_int(t, attr::kFailedPatients) >= h5.attribute_int(t, attr::kCohortSize);
  for (std::size_t d = 0; d < rep.truth->size(); ++d) {
    const double p = (*rep.truth)[d];
    const std::string at = t + "[" + std::to_string(d) + "] = " + core::format_number(p);
    if (std::isnan(p) && failures_explain_nan) {
      rep.warnings.push_back(file + unknown_truth_warning(rep.dose_levels[d]));
      continue;
    }
    if (!(p >= 0.0 && p <= 1.0)) throw core::RuntimeError(file + at + " is not a probability in [0, 1]");
    if (rep.truth_se) {
      const double se = (*rep.truth_se)[d];
      if (!(se >= 0.0 && se <= 0.5))
        throw core::RuntimeError(file + schema::kTruthDltProbabilitySe + "[" + std::to_string(d) + "] = " + core::format_number(se) +
                                 " is not the standard error of a probability (in [0, 0.5])");
    }
  }
}

// Scoring settings (absent in files written before they existed: the
// defaults, which those files were scored with) and the accrual model.
void read_scoring(const core::H5Reader& h5, const std::string& file, OcReport& rep) {
  if (const auto f = number_attribute(h5, file, attr::kScoringOverdoseFactor, core::Range::at_least(1.0)))
    rep.scoring.overdose_factor = *f;
  if (const auto m = number_attribute(h5, file, attr::kScoringAcceptableMargin, {0.0, 1.0, false, true}))
    rep.scoring.acceptable_margin = *m;
  const auto ppm = number_attribute(h5, file, attr::kAccrualPatientsPerMonth, core::Range::positive());
  const auto window = number_attribute(h5, file, attr::kAccrualDltWindowDays, core::Range::non_negative());
  if (ppm && window) rep.duration = duration_model(*ppm, *window);
}

// Everything but the designs' tables: attributes, dose levels, truth, and
// the design names in scenario order.
OcReport read_header(const core::H5Reader& h5, const std::string& path, std::vector<std::string>& names) {
  const std::string file = "'" + path + "': ";
  if (!h5.has_attribute(kRoot, attr::kSchemaVersion))
    throw core::RuntimeError(file + "no " + attr::kSchemaVersion + " attribute (not a twinsim result file, or corrupt)");
  OcReport rep;
  rep.path = path;
  rep.schema_version = h5.attribute_int(kRoot, attr::kSchemaVersion);
  if (rep.schema_version != core::kSchemaVersion)
    throw core::RuntimeError(file + "unsupported " + attr::kSchemaVersion + " " + std::to_string(rep.schema_version) +
                             " (this twinsim reads " + attr::kSchemaVersion + " " +
                             std::to_string(core::kSchemaVersion) + ")");
  rep.scenario_name = h5.attribute_string(kRoot, attr::kScenarioName);
  rep.mode = h5.has_attribute(kRoot, attr::kMode) ? h5.attribute_string(kRoot, attr::kMode) : std::string();
  // The other files twinsim writes carry schema_version too; say which one this is.
  if (rep.mode == schema::kModeSimulate || rep.mode == schema::kModeFit)
    throw core::RuntimeError(file + "a " + rep.mode + " file (twinsim " + rep.mode +
                             " -o), not the result of twinsim run (its layout: docs/hdf5-schema.md)");
  rep.seed = static_cast<std::uint64_t>(h5.attribute_int(kRoot, attr::kSeed));
  rep.exact = h5.has_attribute(kRoot, attr::kOcMethod) &&
              h5.attribute_string(kRoot, attr::kOcMethod) == schema::kOcMethodExact;
  rep.replicates = h5.attribute_int(kRoot, attr::kReplicates);
  rep.population_key = stored_population_key(h5, kRoot);
  // Sized before reading: the sums hold doses² values per design.
  const auto dims = h5.dims(schema::kDoseLevels);
  if (dims.size() != 1 || dims[0] > static_cast<std::uint64_t>(ScenarioLimits::kMaxDoseLevels))
    throw core::RuntimeError(file + schema::kDoseLevels + " is not a list of at most " +
                             std::to_string(ScenarioLimits::kMaxDoseLevels) + " dose levels");
  rep.dose_levels = h5.read_doubles(schema::kDoseLevels);
  if (rep.dose_levels.empty()) throw core::RuntimeError(file + schema::kDoseLevels + " is empty");
  for (std::size_t d = 0; d < rep.dose_levels.size(); ++d)
    if (!std::isfinite(rep.dose_levels[d]))
      throw core::RuntimeError(file + schema::kDoseLevels + "[" + std::to_string(d) + "] = " +
                               core::format_number(rep.dose_levels[d]) + " is not a dose");
  if (h5.exists(schema::kTruthDltProbability)) {
    const auto n = h5.dims(schema::kTruthDltProbability);
    if (n.size() != 1 || n[0] != rep.dose_levels.size())
      throw core::RuntimeError(file + schema::kTruthDltProbability + " does not have one value per dose level (" +
                               std::to_string(rep.dose_levels.size()) + ")");
    rep.truth = h5.read_doubles(schema::kTruthDltProbability);
    if (h5.exists(schema::kTruthDltProbabilitySe)) {
      if (h5.dims(schema::kTruthDltProbabilitySe) != n)
        throw core::RuntimeError(file + schema::kTruthDltProbabilitySe + " does not have one value per dose level (" +
                                 std::to_string(rep.dose_levels.size()) + ")");
      rep.truth_se = h5.read_doubles(schema::kTruthDltProbabilitySe);
    }
    check_truth(h5, file, rep);
  }
  read_scoring(h5, file, rep);
  if (!h5.exists(schema::kDesigns)) throw core::RuntimeError(file + "no " + schema::kDesigns + " group");
  names = stored_design_order(h5, schema::kDesigns, kRoot);
  if (names.empty()) throw core::RuntimeError(file + "no designs under " + schema::kDesigns);
  return rep;
}

// The stored oc/ summaries of a design, for cross_check_oc.
StoredOc read_stored_oc(const core::H5Reader& h5, const std::string& group) {
  StoredOc s;
  const std::string o = schema::table(group, schema::kOc);
  const std::string se = col::kSeSuffix;
  s.p_select = read_optional(h5, o + col::kPSelect);
  s.p_select_se = read_optional(h5, o + col::kPSelect + se);
  s.mean_patients = read_optional(h5, o + col::kMeanPatients);
  s.mean_patients_se = read_optional(h5, o + col::kMeanPatients + se);
  s.mean_dlts = read_optional(h5, o + col::kMeanDlts);
  s.mean_dlts_se = read_optional(h5, o + col::kMeanDlts + se);
  s.trials = read_scalar(h5, o + schema::kTrials);
  s.true_target_dose = read_scalar(h5, o + col::kTrueTargetDose);
  s.scoring_target = read_scalar(h5, o + col::kScoringTarget);
  for (const auto& m : oc_metrics()) {
    const StoredValue v{read_scalar(h5, o + m.stored), read_scalar(h5, o + m.stored + se)};
    if (v.value || v.se) s.metrics[m.key] = v;
  }
  return s;
}

// Without patients/ (output.patients: false) a trial's per-dose counts are
// not in the file; the run computed their means and SEs while it had them
// and stored them in oc/. Those are what report shows. "Treated above
// target" is the run's too, when scored as the run scored it (another target
// needs the per-trial counts), and its paired difference is n/a.
void use_stored_per_dose(DesignOc& oc, const StoredOc& s) {
  for (std::size_t d = 0; d < oc.doses.size(); ++d) {
    auto pick = [d](const std::vector<double>& v, const std::vector<double>& se) {
      return d < v.size() && d < se.size() ? Estimate{v[d], se[d]} : Estimate{};
    };
    oc.doses[d].mean_patients = pick(s.mean_patients, s.mean_patients_se);
    oc.doses[d].mean_dlts = pick(s.mean_dlts, s.mean_dlts_se);
  }
  oc.above_target = {};
  const auto it = s.metrics.find("above_target");
  if (it != s.metrics.end() && it->second.value && it->second.se && stored_scoring_matches(oc, s))
    oc.above_target = {*it->second.value, *it->second.se};
}

// Files written before the accrual attributes existed keep their duration
// in oc/ only: shown as stored (no paired difference).
void use_stored_duration(DesignOc& oc, const StoredOc& s) {
  const auto it = s.metrics.find("mean_duration_days");
  if (oc.mean_duration_days.available() || it == s.metrics.end() || !it->second.value) return;
  oc.mean_duration_days = {*it->second.value, it->second.se.value_or(std::numeric_limits<double>::quiet_NaN())};
}

// A file of exact OCs (run --exact) has no trials to recompute them from:
// oc/ is the result. Its SEs are 0 in design-only mode and the estimated
// true curve's, propagated, in PK/PD mode (files without _se: 0).
void use_stored_exact(DesignOc& oc, const StoredOc& s) {
  for (std::size_t d = 0; d < oc.doses.size(); ++d) {
    auto pick = [d](const std::vector<double>& v, const std::vector<double>& se) {
      return d < v.size() ? Estimate{v[d], d < se.size() ? se[d] : 0.0} : Estimate{};
    };
    oc.doses[d].p_select = pick(s.p_select, s.p_select_se);
    oc.doses[d].mean_patients = pick(s.mean_patients, s.mean_patients_se);
    oc.doses[d].mean_dlts = pick(s.mean_dlts, s.mean_dlts_se);
  }
  const bool scoring_matches = stored_scoring_matches(oc, s);
  for (const auto& m : oc_metrics()) {
    Estimate& e = oc.*m.field;
    e = {};
    const auto it = s.metrics.find(m.key);
    if (it == s.metrics.end() || !it->second.value || (m.target_dependent && !scoring_matches)) continue;
    e = {*it->second.value, it->second.se.value_or(0.0)};
  }
}

bool is_exact_file(const core::H5Reader& h5) {
  return h5.has_attribute(schema::kRoot, attr::kOcMethod) &&
         h5.attribute_string(schema::kRoot, attr::kOcMethod) == schema::kOcMethodExact;
}

}  // namespace

// A stored oc/ summary: one value per dose at most. The size is checked
// before reading: only the per-trial tables may be long, and those are
// streamed.
void read_obd_scoring(const core::H5Reader& h5, const std::string& group, const std::string& type, std::size_t D,
                      ScoringTarget& t) {
  // By type (BOIN12), or by attribute (a design with a randomised stage).
  const bool selects_obd = design_type_selects_obd(type) || (h5.has_attribute(group, attr::kSelectsObd) &&
                                                             h5.attribute_int(group, attr::kSelectsObd) == 1);
  if (!selects_obd) return;
  // The run stored the true OBD and utilities it scored against.
  t.objective = DesignObjective::obd;
  const std::string o = schema::table(group, schema::kOc);
  const auto obd = read_scalar(h5, o + col::kTrueObdDose);
  const auto u = read_optional(h5, o + col::kTrueUtility);
  if (obd && u.size() == D && *obd >= -1 && *obd < static_cast<double>(D)) {
    t.obd_dose = static_cast<int>(*obd);
    t.true_utility = u;
    const auto u_se = read_optional(h5, o + col::kTrueUtility + col::kSeSuffix);
    if (u_se.size() == D) t.true_utility_se = u_se;
  }
}

std::vector<double> read_optional(const core::H5Reader& h5, const std::string& path) {
  if (!h5.exists(path)) return {};
  double n = 1;  // no overflow on a corrupt shape
  for (auto d : h5.dims(path)) n *= static_cast<double>(d);
  if (n > ScenarioLimits::kMaxDoseLevels)
    throw core::RuntimeError("'" + h5.path() + "': " + path + " has " + core::format_number(n) +
                             " values, not one per dose level");
  return h5.read_doubles(path);
}

std::optional<double> read_scalar(const core::H5Reader& h5, const std::string& path) {
  const auto v = read_optional(h5, path);
  if (v.size() != 1) return std::nullopt;
  return v[0];
}

std::vector<std::string> stored_design_order(const core::H5Reader& h5, const std::string& designs,
                                             const std::string& holder) {
  std::vector<std::string> names = h5.children(designs);
  std::vector<std::int64_t> rank;
  for (const auto& n : names) {
    const std::string g = designs + "/" + n;
    if (!h5.has_attribute(g, attr::kDesignIndex)) break;
    rank.push_back(h5.attribute_int(g, attr::kDesignIndex));
  }
  if (rank.size() < names.size()) {
    const std::vector<std::string> order =
        h5.has_attribute(holder, attr::kScenarioYaml)
            ? parse_scenario_text(h5.attribute_string(holder, attr::kScenarioYaml), attr::kScenarioYaml).designs
            : std::vector<std::string>{};
    rank.clear();
    for (const auto& n : names) rank.push_back(std::find(order.begin(), order.end(), n) - order.begin());
  }
  std::vector<std::size_t> by(names.size());
  for (std::size_t i = 0; i < by.size(); ++i) by[i] = i;
  std::stable_sort(by.begin(), by.end(), [&](std::size_t a, std::size_t b) { return rank[a] < rank[b]; });
  std::vector<std::string> out;
  for (std::size_t i : by) out.push_back(names[i]);
  return out;
}

std::string stored_population_key(const core::H5Reader& h5, const std::string& holder) {
  if (h5.has_attribute(holder, attr::kPopulationKey)) return h5.attribute_string(holder, attr::kPopulationKey);
  if (!h5.has_attribute(holder, attr::kScenarioYaml)) return {};
  return parse_scenario_text(h5.attribute_string(holder, attr::kScenarioYaml), attr::kScenarioYaml).population_key;
}

std::vector<OcReport> read_oc_reports(const std::vector<std::string>& paths) {
  std::vector<std::unique_ptr<core::H5Reader>> files;
  std::vector<OcReport> reports;
  std::vector<DesignSource> sources;
  std::vector<const DesignStream*> streams;  // sources[k]'s stream, for what only a file has
  for (const auto& path : paths) {
    files.push_back(std::make_unique<core::H5Reader>(path));  // missing, not HDF5, unopenable: RuntimeError
    const core::H5Reader& h5 = *files.back();
    std::vector<std::string> names;
    reports.push_back(read_header(h5, path, names));
    const std::size_t D = reports.back().dose_levels.size();
    for (const auto& name : names) {
      const std::string g = schema::design_group(name);
      DesignSource s;
      s.file = files.size() - 1;
      s.name = name;
      s.type = h5.has_attribute(g, attr::kType) ? h5.attribute_string(g, attr::kType) : std::string("?");
      if (h5.has_attribute(g, attr::kTarget)) {
        s.target = h5.attribute_double(g, attr::kTarget);
        if (!(*s.target > 0 && *s.target < 1))
          throw core::RuntimeError("'" + path + "': design '" + name + "': attribute " + attr::kTarget + " = " +
                                   core::format_number(*s.target) + " is not a DLT rate in (0, 1)");
      }
      s.sums = TrialSums(D);
      if (h5.has_attribute(g, attr::kMaxPatients)) {
        s.sums.planned_patients = h5.attribute_int(g, attr::kMaxPatients);
        if (s.sums.planned_patients < 1 || s.sums.planned_patients > kMaxCount)
          throw core::RuntimeError("'" + path + "': design '" + name + "': attribute " + attr::kMaxPatients + " = " +
                                   std::to_string(s.sums.planned_patients) + " is not a number of patients");
      }
      auto stream = std::make_unique<DesignStream>(h5, g, D, "'" + path + "': design '" + name + "': ",
                                                   s.sums.planned_patients, is_exact_file(h5));
      s.sums.per_dose = stream->has_patients();
      s.sums.has_cohorts = stream->has_cohorts();
      // Measured durations: time-driven designs, and every design under Poisson arrivals.
      const bool poisson = h5.has_attribute("/", attr::kAccrualArrivals) &&
                           h5.attribute_string("/", attr::kAccrualArrivals) == "poisson";
      const bool timed = h5.has_attribute(g, attr::kTimeDriven) && h5.attribute_int(g, attr::kTimeDriven) == 1;
      if (design_type_is_time_driven(s.type) || timed || poisson) stream->use_durations();
      streams.push_back(stream.get());
      s.stream = std::move(stream);
      sources.push_back(std::move(s));
    }
    // One rule for every output (oc_metrics.hpp): the targets are settled per file.
    std::vector<DesignTargetInfo> info;
    const std::size_t first = sources.size() - names.size();
    for (std::size_t k = first; k < sources.size(); ++k) info.push_back({design_type_is_dose_finding(sources[k].type), sources[k].target});
    const auto targets = scoring_targets(info);
    for (std::size_t k = first; k < sources.size(); ++k) {
      sources[k].scoring = targets[k - first];
      read_obd_scoring(h5, schema::design_group(sources[k].name), sources[k].type, D, sources[k].scoring);
    }
  }
  if (sources.empty()) return reports;
  sum_in_lockstep(sources, pair_key(paths[0], sources[0].name), kStreamBlockRows);
  // Exposure per arm: a second pass over patients/, its exposure columns only.
  std::vector<std::unique_ptr<FileExposureStream>> exposure_streams;
  std::vector<ExposureStream*> exposure_inputs;
  std::vector<std::size_t> exposure_doses;
  for (const auto& s : sources) {
    const std::size_t D = reports[s.file].dose_levels.size();
    exposure_streams.push_back(
        std::make_unique<FileExposureStream>(*files[s.file], schema::design_group(s.name), D, s.sums.trials));
    exposure_inputs.push_back(exposure_streams.back().get());
    exposure_doses.push_back(D);
  }
  std::vector<DesignExposure> exposure =
      sum_exposure_in_lockstep(exposure_inputs, exposure_doses, pair_key(paths[0], sources[0].name));
  for (std::size_t k = 0; k < sources.size(); ++k) {
    DesignSource& s = sources[k];
    OcReport& rep = reports[s.file];
    const std::string file = "'" + rep.path + "': ";
    DesignOc oc = design_oc_from_sums(s.name, s.type, s.scoring, std::move(s.sums), rep);
    oc.with_reference = std::move(s.pair);
    oc.exposure = std::move(exposure[k]);
    if (!streams[k]->warning.empty()) oc.warnings.push_back("design '" + s.name + "': " + streams[k]->warning);
    if (oc.trials != rep.replicates)
      oc.warnings.push_back("design '" + s.name + "': " + std::to_string(oc.trials) + " trials but the file says " +
                            std::to_string(rep.replicates) + " replicates");
    const StoredOc stored = read_stored_oc(*files[s.file], schema::design_group(s.name));
    if (is_exact_file(*files[s.file])) {
      use_stored_exact(oc, stored);
    } else {
      if (!oc.sums.per_dose) use_stored_per_dose(oc, stored);
      use_stored_duration(oc, stored);
      cross_check_oc(oc, stored);
    }
    for (auto& w : oc.warnings) w = file + w;
    rep.designs.push_back(std::move(oc));
  }
  return reports;
}

std::vector<DesignExposure> read_exposure(const std::string& path, const std::string& reference_key) {
  const core::H5Reader h5(path);
  std::vector<std::string> names;
  const OcReport header = read_header(h5, path, names);
  const std::size_t D = header.dose_levels.size();
  std::vector<std::unique_ptr<FileExposureStream>> streams;
  std::vector<ExposureStream*> inputs;
  for (const auto& name : names) {
    const std::string g = schema::design_group(name);
    const auto trials = static_cast<std::int64_t>(core::H5IntColumn(h5, schema::table(g, schema::kTrials) + schema::col::kTrial).rows());
    streams.push_back(std::make_unique<FileExposureStream>(h5, g, D, trials));
    inputs.push_back(streams.back().get());
  }
  return sum_exposure_in_lockstep(inputs, std::vector<std::size_t>(inputs.size(), D), reference_key);
}

OcReport read_oc_report(const std::string& path) { return std::move(read_oc_reports({path}).front()); }

}  // namespace twinsim::trial
