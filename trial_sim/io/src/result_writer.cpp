#include "twinsim/trial/io/result_writer.hpp"

#include <cmath>
#include <ctime>
#include <limits>

#include "twinsim/core/version.hpp"
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

const char* const kPatientIntColumns[] = {col::kTrial, col::kPatient, col::kCohort, col::kDoseIndex, col::kDlt, col::kSolveStatus};
const char* const kExposureColumns[] = {col::kCmax,     col::kTmax,    col::kCtrough, col::kCminLast,
                                        col::kAucFirst, col::kAucLast, col::kAucTotal};
const char* const kTrialColumns[] = {col::kTrial, col::kSelectedDose, col::kNPatients, col::kNDlts, col::kNCohorts};
// One column of a table, extracted from the rows by `get` and appended.
template <class T, class Rows, class Get>
void append_column(core::H5Writer& h5, const std::string& path, const Rows& rows, Get get) {
  std::vector<T> col;
  col.reserve(rows.size());
  for (const auto& r : rows) col.push_back(static_cast<T>(get(r)));
  h5.append(path, col.data(), col.size());
}
}  // namespace

ResultWriter::ResultWriter(const std::string& path, bool overwrite, const Scenario& s, const PatientModel& model,
                           std::vector<core::InputFile> inputs)
    : h5_(path, overwrite, std::move(inputs)), scenario_(s), model_(model), param_names_(model.parameter_names()) {
  h5_.set_compression(s.output.compression);
  h5_.attribute(schema::kRoot, attr::kTwinsimVersion, std::string(core::version()));
  h5_.attribute(schema::kRoot, attr::kSchemaVersion, static_cast<std::int64_t>(core::kSchemaVersion));
  h5_.attribute(schema::kRoot, attr::kScenarioName, s.name);
  h5_.attribute(schema::kRoot, attr::kScenarioFile, s.source_path);
  h5_.attribute(schema::kRoot, attr::kScenarioYaml, s.source_text);
  h5_.attribute(schema::kRoot, attr::kSeed, static_cast<std::int64_t>(s.seed));
  h5_.attribute(schema::kRoot, attr::kReplicates, s.replicates);
  h5_.attribute(schema::kRoot, attr::kMode, std::string(s.pkpd_mode() ? schema::kModePkpd : schema::kModeDesignOnly));
  h5_.attribute(schema::kRoot, attr::kCreatedUtc, utc_now_iso8601());
  // How oc/ is scored and timed, so that report and compare recompute it the same way.
  h5_.attribute(schema::kRoot, attr::kScoringOverdoseFactor, s.scoring.overdose_factor);
  h5_.attribute(schema::kRoot, attr::kScoringAcceptableMargin, s.scoring.acceptable_margin);
  if (s.accrual) {
    h5_.attribute(schema::kRoot, attr::kAccrualPatientsPerMonth, s.accrual->patients_per_month);
    h5_.attribute(schema::kRoot, attr::kAccrualDltWindowDays, s.accrual->dlt_window_days);
  }
  h5_.write(schema::kDoseLevels, s.dose_levels);
  if (s.true_dlt_probabilities) h5_.write(schema::kTruthDltProbability, *s.true_dlt_probabilities);
}

void ResultWriter::write_truth(const TruthCurve& t) {
  h5_.write(schema::kTruthDltProbability, t.p);
  h5_.write(schema::kTruthDltProbabilitySe, t.se);
  h5_.attribute(schema::kTruthDltProbability, attr::kCohortSize, t.cohort_size);
  h5_.attribute(schema::kTruthDltProbability, attr::kFailedPatients, t.failed);
}

void ResultWriter::create_patient_tables() {
  const std::string p = schema::table(group_, schema::kPatients);
  for (const char* c : kPatientIntColumns) h5_.create_table(p + c, Type::kInt64, 0, kChunkRows);
  h5_.create_table(p + col::kDose, Type::kFloat64, 0, kChunkRows);
  h5_.create_table(p + col::kDltTimeH, Type::kFloat64, 0, kChunkRows);
  if (model_.has_exposure())
    for (const char* c : kExposureColumns) h5_.create_table(p + c, Type::kFloat64, 0, kChunkRows);
  for (const auto& name : param_names_) h5_.create_table(p + name, Type::kFloat64, 0, kChunkRows);
  for (const auto& c : model_.extra_columns()) {
    const std::string path = p + c.name;
    h5_.create_table(path, c.integer ? Type::kInt64 : Type::kFloat64, 0, kChunkRows);
    h5_.attribute(path, attr::kUnit, c.unit);
  }
  if (model_.n_cycles() > 0) {
    const std::string cy = schema::table(group_, schema::kCycles);
    for (const char* c : {col::kTrial, col::kPatient, col::kCycle}) h5_.create_table(cy + c, Type::kInt64, 0, kChunkRows);
    for (const auto& c : model_.cycle_columns()) {
      const std::string path = cy + c.name;
      h5_.create_table(path, Type::kFloat64, 0, kChunkRows);
      h5_.attribute(path, attr::kUnit, c.unit);
    }
  }
}

