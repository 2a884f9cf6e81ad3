#include "twinsim/trial/results/result_tables.hpp"

#include <cmath>
#include <stdexcept>

#include "twinsim/trial/results/table_names.hpp"

namespace twinsim::trial {

namespace col = schema::col;

namespace {

ResultColumn int_column(const char* name) { return {name, std::nullopt, true, 0, {}, {}}; }
ResultColumn double_column(const char* name) { return {name, std::nullopt, false, 0, {}, {}}; }

// One column per entry of `get` over the rows, in order.
template <class Rows, class Get>
void fill(ResultColumn& c, const Rows& rows, Get get) {
  if (c.integer) {
    c.ints.reserve(c.ints.size() + rows.size());
    for (const auto& r : rows) c.ints.push_back(static_cast<std::int64_t>(get(r)));
  } else {
    c.doubles.reserve(c.doubles.size() + rows.size());
    for (const auto& r : rows) c.doubles.push_back(static_cast<double>(get(r)));
  }
}

std::int64_t stored_integer(double v) { return std::isnan(v) ? std::int64_t{-1} : std::llround(v); }

ResultTable* table(std::vector<ResultTable>& tables, const char* name) {
  for (auto& t : tables)
    if (t.name == name) return &t;
  return nullptr;
}

void append_patients(const RunInfo& run, const ResultBlock& b, ResultTable& t) {
  const PatientLayout& l = run.layout;
  auto c = t.columns.begin();
  fill(*c++, b.patients, [](const PatientRow& r) { return r.trial; });
  fill(*c++, b.patients, [](const PatientRow& r) { return r.patient; });
  fill(*c++, b.patients, [](const PatientRow& r) { return r.cohort; });
  fill(*c++, b.patients, [](const PatientRow& r) { return r.dose_index; });
  fill(*c++, b.patients, [](const PatientRow& r) { return r.outcome.dlt ? 1 : 0; });
  fill(*c++, b.patients, [](const PatientRow& r) { return static_cast<std::int64_t>(r.outcome.status); });
  const auto& levels = run.dose_levels;
  fill(*c++, b.patients, [&](const PatientRow& r) { return levels[static_cast<std::size_t>(r.dose_index)]; });
  fill(*c++, b.patients, [](const PatientRow& r) { return r.outcome.dlt_time_h; });
  if (l.exposure) {
    fill(*c++, b.patients, [](const PatientRow& r) { return r.outcome.exposure.cmax; });
    fill(*c++, b.patients, [](const PatientRow& r) { return r.outcome.exposure.tmax; });
    fill(*c++, b.patients, [](const PatientRow& r) { return r.outcome.exposure.ctrough; });
    fill(*c++, b.patients, [](const PatientRow& r) { return r.outcome.exposure.cmin_last; });
    fill(*c++, b.patients, [](const PatientRow& r) { return r.outcome.exposure.auc_first; });
    fill(*c++, b.patients, [](const PatientRow& r) { return r.outcome.exposure.auc_last; });
    fill(*c++, b.patients, [](const PatientRow& r) { return r.outcome.exposure.auc_total; });
  }
  for (std::size_t k = 0; k < l.parameters.size(); ++k)
    fill(*c++, b.patients, [k](const PatientRow& r) { return r.outcome.parameters.at(k); });
  for (std::size_t k = 0; k < l.extra.size(); ++k) {
    if (l.extra[k].integer)  // -1: not available
      fill(*c++, b.patients, [k](const PatientRow& r) { return stored_integer(r.outcome.extra.at(k)); });
    else
      fill(*c++, b.patients, [k](const PatientRow& r) { return r.outcome.extra.at(k); });
  }
}

void append_cycles(const RunInfo& run, const ResultBlock& b, ResultTable& t) {
  const auto C = static_cast<std::size_t>(run.layout.n_cycles);
  const std::size_t K = run.layout.cycle_columns.size();
  for (const auto& r : b.patients) {
    for (std::size_t c = 0; c < C; ++c) {
      t.columns[0].ints.push_back(r.trial);
      t.columns[1].ints.push_back(r.patient);
      t.columns[2].ints.push_back(static_cast<std::int64_t>(c));
      for (std::size_t k = 0; k < K; ++k) t.columns[3 + k].doubles.push_back(r.outcome.cycles.at(c * K + k));
    }
  }
}

// block.timecourses holds per patient, variable-major, T values per
// variable; a table column holds one variable's [patients, T] rows.
void append_timecourses(const ResultBlock& b, ResultTable& t) {
  const std::size_t V = t.columns.size();
  const std::size_t P = b.patients.size();
  for (std::size_t v = 0; v < V; ++v) {
    ResultColumn& c = t.columns[v];
    const std::size_t T = c.width;
    if (b.timecourses.size() < P * V * T) throw std::logic_error("ResultBlock without its time courses");
    c.doubles.reserve(c.doubles.size() + P * T);
    for (std::size_t i = 0; i < P; ++i) {
      const double* row = b.timecourses.data() + (i * V + v) * T;
      c.doubles.insert(c.doubles.end(), row, row + T);
    }
  }
}

}  // namespace

const ResultColumn* ResultTable::find(const std::string& column) const {
  for (const auto& c : columns)
    if (c.name == column) return &c;
  return nullptr;
}

void ResultTable::clear() {
  for (auto& c : columns) c.clear();
}

std::vector<ResultTable> design_tables(const RunInfo& run) {
  const PatientLayout& l = run.layout;
  std::vector<ResultTable> tables;
  ResultTable trials{schema::kTrials, {}};
  for (const char* c : {col::kTrial, col::kSelectedDose, col::kNPatients, col::kNDlts, col::kNCohorts})
    trials.columns.push_back(int_column(c));
  trials.columns.push_back(double_column(col::kDurationDays));
  tables.push_back(std::move(trials));
  if (l.patients) {
    ResultTable p{schema::kPatients, {}};
    for (const char* c : {col::kTrial, col::kPatient, col::kCohort, col::kDoseIndex, col::kDlt, col::kSolveStatus})
      p.columns.push_back(int_column(c));
    p.columns.push_back(double_column(col::kDose));
    p.columns.push_back(double_column(col::kDltTimeH));
    if (l.exposure)
      for (const char* c : {col::kCmax, col::kTmax, col::kCtrough, col::kCminLast, col::kAucFirst, col::kAucLast,
                            col::kAucTotal})
        p.columns.push_back(double_column(c));
    for (const auto& name : l.parameters) p.columns.push_back({name, std::nullopt, false, 0, {}, {}});
    for (const auto& c : l.extra) p.columns.push_back({c.name, c.unit, c.integer, 0, {}, {}});
    tables.push_back(std::move(p));
    if (l.n_cycles > 0) {
      ResultTable cy{schema::kCycles, {}};
      for (const char* c : {col::kTrial, col::kPatient, col::kCycle}) cy.columns.push_back(int_column(c));
      for (const auto& c : l.cycle_columns) cy.columns.push_back({c.name, c.unit, false, 0, {}, {}});
      tables.push_back(std::move(cy));
    }
  }
  if (!l.timecourse_variables.empty()) {
    ResultTable tc{schema::kTimecourses, {}};
    for (const auto& v : l.timecourse_variables) tc.columns.push_back({v, std::nullopt, false, l.time_grid.size(), {}, {}});
    tables.push_back(std::move(tc));
  }
  return tables;
}

void append_block(const RunInfo& run, const ResultBlock& b, std::vector<ResultTable>& tables) {
  if (ResultTable* t = table(tables, schema::kTrials)) {
    auto c = t->columns.begin();
    fill(*c++, b.trials, [](const TrialRow& r) { return r.trial; });
    fill(*c++, b.trials, [](const TrialRow& r) { return r.selected_dose; });
    fill(*c++, b.trials, [](const TrialRow& r) { return r.n_patients; });
    fill(*c++, b.trials, [](const TrialRow& r) { return r.n_dlts; });
    fill(*c++, b.trials, [](const TrialRow& r) { return r.n_cohorts; });
    fill(*c++, b.trials, [](const TrialRow& r) { return r.duration_days; });
  }
  if (ResultTable* t = table(tables, schema::kPatients)) append_patients(run, b, *t);
  if (ResultTable* t = table(tables, schema::kCycles)) append_cycles(run, b, *t);
  if (ResultTable* t = table(tables, schema::kTimecourses); t && b.tc_chunks.empty()) append_timecourses(b, *t);
}

std::uint64_t timecourse_chunk_rows(std::size_t T) {
  return std::max<std::uint64_t>(1, 65536 / std::max<std::size_t>(1, T));
}

}  // namespace twinsim::trial
