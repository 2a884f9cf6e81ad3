// [e2e] `twinsim simulate SCENARIO --data DATA.csv -o OUT.h5` (issue 15 item 5,
// docs/hdf5-schema.md "Simulate file"): the file read back with core's HDF5
// reader holds the rows `--format csv` of the same command prints, every value
// bit for bit, with the CSV line of each record, the parameters each
// individual was simulated with and the doses given.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "test_support.hpp"
#include "twinsim/core/h5.hpp"

using namespace twinsim;

namespace {

const std::string kConfig = test::source_dir() + "/configs/digital_twin_fit.yaml";
const std::string kData = test::source_dir() + "/configs/data/digital_twin_patients.csv";

std::string text_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<double>> columns;
};

Csv parse_csv(const std::string& text) {
  Csv c;
  std::istringstream in(text);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ls(line);
    std::string field;
    while (std::getline(ls, field, ',')) f.push_back(field);
    if (first) {
      c.header = f;
      c.columns.resize(f.size());
      first = false;
      continue;
    }
    REQUIRE(f.size() == c.header.size());
    for (std::size_t k = 0; k < f.size(); ++k) {
      char* end = nullptr;
      c.columns[k].push_back(std::strtod(f[k].c_str(), &end));
      REQUIRE(*end == '\0');
    }
  }
  return c;
}

bool same_bits(double a, double b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  std::uint64_t x, y;
  std::memcpy(&x, &a, 8);
  std::memcpy(&y, &b, 8);
  return x == y;
}

// Every column of the csv output against /simulate/observations.
void check_observations(const core::H5Reader& h5, const Csv& csv) {
  REQUIRE(csv.header.size() >= 3);
  REQUIRE(csv.header[0] == "ID");
  REQUIRE(csv.header[1] == "TIME");
  std::vector<std::string> outputs(csv.header.begin() + 2, csv.header.end());
  CHECK(h5.read_strings("/simulate/outputs") == outputs);
  std::size_t compared = 0;
  for (std::size_t k = 0; k < csv.header.size(); ++k) {
    INFO(csv.header[k]);
    const auto v = h5.read_doubles("/simulate/observations/" + csv.header[k]);
    REQUIRE(v.size() == csv.columns[k].size());
    for (std::size_t j = 0; j < v.size(); ++j, ++compared) {
      INFO("row " << j);
      CHECK(same_bits(v[j], csv.columns[k][j]));
    }
  }
  CHECK(compared == csv.header.size() * csv.columns[0].size());
}

}  // namespace

