// [e2e] Exposure per arm in `report` and `compare` (issue 15 item 1), on the
// QD vs BID example: the means equal Σ/N over the file's patients/ columns,
// and with linear PK a doubled dose on the same virtual patients doubles
// every concentration, so the geometric mean ratio of qd-400 over qd-200 is
// 2 (superposition, exact) with a paired SE of 0.
#include <catch2/catch.hpp>

#include <cmath>

#include "python_check.hpp"
#include "test_support.hpp"
#include "twinsim/core/h5.hpp"

using namespace twinsim;

TEST_CASE("report and compare show exposure per arm; GMR of a doubled dose is 2 under linear PK", "[e2e][exposure]") {
  const test::TempDir dir("arm-exposure");
  const std::string out = dir.file("qd.h5");
  const auto run = test::run_cli("run " + test::quote(test::source_dir() + "/configs/dose_optimisation_qd_bid.yaml") +
                                 " -o " + test::quote(out));
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK(run.output.find("exposure per patient") != std::string::npos);

  // The mean Cmax of each arm, straight from the file.
  const core::H5Reader h5(out);
  std::string expected = "m = {}\n";
  for (const char* arm : {"qd-200", "bid-200", "qd-400", "bid-400"}) {
    const auto c = h5.read_doubles(std::string("/designs/") + arm + "/patients/cmax");
    double s = 0;
    for (double v : c) s += v;
    expected += "m['" + std::string(arm) + "'] = " + std::to_string(s / static_cast<double>(c.size())) + "\n";
  }

  const auto rep = test::run_cli("report " + test::quote(out) + " --format json");
  REQUIRE(rep.exit_code == 0);
  CHECK(test::python_check(dir, rep.output, expected + R"(r = json.load(sys.stdin)
for d in r["designs"]:
    e = {x["metric"]: x for x in d["exposure"]}
    assert set(e) == {"cmax", "auc_first", "ctrough", "auc_total", "anc_nadir"}, e.keys()
    c = e["cmax"]
    assert c["dose_index"] is not None and c["patients"] == 240, c
    assert abs(c["mean"]["value"] - m[d["name"]]) < 1e-5 * m[d["name"]], (c, m)
    assert 0 < c["mean"]["se"] < 0.1 * c["mean"]["value"]
    assert c["geometric_mean"]["value"] < c["mean"]["value"])") == 0);

  const auto cmp = test::run_cli("compare " + test::quote(out) + " --format json");
  REQUIRE(cmp.exit_code == 0);
  CHECK(test::python_check(dir, cmp.output, R"(r = json.load(sys.stdin)
d = {x["design"]: {e["metric"]: e for e in x["exposure"]} for x in r["differences"]}
g = d["qd-400"]["auc_first"]["geometric_mean_ratio"]
assert abs(g["value"] - 2) < 1e-9 and g["se"] < 1e-9, g
g = d["qd-400"]["cmax"]["geometric_mean_ratio"]
assert abs(g["value"] - 2) < 1e-9, g
b = d["bid-200"]
assert b["cmax"]["geometric_mean_ratio"]["value"] < 0.7      # BID halves the peaks
assert b["ctrough"]["geometric_mean_ratio"]["value"] > 1.2   # and raises the trough
assert abs(b["auc_total"]["geometric_mean_ratio"]["value"] - 1) < 0.01  # at the same daily dose
assert b["cmax"]["mean_difference"]["se"] > 0)") == 0);

  const auto csv = test::run_cli("compare " + test::quote(out) + " --format csv");
  REQUIRE(csv.exit_code == 0);
  CHECK(test::python_check(dir, csv.output, R"(rows = list(csv.DictReader(sys.stdin))
g = [x for x in rows if x["design"] == "qd-400" and x["metric"] == "cmax_gmr"]
assert len(g) == 1 and abs(float(g[0]["value"]) - 2) < 1e-9 and g[0]["pairing"] == "paired", g
m = [x for x in rows if x["design"] == "qd-200" and x["metric"] == "cmax_mean"]
assert len(m) == 1 and m[0]["pairing"] == "reference", m)") == 0);

  const auto md = test::run_cli("report " + test::quote(out) + " --format markdown");
  CHECK(md.output.find("| exposure per patient |") != std::string::npos);
}
