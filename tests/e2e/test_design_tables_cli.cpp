// [e2e] `twinsim boundaries`, `twinsim pathways` and `twinsim run --exact` (docs/boundaries.md).
#include <catch2/catch.hpp>

#include <filesystem>

#include "python_check.hpp"
#include "test_support.hpp"

using namespace twinsim;

namespace {

const std::string kConfig = test::source_dir() + "/configs/design_only_3p3_boin_crm.yaml";

}  // namespace

TEST_CASE("boundaries prints every design's table in the JSON contract", "[e2e][boundaries]") {
  const test::TempDir dir("boundaries");
  const auto r = test::run_cli("boundaries " + test::quote(kConfig) + " --format json");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(test::python_check(dir, r.output, R"(d = {x["name"]: x for x in json.load(sys.stdin)["designs"]}
b = d["boin"]
assert b["type"] == "boin" and b["n"] == list(range(1, 31)), b["n"]
assert b["eliminate_if_dlt_at_least"][:3] == [None, None, 3]
assert b["escalate_if_dlt_at_most"][:6] == [0, 0, 0, 0, 1, 1]
assert b["deescalate_if_dlt_at_least"][:6] == [1, 1, 2, 2, 2, 3]
assert abs(b["lambda_e"] - 0.236490685236468) < 1e-12 and abs(b["lambda_d"] - 0.35851946464093) < 1e-12
assert d["3+3"]["n"] == [3, 6] and d["3+3"]["decisions"][0] == ["E", "S", "DE", "DE"]
assert d["crm"]["table"] is None and d["crm"]["reason"])") == 0);
  for (const char* format : {"table", "csv", "markdown"}) {
    const auto t = test::run_cli("boundaries " + test::quote(kConfig) + " --design boin --format " + format);
    INFO(format << "\n" << t.output);
    CHECK(t.exit_code == 0);
    CHECK(t.output.find("crm") == std::string::npos);
  }
  const auto bad = test::run_cli("boundaries " + test::quote(kConfig) + " --design nope");
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("no design 'nope'") != std::string::npos);
}

TEST_CASE("pathways prints the tree of the next cohorts and refuses large trees", "[e2e][pathways]") {
  const test::TempDir dir("pathways");
  const auto r = test::run_cli("pathways " + test::quote(kConfig) + " --cohorts 2 --design 3+3 --format json");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  // 3+3 from dose 1: 0/3 escalates and 1/3 stays (4 outcomes each follow);
  // 2/3 and 3/3 stop with no MTD: 1 + 4 + 2 x 4 = 13 nodes.
  CHECK(test::python_check(dir, r.output, R"(n = json.load(sys.stdin)["designs"][0]["nodes"]
assert len(n) == 13, len(n)
assert n[0]["parent"] is None and n[0]["next_dose_index"] == 0
assert [x["path"] for x in n if x["depth"] == 1] == ["1NNN", "1NNT", "1NTT", "1TTT"]
assert [x["stop"] for x in n if x["depth"] == 1] == [False, False, True, True]
assert n[1]["next_dose_index"] == 1)") == 0);
  for (const char* format : {"table", "csv", "markdown"})
    CHECK(test::run_cli("pathways " + test::quote(kConfig) + " --cohorts 2 --format " + format).exit_code == 0);
  const auto big = test::run_cli("pathways " + test::quote(kConfig) + " --cohorts 12");
  CHECK(big.exit_code == 2);
  CHECK(big.output.find("200000 nodes") != std::string::npos);
  CHECK(test::run_cli("pathways " + test::quote(kConfig) + " --cohorts 0").exit_code == 2);
}

TEST_CASE("run --exact writes OCs with SE 0 that report reads back", "[e2e][exact]") {
  const test::TempDir dir("exact");
  const std::string out = dir.file("exact.h5");
  const auto r = test::run_cli("run " + test::quote(kConfig) + " --exact --quiet -o " + test::quote(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const auto rep = test::run_cli("report " + test::quote(out) + " --format json");
  INFO(rep.output);
  REQUIRE(rep.exit_code == 0);
  CHECK(rep.output.find("twinsim: warning") == std::string::npos);
  CHECK(test::python_check(dir, rep.output, R"(r = json.load(sys.stdin)
def walk(x):
    if isinstance(x, dict):
        if set(x) == {"value", "se"} and x["value"] is not None:
            assert x["se"] == 0, x
        for v in x.values(): walk(v)
    elif isinstance(x, list):
        for v in x: walk(v)
walk(r)
s = json.dumps(r)
assert '"se": 0' in s)") == 0);
  // A PK/PD scenario with a fixed arm has no trials to enumerate: refused before anything is written.
  const std::string pk = dir.file("pk.h5");
  const auto refused = test::run_cli("run " + test::quote(test::source_dir() + "/configs/oral_pk_fixed_arms.yaml") +
                                     " --exact --quiet -o " + test::quote(pk));
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find("--exact") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(pk));
}

TEST_CASE("run --exact on a PK/PD scenario: report reads back the curve's SEs the run stored", "[e2e][exact]") {
  const test::TempDir dir("exact-pkpd");
  const std::string yaml = dir.file("s.yaml"), out = dir.file("out.h5");
  test::write_file(yaml,
                   "name: exact-pkpd\nseed: 4\nreplicates: 10\ndose_levels: [100, 200, 300]\n"
                   "model:\n  pk: {compartments: 1, absorption: first_order, parameters: {CL: 10, V: 50, KA: 1.0}}\n"
                   "  pd:\n    - {type: friberg, parameters: {CIRC0: 5.0, MTT: 125, GAMMA: 0.17, SLOPE: 0.3}}\n"
                   "population:\n  iiv: {parameters: [CL, ANC.SLOPE], cv: [0.3, 0.3]}\n"
                   "regimen: {route: oral, interval_h: 24, doses_per_cycle: 21, cycle_length_h: 504, cycles: 1}\n"
                   "endpoints:\n  dlt:\n    window_h: 504\n"
                   "    criteria:\n      - {variable: ANC, grade_at_least: 4, min_duration_h: 72}\n"
                   "    truth_cohort_size: 200\n"
                   "designs:\n  - {name: boin, type: boin, target: 0.3, cohort_size: 3, max_patients: 12}\n");
  const auto run = test::run_cli("run " + test::quote(yaml) + " --exact -o " + test::quote(out));
  REQUIRE(run.exit_code == 0);
  CHECK(run.output.find("± SE from the estimated true DLT curve") != std::string::npos);
  CHECK(run.output.find("exposure (mean over patients)") == std::string::npos);  // no patient was simulated
  CHECK(run.output.find("exposure per patient") == std::string::npos);
  const auto rep = test::run_cli("report " + test::quote(out) + " --format json");
  REQUIRE(rep.exit_code == 0);
  CHECK(test::python_check(dir, rep.output, R"(import h5py
r = json.load(sys.stdin)
d = r["designs"][0]
f = h5py.File(")" + out + R"(", "r")
stored = f["designs/boin/oc/pcs_se"][()]
assert stored > 0, stored
assert abs(d["pcs"]["se"] - stored) < 1e-12, (d["pcs"], stored))") == 0);
}