TEST_CASE("simulate -o: the file holds the csv output bit for bit, with records, parameters and doses",
          "[e2e][simulate]") {
  test::TempDir dir("simulate-file");
  for (const std::string iiv : {"", " --iiv"}) {
    INFO("iiv: " << iiv);
    const std::string out = dir.file("sim" + std::to_string(iiv.size()) + ".h5");
    const std::string cmd = "simulate " + test::quote(kConfig) + " --data " + test::quote(kData) + iiv;
    const auto w = test::run_cli(cmd + " -o " + test::quote(out));
    INFO(w.output);
    REQUIRE(w.exit_code == 0);
    CHECK(w.output == "simulated 6 individuals, 48 observation records; wrote " + out + "\n");
    const auto csv = test::run_cli(cmd + " --format csv");
    REQUIRE(csv.exit_code == 0);
    // -o with --format prints the same rows as without -o.
    const auto both = test::run_cli(cmd + " --format csv -o " + test::quote(out) + " --force");
    REQUIRE(both.exit_code == 0);
    CHECK(both.output == csv.output);

    core::H5Reader h5(out);
    CHECK(h5.attribute_int("/", "schema_version") == 1);
    CHECK(h5.attribute_string("/", "mode") == "simulate");
    CHECK(h5.attribute_string("/", "scenario_name") == "digital-twin-fit");
    CHECK(h5.attribute_string("/", "scenario_file") == kConfig);
    CHECK(h5.attribute_string("/", "scenario_yaml") == text_of(kConfig));
    CHECK(h5.attribute_string("/", "data_file") == kData);
    CHECK(h5.attribute_int("/", "seed") == 20261204);
    CHECK(h5.attribute_int("/", "iiv") == (iiv.empty() ? 0 : 1));
    CHECK(h5.attribute_int("/", "complete") == 1);
    CHECK_FALSE(h5.attribute_string("/", "twinsim_version").empty());
    CHECK(h5.read_strings("/simulate/data_csv") == std::vector<std::string>{text_of(kData)});
    const Csv table = parse_csv(csv.output);
    CHECK(table.header == std::vector<std::string>{"ID", "TIME", "Cc", "ANC", "TUMOR"});
    check_observations(h5, table);
    CHECK(h5.read_ints("/simulate/observations/solve_status") == std::vector<std::int64_t>(48, 0));
    // record: the CSV line of each observation (line 1 is the header; each ID
    // has one dose record followed by its 8 observations).
    const auto record = h5.read_ints("/simulate/observations/record");
    REQUIRE(record.size() == 48);
    for (std::size_t j = 0; j < 48; ++j) CHECK(record[j] == static_cast<std::int64_t>(3 + (j / 8) * 9 + j % 8));

    const auto names = h5.read_strings("/simulate/parameter_names");
    CHECK(names.front() == "CL");
    CHECK(h5.read_doubles("/simulate/individuals/ID") == std::vector<double>{1, 2, 3, 4, 5, 6});
    CHECK(h5.read_ints("/simulate/individuals/solve_status") == std::vector<std::int64_t>(6, 0));
    const auto cl = h5.read_doubles("/simulate/individuals/CL");
    const auto v2 = h5.read_doubles("/simulate/individuals/V2");
    REQUIRE(cl.size() == 6);
    for (std::size_t i = 0; i < 6; ++i) {
      CHECK(v2[i] == 100);  // no random effect on V2
      if (iiv.empty()) CHECK(cl[i] == 10);
    }
    if (!iiv.empty()) CHECK(cl[0] != cl[1]);  // drawn from the population
    for (const auto& n : names) CHECK(h5.dims("/simulate/individuals/" + n) == std::vector<std::uint64_t>{6});

    // 100 mg once daily for 21 days (ADDL 20) into CMT 1, per ID.
    const auto t = h5.read_doubles("/simulate/doses/TIME");
    REQUIRE(t.size() == 6 * 21);
    const auto amt = h5.read_doubles("/simulate/doses/AMT"), id = h5.read_doubles("/simulate/doses/ID");
    const auto cmt = h5.read_ints("/simulate/doses/CMT"), add = h5.read_ints("/simulate/doses/additional");
    const auto line = h5.read_ints("/simulate/doses/record");
    for (std::size_t j = 0; j < t.size(); ++j) {
      CHECK(t[j] == 24.0 * static_cast<double>(j % 21));
      CHECK(id[j] == static_cast<double>(j / 21 + 1));
      CHECK(amt[j] == 100);
      CHECK(cmt[j] == 1);
      CHECK(add[j] == (j % 21 == 0 ? 0 : 1));
      CHECK(line[j] == static_cast<std::int64_t>(2 + (j / 21) * 9));
    }
    CHECK(h5.read_doubles("/simulate/doses/RATE") == std::vector<double>(t.size(), 0.0));
  }
  // report and compare read run results only, and say what this file is.
  const auto rep = test::run_cli("report " + test::quote(dir.file("sim0.h5")));
  CHECK(rep.exit_code == 1);
  CHECK(rep.output == "twinsim: error: '" + dir.file("sim0.h5") +
                          "': a simulate file (twinsim simulate -o), not the result of twinsim run (its layout: "
                          "docs/hdf5-schema.md)\n");
}

TEST_CASE("simulate -o: a parameter column and an infusion by rate are in the file as given", "[e2e][simulate]") {
  test::TempDir dir("simulate-file-cols");
  const std::string yaml = dir.file("m.yaml"), csv = dir.file("d.csv"), out = dir.file("o.h5");
  test::write_file(yaml, "name: cols\ndose_levels: [100]\nmodel:\n"
                         "  pk: {compartments: 1, absorption: first_order, parameters: {CL: 10, V: 50, KA: 1}}\n"
                         "regimen: {route: oral, interval_h: 24, doses_per_cycle: 1, cycle_length_h: 24}\n"
                         "designs:\n  - {name: arm, type: fixed, dose: 100, patients: 1}\n");
  test::write_file(csv, "ID,TIME,AMT,RATE,CMT,EVID,CL\n# comment lines count as lines\n"
                        "7,0,100,0,1,1,8\n7,2,.,.,2,0,8\n3,0,300,150,2,1,12.5\n3,1,.,.,2,0,12.5\n3,30,.,.,2,0,12.5\n");
  const std::string cmd = "simulate " + test::quote(yaml) + " --data " + test::quote(csv);
  const auto w = test::run_cli(cmd + " -o " + test::quote(out) + " --format csv");
  INFO(w.output);
  REQUIRE(w.exit_code == 0);
  core::H5Reader h5(out);
  check_observations(h5, parse_csv(w.output));
  CHECK(h5.read_ints("/simulate/observations/record") == std::vector<std::int64_t>{4, 6, 7});
  CHECK(h5.read_doubles("/simulate/individuals/ID") == std::vector<double>{7, 3});
  CHECK(h5.read_doubles("/simulate/individuals/CL") == std::vector<double>{8, 12.5});
  CHECK(h5.read_doubles("/simulate/individuals/V") == std::vector<double>{50, 50});
  CHECK(h5.read_doubles("/simulate/doses/RATE") == std::vector<double>{0, 150});
  CHECK(h5.read_doubles("/simulate/doses/AMT") == std::vector<double>{100, 300});
  CHECK(h5.read_ints("/simulate/doses/CMT") == std::vector<std::int64_t>{1, 2});
  CHECK(h5.read_ints("/simulate/doses/record") == std::vector<std::int64_t>{3, 5});
}
