// Fixtures for the report/compare unit tests (test_oc_report.cpp,
// test_oc_stream.cpp): hand-made per-trial tables of two designs on the
// same 4 virtual-patient sets, written as result files and read back.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "twinsim/core/config.hpp"
#include "twinsim/core/h5.hpp"
#include "twinsim/trial/io/result_reader.hpp"

namespace twinsim::test::oc {

struct Patient {
  int dose;
  int dlt;
};
struct Trial {
  int number;
  int selected;
  std::vector<Patient> patients;
};

// One design's tables as a result file stores them.
struct DesignTables {
  std::string name;
  std::string type = "test";
  std::optional<double> target;
  std::optional<std::int64_t> max_patients;  // the design group's attribute
  std::vector<std::int64_t> trial, selected_dose, n_patients, n_dlts, n_cohorts;  // trials/
  std::vector<std::int64_t> patient_trial, patient_dose_index, patient_dlt;  // patients/
};

inline DesignTables tables(const std::string& name, std::optional<double> target, const std::vector<Trial>& trials) {
  DesignTables t;
  t.name = name;
  t.target = target;
  for (const auto& tr : trials) {
    t.trial.push_back(tr.number);
    t.selected_dose.push_back(tr.selected);
    t.n_patients.push_back(static_cast<std::int64_t>(tr.patients.size()));
    std::int64_t dlts = 0;
    for (const auto& p : tr.patients) {
      t.patient_trial.push_back(tr.number);
      t.patient_dose_index.push_back(p.dose);
      t.patient_dlt.push_back(p.dlt);
      dlts += p.dlt;
    }
    t.n_dlts.push_back(dlts);
    t.n_cohorts.push_back((static_cast<std::int64_t>(tr.patients.size()) + 2) / 3);  // the fixtures' cohorts of 3
  }
  return t;
}

inline const std::vector<double> kDoses{10, 20, 40};
inline const std::vector<double> kTruth{0.10, 0.25, 0.50};  // target 0.25 -> true target dose index 1

// Design A, 4 trials (cohorts of 3 at dose index 0, 1, 2):
//   trial 0: 3 @0 (0 DLT), 3 @1 (1 DLT)             select 1   n 6  DLT 1
//   trial 1: 3 @0 (0),     3 @1 (2)                 select 0   n 6  DLT 2
//   trial 2: 3 @0 (0),     3 @1 (0),  3 @2 (2)      select 1   n 9  DLT 2
//   trial 3: 3 @0 (2)                               select -1  n 3  DLT 2
inline std::vector<Trial> design_a() {
  const std::vector<Patient> c00{{0, 0}, {0, 0}, {0, 0}};
  return {{0, 1, {c00[0], c00[1], c00[2], {1, 1}, {1, 0}, {1, 0}}},
          {1, 0, {c00[0], c00[1], c00[2], {1, 1}, {1, 1}, {1, 0}}},
          {2, 1, {c00[0], c00[1], c00[2], {1, 0}, {1, 0}, {1, 0}, {2, 1}, {2, 0}, {2, 1}}},
          {3, -1, {{0, 1}, {0, 0}, {0, 1}}}};
}

// Design B on the same 4 virtual-patient sets:
//   trial 0: 3 @0 (0), 6 @1 (1)   select 1   n 9  DLT 1
//   trial 1: 3 @0 (0), 3 @1 (1)   select 1   n 6  DLT 1
//   trial 2: 3 @0 (0), 3 @1 (0)   select 1   n 6  DLT 0
//   trial 3: 3 @0 (2)             select -1  n 3  DLT 2
inline std::vector<Trial> design_b() {
  const Patient n0{0, 0}, n1{1, 0}, y1{1, 1};
  return {{0, 1, {n0, n0, n0, y1, n1, n1, n1, n1, n1}},
          {1, 1, {n0, n0, n0, y1, n1, n1}},
          {2, 1, {n0, n0, n0, n1, n1, n1}},
          {3, -1, {{0, 1}, {0, 0}, {0, 1}}}};
}

inline trial::Sums sums_of(const std::vector<std::int64_t>& x) {
  trial::Sums s;
  for (auto v : x) s.add(v);
  return s;
}

// What else a fixture file says: its truth and the root attributes of scoring and accrual.
struct FileOptions {
  std::vector<double> truth = kTruth;
  std::optional<double> overdose_factor, acceptable_margin;  // scoring_* attributes
  std::optional<double> patients_per_month, dlt_window_days; // accrual_* attributes
  std::vector<std::int64_t> design_index;     // design_index of each design group, in order given (none if empty)
  std::optional<std::string> population_key;  // population_key attribute
};

// Writes a result file in the schema_version 1 layout holding the given
// designs (no /truth when truth_text is empty).
inline void write_fixture(const std::string& path, std::int64_t schema_version, std::int64_t seed,
                   const std::vector<DesignTables>& designs, const std::string& yaml_extra = "",
                   const std::string& truth_text = "[0.1, 0.25, 0.5]", const FileOptions& opt = {}) {
  core::H5Writer w(path, true);
  w.attribute("/", "schema_version", schema_version);
  w.attribute("/", "scenario_name", std::string("fixture"));
  std::string yaml = "name: fixture\nseed: " + std::to_string(seed) + "\ndose_levels: [10, 20, 40]\n" +
                     (truth_text.empty() ? "" : "toxicity: {true_dlt_probabilities: " + truth_text + "}\n") +
                     yaml_extra + "designs:\n";
  for (const auto& d : designs) yaml += "  - {name: " + d.name + ", type: test}\n";
  w.attribute("/", "scenario_yaml", yaml);
  w.attribute("/", "seed", seed);
  w.attribute("/", "replicates", std::int64_t{4});
  w.attribute("/", "mode", std::string("design_only"));
  w.write("/dose_levels", kDoses);
  if (!truth_text.empty()) w.write("/truth/dlt_probability", opt.truth);
  if (opt.overdose_factor) w.attribute("/", "scoring_overdose_factor", *opt.overdose_factor);
  if (opt.acceptable_margin) w.attribute("/", "scoring_acceptable_margin", *opt.acceptable_margin);
  if (opt.patients_per_month) w.attribute("/", "accrual_patients_per_month", *opt.patients_per_month);
  if (opt.dlt_window_days) w.attribute("/", "accrual_dlt_window_days", *opt.dlt_window_days);
  if (opt.population_key) w.attribute("/", "population_key", *opt.population_key);
  for (std::size_t k = 0; k < designs.size(); ++k) {
    const DesignTables& d = designs[k];
    const std::string g = "/designs/" + d.name;
    w.create_group(g);
    if (k < opt.design_index.size()) w.attribute(g, "design_index", opt.design_index[k]);
    w.attribute(g, "type", d.type);
    if (d.target) w.attribute(g, "target", *d.target);
    if (d.max_patients) w.attribute(g, "max_patients", *d.max_patients);
    w.write(g + "/trials/trial", d.trial);
    w.write(g + "/trials/selected_dose", d.selected_dose);
    w.write(g + "/trials/n_patients", d.n_patients);
    w.write(g + "/trials/n_dlts", d.n_dlts);
    w.write(g + "/trials/n_cohorts", d.n_cohorts);
    w.write(g + "/patients/trial", d.patient_trial);
    w.write(g + "/patients/dose_index", d.patient_dose_index);
    w.write(g + "/patients/dlt", d.patient_dlt);
    w.write_scalar(g + "/oc/p_no_selection", 0.25);
  }
  w.commit();
}

// The designs as one file with these options, read back.
inline trial::OcReport read_with(const std::vector<DesignTables>& designs, const FileOptions& opt) {
  test::TempDir dir("oc");
  std::string truth = "[";
  for (std::size_t i = 0; i < opt.truth.size(); ++i) truth += (i ? ", " : "") + core::format_number(opt.truth[i]);
  write_fixture(dir.file("f.h5"), 1, 7, designs, "", truth + "]", opt);
  return trial::read_oc_report(dir.file("f.h5"));
}

// The designs as one file, read back.
inline trial::OcReport read_designs(const std::vector<DesignTables>& designs,
                                    const std::string& truth_text = "[0.1, 0.25, 0.5]") {
  test::TempDir dir("oc");
  write_fixture(dir.file("f.h5"), 1, 7, designs, "", truth_text);
  return trial::read_oc_report(dir.file("f.h5"));
}

}  // namespace twinsim::test::oc