void ResultWriter::begin_design(const DesignSpec& d, bool with_timecourses) {
  group_ = schema::design_group(d.name);
  h5_.create_group(group_);
  h5_.attribute(group_, attr::kType, d.type);
  if (d.design->target() >= 0) h5_.attribute(group_, attr::kTarget, d.design->target());
  if (d.design->planned_patients() > 0)
    h5_.attribute(group_, attr::kMaxPatients, static_cast<std::int64_t>(d.design->planned_patients()));
  const std::string t = schema::table(group_, schema::kTrials);
  for (const char* c : kTrialColumns) h5_.create_table(t + c, Type::kInt64, 0, kChunkRows);
  if (scenario_.output.patients) create_patient_tables();
  timecourses_ = with_timecourses && !model_.timecourse_variables().empty();
  if (timecourses_) {
    const auto& grid = model_.time_grid();
    const std::string tc = schema::table(group_, schema::kTimecourses);
    h5_.write(tc + col::kTime, grid);
    h5_.attribute(tc + col::kTime, attr::kUnit, std::string(schema::kUnitHours));
    for (const auto& v : model_.timecourse_variables())
      h5_.create_table(tc + v, Type::kFloat64, grid.size(), timecourse_chunk_rows(grid.size()));
  }
}

void ResultWriter::append(const ResultBlock& b) {
  const auto ints = [this](const std::string& path, auto get, const auto& rows) {
    append_column<std::int64_t>(h5_, path, rows, get);
  };
  const std::string t = schema::table(group_, schema::kTrials);
  ints(t + col::kTrial, [](const TrialRow& r) { return r.trial; }, b.trials);
  ints(t + col::kSelectedDose, [](const TrialRow& r) { return r.selected_dose; }, b.trials);
  ints(t + col::kNPatients, [](const TrialRow& r) { return r.n_patients; }, b.trials);
  ints(t + col::kNDlts, [](const TrialRow& r) { return r.n_dlts; }, b.trials);
  ints(t + col::kNCohorts, [](const TrialRow& r) { return r.n_cohorts; }, b.trials);

  if (scenario_.output.patients) append_patients(b);
  if (timecourses_ && !b.tc_chunks.empty()) {
    const auto& vars = model_.timecourse_variables();
    const std::uint64_t rows = timecourse_chunk_rows(model_.time_grid().size());
    const std::string tc = schema::table(group_, schema::kTimecourses);
    for (std::size_t v = 0; v < vars.size(); ++v) h5_.append_chunks(tc + vars[v], rows, b.tc_chunks[v]);
  } else if (timecourses_) {
    const std::size_t T = model_.time_grid().size();
    const auto& vars = model_.timecourse_variables();
    const std::size_t P = b.patients.size();
    std::vector<double> rows(P * T);
    for (std::size_t v = 0; v < vars.size(); ++v) {
      for (std::size_t i = 0; i < P; ++i)
        for (std::size_t k = 0; k < T; ++k) rows[i * T + k] = b.timecourses[(i * vars.size() + v) * T + k];
      h5_.append(schema::table(group_, schema::kTimecourses) + vars[v], rows.data(), P);
    }
  }
}

void ResultWriter::append_timecourse_rows(const std::vector<std::vector<double>>& rows) {
  if (!timecourses_) return;
  const std::size_t T = model_.time_grid().size();
  const auto& vars = model_.timecourse_variables();
  for (std::size_t v = 0; v < vars.size() && v < rows.size(); ++v)
    h5_.append(schema::table(group_, schema::kTimecourses) + vars[v], rows[v].data(), T ? rows[v].size() / T : 0);
}

std::uint64_t ResultWriter::timecourse_chunk_rows(std::size_t T) {
  return std::max<std::uint64_t>(1, 65536 / std::max<std::size_t>(1, T));
}

