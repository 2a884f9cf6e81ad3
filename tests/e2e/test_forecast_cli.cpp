// [e2e] The digital-twin example end to end: `twinsim fit -o` on
// configs/digital_twin_fit.yaml and its data set, the fit file's layout
// (docs/hdf5-schema.md, "Fit file"), then `twinsim forecast` at the three
// cycle-2 doses of configs/forecast/digital_twin_cycle2.yaml, its json
// contract (docs/fit.md) and its reproducibility.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "python_check.hpp"
#include "test_support.hpp"
#include "twinsim/core/h5.hpp"
#include "twinsim/core/value_text.hpp"

using namespace twinsim;

namespace {

const std::string kConfig = test::source_dir() + "/configs/digital_twin_fit.yaml";
const std::string kData = test::source_dir() + "/configs/data/digital_twin_patients.csv";
const std::string kCycle2 = test::source_dir() + "/configs/forecast/digital_twin_cycle2.yaml";

std::string text_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("fit -o writes the fits with the scenario and data, and forecast reads them", "[e2e][fit]") {
  test::TempDir dir("forecast-e2e");
  const std::string fit = dir.file("fit.h5");
  const auto w = test::run_cli("fit " + test::quote(kConfig) + " --data " + test::quote(kData) + " -o " + test::quote(fit));
  INFO(w.output);
  REQUIRE(w.exit_code == 0);
  CHECK(w.output.find("fitted 6 individuals; wrote " + fit) != std::string::npos);

  core::H5Reader h5(fit);
  CHECK(h5.attribute_int("/", "schema_version") == 1);
  CHECK(h5.attribute_string("/", "mode") == "fit");
  CHECK(h5.attribute_string("/", "scenario_yaml") == text_of(kConfig));
  CHECK(h5.attribute_string("/", "data_file") == kData);
  CHECK(h5.read_strings("/fit/data_csv") == std::vector<std::string>{text_of(kData)});
  CHECK(h5.read_doubles("/fit/id") == std::vector<double>{1, 2, 3, 4, 5, 6});
  CHECK(h5.dims("/fit/eta") == std::vector<std::uint64_t>{6, 5});
  CHECK(h5.dims("/fit/covariance") == std::vector<std::uint64_t>{6, 5, 5});
  CHECK(h5.read_ints("/fit/converged") == std::vector<std::int64_t>(6, 1));
  CHECK(h5.read_ints("/fit/observations") == std::vector<std::int64_t>(6, 8));
  // SE is the square root of the covariance's diagonal.
  const auto se = h5.read_doubles("/fit/se"), cov = h5.read_doubles("/fit/covariance");
  for (std::size_t i = 0; i < 6; ++i)
    for (std::size_t k = 0; k < 5; ++k) CHECK(se[i * 5 + k] * se[i * 5 + k] == Approx(cov[i * 25 + k * 6]));
  // The file holds what fit --format json prints.
  const auto json = test::run_cli("fit " + test::quote(kConfig) + " --data " + test::quote(kData) + " --format json");
  REQUIRE(json.exit_code == 0);
  const auto eta = h5.read_doubles("/fit/eta");
  std::string expected = "[";
  for (double v : eta) expected += core::format_number(v) + ",";
  CHECK(test::python_check(dir, json.output,
                           "fits = json.load(sys.stdin)\n"
                           "want = " + expected + "]\n"
                           "got = [v for f in fits for v in f['eta'].values()]\n"
                           "sys.exit(0 if got == want else 1)") == 0);

  const std::string forecast = "forecast " + test::quote(fit) + " --regimen " + test::quote(kCycle2) + " --draws 200";
  const auto f = test::run_cli(forecast + " --format json");
  INFO(f.output);
  REQUIRE(f.exit_code == 0);
  CHECK(test::python_check(dir, f.output, R"(
out = json.load(sys.stdin)
assert [p["id"] for p in out] == [1, 2, 3, 4, 5, 6], out
for p in out:
    assert p["start_h"] == 504 and p["end_h"] == 1008
    c = p["candidates"]
    assert [x["name"] for x in c] == ["100 mg", "200 mg", "300 mg"] and [x["dose"] for x in c] == [100, 200, 300]
    for x in c:
        assert x["draws"] == 200 and x["failed"] == 0
        assert 0 <= x["p_grade4"] <= x["p_grade3"] <= 1
        assert x["nadir"]["lo"] <= x["nadir"]["median"] <= x["nadir"]["hi"], x
        assert x["tumour"] is not None and x["ctrough"] > 0
    for a, b in zip(c, c[1:]):
        # a higher dose: more neutropenia, a lower nadir, more exposure, a smaller tumour
        assert b["p_grade4"] >= a["p_grade4"] and b["p_grade3"] >= a["p_grade3"], (a, b)
        assert b["nadir"]["median"] < a["nadir"]["median"], (a, b)
        assert b["cmax"] > a["cmax"] and b["auc"] > a["auc"] and b["ctrough"] > a["ctrough"], (a, b)
        assert b["tumour"] < a["tumour"], (a, b)
# the example spans the decision: most are safe at 100 mg and most grade 4 likely at 300 mg
assert sum(p["candidates"][0]["p_grade4"] < 0.05 for p in out) >= 4
assert sum(p["candidates"][2]["p_grade4"] > 0.5 for p in out) >= 4
)") == 0);
  // Reproducible: the same draws again; another seed other draws.
  CHECK(test::run_cli(forecast + " --format json").output == f.output);
  CHECK(test::run_cli(forecast + " --format json --seed 99").output != f.output);
  const auto csv = test::run_cli(forecast + " --format csv");
  REQUIRE(csv.exit_code == 0);
  CHECK(test::python_check(dir, csv.output, R"(
rows = list(csv.DictReader(sys.stdin))
assert len(rows) == 18 and rows[0]["candidate"] == "100 mg", rows[0]
)") == 0);
  const auto table = test::run_cli(forecast);
  CHECK(table.exit_code == 0);
  CHECK(table.output.find("P_grade4") != std::string::npos);
}
