// The run emits its results through a ResultSink (results/result_sink.hpp):
// the in-memory sink holds what the HDF5 sink writes, table for table and bit
// for bit; the OCs the run returns are those `report` reads from the file.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "twinsim/core/h5.hpp"
#include "twinsim/trial/io/hdf5_sink.hpp"
#include "twinsim/trial/io/result_reader.hpp"
#include "twinsim/trial/io/schema.hpp"
#include "twinsim/trial/report/oc_format.hpp"
#include "twinsim/trial/results/memory_sink.hpp"
#include "twinsim/trial/results/oc_tables.hpp"
#include "twinsim/trial/runner/run.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

using namespace twinsim;

namespace {

trial::Scenario config(const std::string& file, std::int64_t replicates) {
  trial::Scenario s = trial::load_scenario_file(test::source_dir() + "/configs/" + file);
  s.replicates = replicates;
  return s;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

// Every table of every design in memory is in the file with the same shape
// and values, bit for bit, and the file's tables hold no other column.
void check_file_equals_memory(const trial::MemoryResults& mem, const std::string& path) {
  namespace schema = trial::schema;
  const core::H5Reader h5(path);
  REQUIRE(mem.complete);
  CHECK(h5.read_doubles(schema::kDoseLevels) == mem.run.dose_levels);
  if (mem.truth) {
    CHECK(same_bits(h5.read_doubles(schema::kTruthDltProbability), mem.truth->p));
    CHECK(same_bits(h5.read_doubles(schema::kTruthDltProbabilitySe), mem.truth->se));
  }
  std::vector<std::string> names;
  for (const auto& d : mem.designs) names.push_back(d.info.name);
  std::vector<std::string> stored = h5.children(schema::kDesigns);
  std::sort(names.begin(), names.end());
  CHECK(stored == names);
  std::size_t tables = 0, rows = 0;
  for (const auto& d : mem.designs) {
    const std::string group = schema::design_group(d.info.name);
    std::vector<std::string> table_names{schema::kOc};
    for (const auto& t : d.tables) {
      table_names.push_back(t.name);
      const std::string prefix = schema::table(group, t.name.c_str());
      std::vector<std::string> columns;
      for (const auto& c : t.columns) {
        INFO(prefix + c.name);
        columns.push_back(c.name);
        REQUIRE(h5.exists(prefix + c.name));
        const auto dims = h5.dims(prefix + c.name);
        if (c.width > 0) {
          REQUIRE(dims == std::vector<std::uint64_t>{c.rows(), c.width});
        } else {
          REQUIRE(dims == std::vector<std::uint64_t>{c.rows()});
        }
        CHECK(h5.is_integer(prefix + c.name) == c.integer);
        if (c.integer) {
          CHECK(h5.read_ints(prefix + c.name) == c.ints);
        } else {
          CHECK(same_bits(h5.read_doubles(prefix + c.name), c.doubles));
        }
        CHECK(h5.has_attribute(prefix + c.name, schema::attr::kUnit) == c.unit.has_value());
        if (c.unit) CHECK(h5.attribute_string(prefix + c.name, schema::attr::kUnit) == *c.unit);
        rows += c.rows();
      }
      if (t.name == schema::kTimecourses) {
        columns.push_back(schema::col::kTime);
        CHECK(same_bits(h5.read_doubles(prefix + schema::col::kTime), d.time_grid));
      }
      std::sort(columns.begin(), columns.end());
      CHECK(h5.children(prefix.substr(0, prefix.size() - 1)) == columns);
      ++tables;
    }
    std::sort(table_names.begin(), table_names.end());
    CHECK(h5.children(group) == table_names);
    const std::string oc = schema::table(group, schema::kOc);
    std::vector<double> p;
    for (const auto& dose : d.oc.doses) p.push_back(dose.p_select.value);
    CHECK(same_bits(h5.read_doubles(oc + schema::col::kPSelect), p));
    CHECK(h5.attribute_int(group, schema::attr::kFailedPatients) == d.failures.total);
  }
  CHECK(tables >= mem.designs.size());
  CHECK(rows > 0);
}

struct Runs {
  trial::MemoryResults memory;
  trial::RunSummary summary;  // of the HDF5 run
};

Runs run_both(const trial::Scenario& s, const std::string& path) {
  trial::RunOptions opt;
  opt.threads = 2;
  opt.label = path;
  trial::MemorySink memory;
  trial::run(s, memory, opt);
  Runs r{memory.take(), {}};
  trial::Hdf5Sink file(path, false, trial::scenario_inputs(s));
  r.summary = trial::run(s, file, opt);
  return r;
}

// `report` and `compare` print the same for the file as for the OCs the run
// returned (its summary) and for the in-memory tables (oc_report).
void check_report_equals(std::vector<trial::OcReport> other, const std::string& path) {
  std::vector<trial::OcReport> from_file = trial::read_oc_reports({path});
  for (const auto format : {trial::OcFormat::kTable, trial::OcFormat::kCsv, trial::OcFormat::kJson,
                            trial::OcFormat::kMarkdown}) {
    CHECK(trial::format_report(other[0], format) == trial::format_report(from_file[0], format));
  }
  trial::assume_targets(other, std::nullopt);
  trial::assume_targets(from_file, std::nullopt);
  const auto a = trial::compare_reports(other), b = trial::compare_reports(from_file);
  REQUIRE(a.differences.size() == b.differences.size());
  for (std::size_t i = 0; i < a.differences.size(); ++i) CHECK(a.differences[i].paired == b.differences[i].paired);
  CHECK(trial::format_comparison(a, trial::OcFormat::kJson) == trial::format_comparison(b, trial::OcFormat::kJson));
}

void check_summary_equals_report(const Runs& r, const std::string& path) {
  INFO("the run's summary");
  check_report_equals({r.summary.oc}, path);
  INFO("the in-memory tables");
  check_report_equals({trial::oc_report(r.memory, path)}, path);
}

}  // namespace

TEST_CASE("an in-memory run equals the HDF5 file, every table bit for bit: design-only", "[e2e]") {
  test::TempDir dir("sink-design-only");
  const std::string path = dir.file("d.h5");
  const Runs r = run_both(config("design_only_3p3_boin_crm.yaml", 400), path);
  REQUIRE(r.memory.designs.size() == 3);
  CHECK(r.memory.designs[0].table(trial::schema::kTrials)->columns[0].rows() == 400);
  check_file_equals_memory(r.memory, path);
  check_summary_equals_report(r, path);
}

TEST_CASE("an in-memory run equals the HDF5 file, every table bit for bit: PK/PD with time courses and cycles",
          "[e2e]") {
  test::TempDir dir("sink-pkpd");
  {
    const std::string path = dir.file("tc.h5");
    const Runs r = run_both(config("oral_cytotoxic_pkpd.yaml", 2), path);
    REQUIRE(r.memory.designs.at(0).table(trial::schema::kTimecourses));
    REQUIRE(r.memory.designs.at(0).table(trial::schema::kCycles));
    check_file_equals_memory(r.memory, path);
    check_summary_equals_report(r, path);
  }
  {
    const std::string path = dir.file("truth.h5");
    const Runs r = run_both(config("pkpd_boin_vs_3p3.yaml", 20), path);
    REQUIRE(r.memory.truth);  // the reference cohort's curve
    check_file_equals_memory(r.memory, path);
    check_summary_equals_report(r, path);
  }
}