void ResultWriter::append_patients(const ResultBlock& b) {
  const auto ints = [this](const std::string& path, auto get, const auto& rows) {
    append_column<std::int64_t>(h5_, path, rows, get);
  };
  const auto doubles = [this](const std::string& path, auto get, const auto& rows) {
    append_column<double>(h5_, path, rows, get);
  };
  const std::string p = schema::table(group_, schema::kPatients);
  ints(p + col::kTrial, [](const PatientRow& r) { return r.trial; }, b.patients);
  ints(p + col::kPatient, [](const PatientRow& r) { return r.patient; }, b.patients);
  ints(p + col::kCohort, [](const PatientRow& r) { return r.cohort; }, b.patients);
  ints(p + col::kDoseIndex, [](const PatientRow& r) { return r.dose_index; }, b.patients);
  ints(p + col::kDlt, [](const PatientRow& r) { return std::int64_t{r.outcome.dlt ? 1 : 0}; }, b.patients);
  ints(p + col::kSolveStatus, [](const PatientRow& r) { return static_cast<std::int64_t>(r.outcome.status); }, b.patients);
  const auto& levels = scenario_.dose_levels;
  doubles(p + col::kDose, [&](const PatientRow& r) { return levels[static_cast<std::size_t>(r.dose_index)]; }, b.patients);
  doubles(p + col::kDltTimeH, [](const PatientRow& r) { return r.outcome.dlt_time_h; }, b.patients);
  if (model_.has_exposure()) {
    doubles(p + col::kCmax, [](const PatientRow& r) { return r.outcome.exposure.cmax; }, b.patients);
    doubles(p + col::kTmax, [](const PatientRow& r) { return r.outcome.exposure.tmax; }, b.patients);
    doubles(p + col::kCtrough, [](const PatientRow& r) { return r.outcome.exposure.ctrough; }, b.patients);
    doubles(p + col::kCminLast, [](const PatientRow& r) { return r.outcome.exposure.cmin_last; }, b.patients);
    doubles(p + col::kAucFirst, [](const PatientRow& r) { return r.outcome.exposure.auc_first; }, b.patients);
    doubles(p + col::kAucLast, [](const PatientRow& r) { return r.outcome.exposure.auc_last; }, b.patients);
    doubles(p + col::kAucTotal, [](const PatientRow& r) { return r.outcome.exposure.auc_total; }, b.patients);
  }
  for (std::size_t k = 0; k < param_names_.size(); ++k) {
    doubles(p + param_names_[k], [k](const PatientRow& r) { return r.outcome.parameters.at(k); }, b.patients);
  }
  const auto extra = model_.extra_columns();
  for (std::size_t k = 0; k < extra.size(); ++k) {
    if (extra[k].integer) {
      ints(p + extra[k].name, [k](const PatientRow& r) {
        const double v = r.outcome.extra.at(k);
        return std::isnan(v) ? std::int64_t{-1} : static_cast<std::int64_t>(std::llround(v));  // -1: not available
      }, b.patients);
    } else {
      doubles(p + extra[k].name, [k](const PatientRow& r) { return r.outcome.extra.at(k); }, b.patients);
    }
  }
  if (model_.n_cycles() > 0) {
    const auto cols = model_.cycle_columns();
    const auto C = static_cast<std::size_t>(model_.n_cycles());
    std::vector<std::int64_t> trial, patient, cycle;
    std::vector<std::vector<double>> values(cols.size());
    for (const auto& r : b.patients) {
      for (std::size_t c = 0; c < C; ++c) {
        trial.push_back(r.trial);
        patient.push_back(r.patient);
        cycle.push_back(static_cast<std::int64_t>(c));
        for (std::size_t k = 0; k < cols.size(); ++k) values[k].push_back(r.outcome.cycles.at(c * cols.size() + k));
      }
    }
    const std::string cy = schema::table(group_, schema::kCycles);
    h5_.append(cy + col::kTrial, trial.data(), trial.size());
    h5_.append(cy + col::kPatient, patient.data(), patient.size());
    h5_.append(cy + col::kCycle, cycle.data(), cycle.size());
    for (std::size_t k = 0; k < cols.size(); ++k) h5_.append(cy + cols[k].name, values[k].data(), values[k].size());
  }
}

void ResultWriter::end_design(const DesignOc& oc) {
  const std::string o = schema::table(group_, schema::kOc);
  const std::string se = col::kSeSuffix;
  // oc/ keeps its SEs of proportions as sd/sqrt(R) with the R-1 sample variance.
  const double R = static_cast<double>(oc.trials);
  const double prop = oc.trials > 1 ? std::sqrt(R / (R - 1.0)) : std::numeric_limits<double>::quiet_NaN();
  std::vector<double> p, p_se, n, n_se, y, y_se;
  for (const auto& d : oc.doses) {
    p.push_back(d.p_select.value);
    p_se.push_back(d.p_select.se * prop);
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
  for (const auto& m : oc_metrics()) {
    const Estimate& e = oc.*m.field;
    if (!e.available()) continue;
    h5_.write_scalar(o + m.stored, e.value);
    h5_.write_scalar(o + m.stored + se, m.proportion ? e.se * prop : e.se);
  }
}

void ResultWriter::failures(std::int64_t total, std::int64_t replaced,
                            const std::map<std::string, std::int64_t>& by_status) {
  h5_.attribute(group_, attr::kFailedPatients, total);
  if (scenario_.endpoints.failure_policy() == SolveFailurePolicy::kReplace)
    h5_.attribute(group_, attr::kReplacedPatients, replaced);
  // How to read patients/dlt of the failed rows (the scenario text may rely on the default).
  if (scenario_.endpoints.dlt)
    h5_.attribute(group_, attr::kOnSolveFailure, std::string(to_string(scenario_.endpoints.on_solve_failure)));
  for (const auto& [status, n] : by_status) h5_.attribute(group_, attr::kFailedPrefix + status, n);
}

void ResultWriter::root_attribute(const std::string& name, const std::string& value) {
  h5_.attribute(schema::kRoot, name, value);
}

void ResultWriter::commit() {
  // Written last: a file without it was not finished by this writer.
  h5_.attribute(schema::kRoot, attr::kComplete, std::int64_t{1});
  h5_.commit();
}

}  // namespace twinsim::trial
