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

// Simon (1989), Table 1 (p0 0.1, p1 0.3, alpha 0.05, beta 0.2): optimal 1/10,
// 5/29 with EN 15.0 and PET 0.74; minimax 1/15, 5/25 with EN 19.5, PET 0.55.
// EN and PET are recomputed here from the binomial (math.comb), BOP2's
// boundaries from its posterior rule and BOIN12's admissibility boundaries
// from the beta posteriors (integer parameters: binomial sums).
TEST_CASE("boundaries prints Simon's r1/n1/r/n with EN and PET, BOP2's and BOIN12's rules", "[e2e][boundaries]") {
  const test::TempDir dir("boundaries-phase2");
  const auto r = test::run_cli("boundaries " + test::quote(test::source_dir() + "/configs/design_only_phase2_expansion.yaml") +
                               " --format json");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(test::python_check(dir, r.output, R"(from math import comb
d = {x["name"]: x for x in json.load(sys.stdin)["designs"]}
def cdf(k, n, p): return sum(comb(n, i) * p**i * (1 - p)**(n - i) for i in range(k + 1))
for name, want, en, pet in [("simon-optimal", (1, 10, 5, 29), 15.0, 0.74), ("simon-minimax", (1, 15, 5, 25), 19.5, 0.55)]:
    s = d[name]
    assert (s["r1"], s["n1"], s["r"], s["n"]) == want, s
    p = cdf(s["r1"], s["n1"], 0.1)
    assert abs(s["pet_p0"] - p) < 1e-10 and abs(s["en_p0"] - (s["n1"] + (1 - p) * (s["n"] - s["n1"]))) < 1e-10, s
    assert round(s["en_p0"], 1) == en and round(s["pet_p0"], 2) == pet, s
    assert s["stage_n"] == [s["n1"], s["n"]] and s["stop_if_responses_at_most"] == [s["r1"], s["r"]]
b = d["bop2"]
assert b["analysis_n"] == [10, 20, 29], b
# Pr(p <= 0.1 | x of n) under beta(0.1, 0.9) > lambda (n / N)^gamma: the largest such x.
from math import lgamma, exp, log
# I_x(a, b) = x^a / B(a, b) sum_k (1 - b)_k / k! x^k / (a + k) (converges fast at x = 0.1).
def beta_cdf(x, a, b):
    s, term = 0.0, 1.0
    for k in range(400):
        s += term * x**k / (a + k)
        term *= (k + 1 - b) / (k + 1)
    return exp(a * log(x) - (lgamma(a) + lgamma(b) - lgamma(a + b))) * s
for n, stop in zip(b["analysis_n"], b["stop_if_responses_at_most"]):
    c = b["lambda"] * (n / 29) ** b["gamma"]
    stops = [x for x in range(n + 1) if beta_cdf(0.1, 0.1 + x, 0.9 + n - x) > c]
    assert stop == (max(stops) if stops else None), (n, stop, stops))") == 0);
  const auto t = test::run_cli("boundaries " + test::quote(test::source_dir() + "/configs/design_only_boin12_obd.yaml") +
                               " --design boin12 --format json");
  INFO(t.output);
  REQUIRE(t.exit_code == 0);
  CHECK(test::python_check(dir, t.output, R"(from math import comb
b = json.load(sys.stdin)["designs"][0]
assert b["type"] == "boin12" and b["n"] == [3, 6, 9, 12], b
# I_x(a, b) for integer a, b: P(Binomial(a + b - 1, x) >= a).
def ibeta(x, a, b): m = a + b - 1; return sum(comb(m, j) * x**j * (1 - x)**(m - j) for j in range(a, m + 1))
for i, n in enumerate(b["n"]):
    de = min(y for y in range(n + 1) if y / n >= b["lambda_d"])
    assert b["deescalate_if_dlt_at_least"][i] == de
    stay = [y for y in range(n + 1) if b["lambda_e"] < y / n < b["lambda_d"]]
    assert b["stay_or_deescalate_if_dlt_at_least"][i] == (min(stay) if n >= 6 and stay else None)
    tox = [y for y in range(n + 1) if 1 - ibeta(0.35, 1 + y, 1 + n - y) >= 0.95]
    assert b["inadmissible_if_dlt_at_least"][i] == (min(tox) if tox else None), (n, tox)
    eff = [x for x in range(n + 1) if ibeta(0.25, 1 + x, 1 + n - x) >= 0.90]
    assert b["inadmissible_if_responses_at_most"][i] == (max(eff) if eff else None), (n, eff))") == 0);
  for (const char* format : {"table", "markdown"}) {
    const auto f = test::run_cli("boundaries " + test::quote(test::source_dir() + "/configs/design_only_phase2_expansion.yaml") +
                                 " --format " + format);
    CHECK(f.exit_code == 0);
    CHECK(f.output.find("r1 = 1, n1 = 10, r = 5, n = 29") != std::string::npos);
  }
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
