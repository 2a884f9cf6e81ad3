// Covariates resampled from a CSV of baseline data: uniform rows, optional
// log-normal jitter, derived covariates on top, diagnostics that point into
// the CSV file, and the example file shipped in configs/.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <map>

#include "test_support.hpp"
#include "twinsim/core/config.hpp"
#include "twinsim/vp/parse_population.hpp"
#include "twinsim/vp/population.hpp"

using namespace twinsim;

namespace {

const char* kCsv =
    "# synthetic test data\n"
    "WT,HT,AGE,SEX,SCR\n"
    "70,175,50,0,1.0\n"
    "\n"
    "55.5,160,64,1,0.8\r\n"
    "\"92\", 181 ,38,0,1.2\n"
    "48,150,77,1,0.7\n";

struct Parsed {
  std::optional<vp::PopulationSpec> spec;
  std::vector<std::string> diagnostics;
};

Parsed parse(const std::string& yaml, const std::string& base_dir) {
  const auto doc = core::ConfigNode::load_string(yaml, "csv.yaml");
  core::Diagnostics diag;
  vp::PopulationContext ctx;
  ctx.parameter_names = {"CL", "V1"};
  ctx.base_dir = base_dir;
  Parsed p;
  p.spec = vp::parse_population(doc.get("population"), diag, ctx);
  for (const auto& d : diag.items()) p.diagnostics.push_back(d.format());
  return p;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

}  // namespace

TEST_CASE("CSV rows are resampled uniformly and exactly without jitter", "[unit]") {
  test::TempDir dir("vp-csv");
  test::write_file(dir.file("base.csv"), kCsv);
  const auto p = parse(R"(population:
  csv: {file: base.csv, categorical: [SEX]}
  covariates:
    - {name: ECOG, distribution: categorical, levels: ['0', '1'], probabilities: [0.6, 0.4]}
  derived: [{name: CRCL, formula: cockcroft_gault, female: '1'}]
  effects: [{parameter: CL, covariate: WT, type: power, reference: 70, exponent: 0.75}]
)", dir.path().string());
  INFO(joined(p.diagnostics));
  REQUIRE(p.spec.has_value());
  const vp::Population pop(*p.spec);
  CHECK(pop.covariate_names() == std::vector<std::string>{"WT", "HT", "AGE", "SEX", "SCR", "ECOG", "CRCL"});
  const double rows[4][5] = {{70, 175, 50, 0, 1.0}, {55.5, 160, 64, 1, 0.8}, {92, 181, 38, 0, 1.2}, {48, 150, 77, 1, 0.7}};
  const int n = 4000;
  std::map<std::size_t, int> count;
  vp::VirtualPatient v;
  for (int i = 0; i < n; ++i) {
    pop.generate(17, 0, static_cast<std::uint64_t>(i), v);
    REQUIRE(v.csv_row < 4);
    ++count[v.csv_row];
    for (int c = 0; c < 5; ++c) REQUIRE(v.covariates[static_cast<std::size_t>(c)] == rows[v.csv_row][c]);
    const auto& r = rows[v.csv_row];
    REQUIRE(v.covariates[6] == Approx((140 - r[2]) * r[0] / (72 * r[4]) * (r[3] == 1 ? 0.85 : 1.0)));
    REQUIRE(v.covariate_factors[0] == Approx(std::pow(r[0] / 70.0, 0.75)));
  }
  // Each row with probability 1/4: binomial SE sqrt(n p (1 - p)) = 27.4; 5 SE.
  for (std::size_t row = 0; row < 4; ++row) CHECK(std::abs(count[row] - n / 4) < 5 * std::sqrt(n * 0.25 * 0.75));
}

TEST_CASE("CSV jitter is log-normal on continuous columns only", "[unit]") {
  test::TempDir dir("vp-csv-jitter");
  test::write_file(dir.file("base.csv"), kCsv);
  const auto p = parse("population:\n  csv: {file: base.csv, jitter_cv: 0.1, categorical: [SEX]}\n",
                       dir.path().string());
  INFO(joined(p.diagnostics));
  REQUIRE(p.spec.has_value());
  const vp::Population pop(*p.spec);
  const double wt[4] = {70, 55.5, 92, 48};
  const double sex[4] = {0, 1, 0, 1};
  const int n = 4000;
  double sum = 0, sumsq = 0;
  vp::VirtualPatient v;
  for (int i = 0; i < n; ++i) {
    pop.generate(17, 0, static_cast<std::uint64_t>(i), v);
    REQUIRE(v.covariates[3] == sex[v.csv_row]);
    const double l = std::log(v.covariates[0] / wt[v.csv_row]);
    sum += l;
    sumsq += l * l;
  }
  // ln(jittered / row) ~ N(0, ln(1 + 0.1^2)): mean within 5 SE, variance within 5 SE.
  const double s2 = std::log1p(0.01), mean = sum / n, var = sumsq / n - mean * mean;
  CHECK(std::abs(mean) < 5 * std::sqrt(s2 / n));
  CHECK(std::abs(var - s2) < 5 * s2 * std::sqrt(2.0 / n));
}

TEST_CASE("CSV problems are reported in the CSV file and at the scenario key", "[unit]") {
  test::TempDir dir("vp-csv-bad");
  test::write_file(dir.file("bad.csv"), "WT,HT,SEX\n70,175,0\n60,abc,1\n55,,0\n50,150\n80,180,0.5\n");
  const std::string path = (dir.path() / "bad.csv").string();
  auto p = parse("population:\n  csv: {file: bad.csv}\n", dir.path().string());
  CHECK_FALSE(p.spec.has_value());
  INFO(joined(p.diagnostics));
  CHECK(p.diagnostics.size() == 3);
  CHECK(p.diagnostics[0] == path + ":3:4: error: population.csv.file: column HT: expected a finite number, got 'abc'");
  CHECK(p.diagnostics[1] ==
        path + ":4:4: error: population.csv.file: column HT: expected a finite number, got '' (missing values are not allowed)");
  CHECK(p.diagnostics[2] == path + ":5:1: error: population.csv.file: row has 2 fields; the header has 3");

  test::write_file(dir.file("codes.csv"), "WT,SEX\n70,0\n80,0.5\n");
  p = parse("population:\n  csv: {file: codes.csv, categorical: [SEX, Wt]}\n", dir.path().string());
  INFO(joined(p.diagnostics));
  CHECK(p.diagnostics ==
        std::vector<std::string>{
            "csv.yaml:2:40: error: population.csv.categorical[0]: categorical column SEX holds 0.5 in data row 2; "
            "categorical columns hold level codes 0, 1, 2, ...",
            "csv.yaml:2:45: error: population.csv.categorical[1]: the CSV file has no column 'Wt' (did you mean 'WT'?)"});

  p = parse("population:\n  csv: {file: missing.csv}\n", dir.path().string());
  REQUIRE(p.diagnostics.size() == 1);
  CHECK(p.diagnostics[0] == "csv.yaml:2:15: error: population.csv.file: covariate file '" +
                                (dir.path() / "missing.csv").string() + "' does not exist");
}

TEST_CASE("the shipped example CSV drives a population", "[unit]") {
  const std::string configs = test::source_dir() + "/configs";
  const auto p = parse(R"(population:
  csv: {file: baseline_covariates.csv, jitter_cv: 0.05, categorical: [SEX]}
  derived:
    - {name: BSA, formula: mosteller}
    - {name: CRCL, formula: cockcroft_gault, female: '1'}
)", configs);
  INFO(joined(p.diagnostics));
  REQUIRE(p.spec.has_value());
  const auto& table = p.spec->csv->table;
  CHECK(table.names() == std::vector<std::string>{"WT", "HT", "AGE", "SEX", "SCR"});
  CHECK(table.n_rows() == 200);
  for (std::size_t r = 0; r < table.n_rows(); ++r) {
    INFO("data row " << r + 1);
    CHECK(table.at(r, 0) >= 40.0);
    CHECK(table.at(r, 0) <= 150.0);
    CHECK(table.at(r, 1) >= 140.0);
    CHECK(table.at(r, 1) <= 205.0);
    CHECK(table.at(r, 2) >= 18.0);
    CHECK(table.at(r, 2) <= 85.0);
    CHECK((table.at(r, 3) == 0.0 || table.at(r, 3) == 1.0));
    CHECK(table.at(r, 4) >= 0.3);
    CHECK(table.at(r, 4) <= 3.0);
  }
  const vp::Population pop(*p.spec);
  vp::VirtualPatient v;
  pop.generate(1, 0, 0, v);
  CHECK(v.covariates.size() == 7);
  CHECK(v.covariates[6] > 0.0);
}

TEST_CASE("a covariate CSV is read as RFC 4180: byte-order mark, quoted commas, CRLF", "[unit]") {
  test::TempDir dir("vp-csv-rfc");
  // A byte-order mark alone: not part of the first column's name.
  test::write_file(dir.file("bom.csv"), "\xEF\xBB\xBFWT,SEX\n70,0\n");
  auto bom = parse("population:\n  csv: {file: bom.csv, categorical: [SEX]}\n", dir.path().string());
  INFO(joined(bom.diagnostics));
  REQUIRE(bom.spec.has_value());
  CHECK(bom.spec->csv->table.names() == std::vector<std::string>{"WT", "SEX"});

  // As spreadsheets save it: a UTF-8 byte-order mark, CRLF, a quoted name with a comma.
  test::write_file(dir.file("sheet.csv"), "\xEF\xBB\xBFWT,\"SCR, mg/dL\",SEX\r\n70,\"1.0\",0\r\n55,0.8,1\r\n");
  auto p = parse("population:\n  csv: {file: sheet.csv, categorical: [SEX]}\n", dir.path().string());
  INFO(joined(p.diagnostics));
  REQUIRE(p.spec.has_value());
  const auto& table = p.spec->csv->table;
  CHECK(table.names() == std::vector<std::string>{"WT", "SCR, mg/dL", "SEX"});
  REQUIRE(table.n_rows() == 2);
  CHECK(table.at(0, 1) == 1.0);
  CHECK(table.at(1, 0) == 55.0);

  // A decimal comma in a quoted cell is one cell that is not a number, not two cells.
  test::write_file(dir.file("comma.csv"), "WT,SCR\n70,\"1,0\"\n");
  const std::string comma = (dir.path() / "comma.csv").string();
  p = parse("population:\n  csv: {file: comma.csv}\n", dir.path().string());
  CHECK(p.diagnostics ==
        std::vector<std::string>{comma + ":2:4: error: population.csv.file: column SCR: expected a finite number, got '1,0'"});

  test::write_file(dir.file("quote.csv"), "WT,SCR\n70,1\n80,\"1.2\n");
  const std::string quote = (dir.path() / "quote.csv").string();
  p = parse("population:\n  csv: {file: quote.csv}\n", dir.path().string());
  CHECK(p.diagnostics == std::vector<std::string>{quote + ":3:4: error: population.csv.file: the quoted field that "
                                                          "starts here has no closing quote"});
}

TEST_CASE("a covariate path that is a directory is refused as such", "[unit]") {
  test::TempDir dir("vp-csv-dir");
  std::filesystem::create_directories(dir.path() / "data");
  const auto p = parse("population:\n  csv: {file: data}\n", dir.path().string());
  CHECK(p.diagnostics == std::vector<std::string>{"csv.yaml:2:15: error: population.csv.file: covariate file '" +
                                                  (dir.path() / "data").string() + "' is a directory, not a regular file"});
}
