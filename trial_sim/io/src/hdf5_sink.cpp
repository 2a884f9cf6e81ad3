#include "twinsim/trial/io/hdf5_sink.hpp"
#include "twinsim/trial/io/result_reader.hpp"

#include <cmath>
#include <ctime>
#include <limits>

#include "twinsim/core/version.hpp"
#include "twinsim/trial/designs/design.hpp"
#include "twinsim/trial/io/schema.hpp"

namespace twinsim::trial {

using Type = core::H5Writer::Type;
namespace attr = schema::attr;
namespace col = schema::col;

std::string utc_now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {
constexpr std::uint64_t kChunkRows = 4096;
}  // namespace

Hdf5Sink::Hdf5Sink(const std::string& path, bool overwrite, std::vector<core::InputFile> inputs)
    : path_(path), h5_(path, overwrite, std::move(inputs)) {}

void Hdf5Sink::begin_run(const RunInfo& s) {
  run_ = s;
  h5_.set_compression(s.compression);
  h5_.attribute(schema::kRoot, attr::kTwinsimVersion, std::string(core::version()));
  h5_.attribute(schema::kRoot, attr::kSchemaVersion, static_cast<std::int64_t>(core::kSchemaVersion));
  h5_.attribute(schema::kRoot, attr::kScenarioName, s.scenario_name);
  h5_.attribute(schema::kRoot, attr::kScenarioFile, s.scenario_file);
  h5_.attribute(schema::kRoot, attr::kScenarioYaml, s.scenario_yaml);
  h5_.attribute(schema::kRoot, attr::kSeed, static_cast<std::int64_t>(s.seed));
  h5_.attribute(schema::kRoot, attr::kReplicates, s.replicates);
  h5_.attribute(schema::kRoot, attr::kMode, std::string(s.pkpd ? schema::kModePkpd : schema::kModeDesignOnly));
  h5_.attribute(schema::kRoot, attr::kPopulationKey, s.population_key);
  h5_.attribute(schema::kRoot, attr::kCreatedUtc, utc_now_iso8601());
  // How oc/ is scored and timed, so that report and compare recompute it the same way.
  h5_.attribute(schema::kRoot, attr::kScoringOverdoseFactor, s.scoring.overdose_factor);
  h5_.attribute(schema::kRoot, attr::kScoringAcceptableMargin, s.scoring.acceptable_margin);
  if (s.accrual) {
    h5_.attribute(schema::kRoot, attr::kAccrualPatientsPerMonth, s.accrual->patients_per_month);
    h5_.attribute(schema::kRoot, attr::kAccrualDltWindowDays, s.accrual->dlt_window_days);
    if (s.accrual->poisson) h5_.attribute(schema::kRoot, attr::kAccrualArrivals, std::string("poisson"));
  }
  h5_.write(schema::kDoseLevels, s.dose_levels);
  if (s.true_dlt_probabilities) h5_.write(schema::kTruthDltProbability, *s.true_dlt_probabilities);
  if (s.true_response_probabilities) h5_.write(schema::kTruthResponseProbability, *s.true_response_probabilities);
  if (s.true_dlt_and_response_probabilities)
    h5_.write(schema::kTruthDltAndResponseProbability, *s.true_dlt_and_response_probabilities);
  for (const auto& [name, value] : s.attributes) h5_.attribute(schema::kRoot, name, value);
}

void Hdf5Sink::truth(const TruthCurve& t) {
  h5_.write(schema::kTruthDltProbability, t.p);
  h5_.write(schema::kTruthDltProbabilitySe, t.se);
  h5_.attribute(schema::kTruthDltProbability, attr::kCohortSize, t.cohort_size);
  h5_.attribute(schema::kTruthDltProbability, attr::kFailedPatients, t.failed);
  if (t.response.empty()) return;
  h5_.write(schema::kTruthResponseProbability, t.response);
  h5_.write(schema::kTruthResponseProbabilitySe, t.response_se);
  h5_.write(schema::kTruthDltAndResponseProbability, t.both);
  h5_.write(schema::kTruthDltAndResponseProbabilitySe, t.both_se);
  h5_.write(schema::kTruthResponseEvaluable, t.n_evaluable);
}

void Hdf5Sink::begin_design(const DesignInfo& d) {
  group_ = schema::design_group(d.name);
  h5_.create_group(group_);
  h5_.attribute(group_, attr::kType, d.type);
  h5_.attribute(group_, attr::kDesignIndex, designs_begun_++);  // designs come in scenario order
  if (d.target >= 0) h5_.attribute(group_, attr::kTarget, d.target);
  if (d.planned_patients > 0) h5_.attribute(group_, attr::kMaxPatients, d.planned_patients);
  // Only where the type does not say so already: other files keep their attributes.
  if (d.time_driven && !design_type_is_time_driven(d.type)) h5_.attribute(group_, attr::kTimeDriven, std::int64_t{1});
  if (d.selects_obd && !design_type_selects_obd(d.type)) h5_.attribute(group_, attr::kSelectsObd, std::int64_t{1});
  tables_ = design_tables(run_);
  for (const ResultTable& t : tables_) {
    const std::string prefix = schema::table(group_, t.name.c_str());
    if (t.name == schema::kTimecourses) {
      const auto& grid = run_.layout.time_grid;
      h5_.write(prefix + col::kTime, grid);
      h5_.attribute(prefix + col::kTime, attr::kUnit, std::string(schema::kUnitHours));
    }
    for (const ResultColumn& c : t.columns) {
      const std::string path = prefix + c.name;
      h5_.create_table(path, c.integer ? Type::kInt64 : Type::kFloat64, c.width,
                       c.width > 0 ? timecourse_chunk_rows(c.width) : kChunkRows);
      if (c.unit) h5_.attribute(path, attr::kUnit, *c.unit);
    }
  }
}

void Hdf5Sink::append(const ResultBlock& b) {
  for (ResultTable& t : tables_) t.clear();
  append_block(run_, b, tables_);
  for (const ResultTable& t : tables_) {
    const std::string prefix = schema::table(group_, t.name.c_str());
    const bool chunks = t.name == schema::kTimecourses && !b.tc_chunks.empty();
    for (std::size_t k = 0; k < t.columns.size(); ++k) {
      const ResultColumn& c = t.columns[k];
      if (chunks)
        h5_.append_chunks(prefix + c.name, timecourse_chunk_rows(c.width), b.tc_chunks[k]);
      else if (c.integer)
        h5_.append(prefix + c.name, c.ints.data(), c.rows());
      else
        h5_.append(prefix + c.name, c.doubles.data(), c.rows());
    }
  }
}

void Hdf5Sink::append_timecourse_rows(const std::vector<std::vector<double>>& rows) {
  const auto& vars = run_.layout.timecourse_variables;
  const std::size_t T = run_.layout.time_grid.size();
  if (vars.empty()) return;
  for (std::size_t v = 0; v < vars.size() && v < rows.size(); ++v)
    h5_.append(schema::table(group_, schema::kTimecourses) + vars[v], rows[v].data(), T ? rows[v].size() / T : 0);
}

void Hdf5Sink::end_design(const DesignOc& oc, const DesignFailures& f) {
  const std::string o = schema::table(group_, schema::kOc);
  const std::string se = col::kSeSuffix;
  // oc/ keeps its SEs of proportions as sd/sqrt(R) with the R-1 sample variance.
  const double R = static_cast<double>(oc.trials);
  const double factor = oc.trials > 1 ? std::sqrt(R / (R - 1.0)) : std::numeric_limits<double>::quiet_NaN();
  // Exact OCs (run --exact: no trials) are stored as they are, SE 0.
  const bool exact = oc.trials == 0;
  auto prop = [factor, exact](double e) { return exact ? e : e * factor; };
  std::vector<double> p, p_se, n, n_se, y, y_se;
  for (const auto& d : oc.doses) {
    p.push_back(d.p_select.value);
    p_se.push_back(prop(d.p_select.se));
    n.push_back(d.mean_patients.value);
    n_se.push_back(d.mean_patients.se);
    y.push_back(d.mean_dlts.value);
    y_se.push_back(d.mean_dlts.se);
  }
  h5_.write(o + col::kPSelect, p);
  h5_.write(o + col::kPSelect + se, p_se);
  h5_.write(o + col::kMeanPatients, n);
  h5_.write(o + col::kMeanPatients + se, n_se);
  h5_.write(o + col::kMeanDlts, y);
  h5_.write(o + col::kMeanDlts + se, y_se);
  h5_.write_scalar(o + schema::kTrials, oc.trials);
  if (oc.scored) {
    h5_.write_scalar(o + col::kTrueTargetDose, static_cast<std::int64_t>(oc.target_dose));
    h5_.write_scalar(o + col::kScoringTarget, *oc.target);
  }
  if (oc.objective == DesignObjective::obd && oc.obd_dose) {
    h5_.write_scalar(o + col::kTrueObdDose, static_cast<std::int64_t>(*oc.obd_dose));
    h5_.write(o + col::kTrueUtility, oc.true_utility);
    if (!oc.true_utility_se.empty()) h5_.write(o + col::kTrueUtility + se, oc.true_utility_se);
  }
  for (const auto& m : oc_metrics()) {
    const Estimate& e = oc.*m.field;
    if (!e.available()) continue;
    h5_.write_scalar(o + m.stored, e.value);
    h5_.write_scalar(o + m.stored + se, m.proportion ? prop(e.se) : e.se);
  }
  h5_.attribute(group_, attr::kFailedPatients, f.total);
  if (run_.records_replaced) h5_.attribute(group_, attr::kReplacedPatients, f.replaced);
  // How to read patients/dlt of the failed rows (the scenario text may rely on the default).
  if (!run_.on_solve_failure.empty()) h5_.attribute(group_, attr::kOnSolveFailure, run_.on_solve_failure);
  for (const auto& [status, count] : f.by_status) h5_.attribute(group_, attr::kFailedPrefix + status, count);
}

void Hdf5Sink::commit() {
  // Written last: a file without it was not finished by this writer.
  h5_.attribute(schema::kRoot, attr::kComplete, std::int64_t{1});
  h5_.commit();
}

std::vector<DesignExposure> Hdf5Sink::exposure(const std::string& reference_key) const {
  return read_exposure(path_, reference_key);
}

}  // namespace twinsim::trial
