// [unit] Sweeps: overrides on the YAML tree, YAML text that reads back,
// variant expansion (grid order, zip), stable ids, shard partition.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

#include "test_support.hpp"
#include "twinsim/core/config.hpp"
#include "twinsim/trial/sweep/sweep.hpp"
#include "twinsim/trial/sweep/sweep_run.hpp"

using namespace twinsim;
using core::ConfigNode;

namespace {

const char* kBase = R"(name: t
seed: 1
replicates: 10
dose_levels: [1, 2, 3]
toxicity:
  true_dlt_probabilities: [0.1, 0.3, 0.5]
designs:
  - name: boin
    type: boin
    target: 0.3
  - {name: crm, type: crm, target: 0.3, skeleton: [0.1, 0.3, 0.5]}
)";

std::string write_sweep(const test::TempDir& dir, const std::string& axes, const std::string& combine = "grid") {
  std::string text = "base:\n";
  std::string base = kBase;
  std::size_t start = 0;
  while (start < base.size()) {
    const std::size_t end = base.find('\n', start);
    text += "  " + base.substr(start, end - start) + "\n";
    start = end + 1;
  }
  text += "combine: " + combine + "\naxes:\n" + axes;
  const std::string path = dir.file("sweep.yaml");
  test::write_file(path, text);
  return path;
}

}  // namespace

TEST_CASE("with_override replaces by key or index or item name and keeps the new value's marks", "[unit]") {
  const ConfigNode base = ConfigNode::load_string(kBase, "base.yaml");
  const ConfigNode values = ConfigNode::load_string("a: 0.25\nb: [0.2, 0.4, 0.6]\n", "sweep.yaml");
  core::Diagnostics diag;
  ConfigNode doc = base.with_override("designs[crm].target", values.get("a"), {}, "k", diag);
  doc = doc.with_override("toxicity.true_dlt_probabilities", values.get("b"), {}, "k", diag);
  doc = doc.with_override("designs[0].cohort_size", values.get("a"), {"sweep.yaml", 9, 3}, "k", diag);
  REQUIRE(diag.empty());
  CHECK(doc.get("designs").at(1).get("target").scalar() == "0.25");
  CHECK(doc.get("designs").at(1).get("target").mark().file == "sweep.yaml");
  CHECK(doc.get("designs").at(1).get("target").mark().line == 1);
  CHECK(doc.get("toxicity").get("true_dlt_probabilities").at(2).scalar() == "0.6");
  // A new last key is added (the scenario loader judges it), marked at the axis.
  CHECK(doc.get("designs").at(0).get("cohort_size").key_mark().line == 9);
  // The base document is unchanged.
  CHECK(base.get("designs").at(1).get("target").scalar() == "0.3");
}

TEST_CASE("with_override reports unknown keys, names and indices with a hint", "[unit]") {
  const ConfigNode base = ConfigNode::load_string(kBase, "base.yaml");
  const ConfigNode v = ConfigNode::load_string("a: 1\n", "s.yaml").get("a");
  auto error_of = [&](const std::string& path) {
    core::Diagnostics diag;
    (void)base.with_override(path, v, {"s.yaml", 4, 3}, "axes." + path, diag);
    REQUIRE(diag.size() == 1);
    return diag.items()[0].format();
  };
  CHECK(error_of("toxcity.true_dlt_probabilities") ==
        "s.yaml:4:3: error: axes.toxcity.true_dlt_probabilities: the scenario has no key 'toxcity' (did you mean "
        "'toxicity'?)");
  CHECK(error_of("designs[bon].target") ==
        "s.yaml:4:3: error: axes.designs[bon].target: 'designs' has no item named 'bon' (did you mean 'boin'?) "
        "(names: boin, crm)");
  CHECK(error_of("designs[5].target") ==
        "s.yaml:4:3: error: axes.designs[5].target: 'designs' has 2 item(s): no index 5");
  CHECK(error_of("seed.x") == "s.yaml:4:3: error: axes.seed.x: 'seed' is the value '1', not a map: no key 'x'");
  CHECK(error_of("designs..x").find("bad key path") != std::string::npos);
}

TEST_CASE("to_yaml text reads back to the same tree", "[unit]") {
  const std::string text = R"(name: "quoted: yes"
n: 3
s: "100"
tricky: "a, b [c]"
empty_list: []
empty_map: {}
nothing: null
list: [1, 2.5, -3]
nested:
  - {name: a, values: [1, 2]}
  - - [1, 2]
    - [3, 4]
  - name: b
    deeper: {x: 1, y: "#not a comment"}
multi: "line one\nline two"
)";
  const ConfigNode a = ConfigNode::load_string(text, "a.yaml");
  const std::string out = a.to_yaml();
  const ConfigNode b = ConfigNode::load_string(out, "b.yaml");
  INFO(out);
  CHECK(b.to_yaml() == out);
  CHECK(b.get("name").scalar() == "quoted: yes");
  CHECK(b.get("s").is_quoted());
  CHECK_FALSE(b.get("n").is_quoted());
  CHECK(b.get("tricky").scalar() == "a, b [c]");
  CHECK(b.get("nothing").is_null());
  CHECK(b.get("empty_list").is_sequence());
  CHECK(b.get("empty_map").is_map());
  CHECK(b.get("nested").at(1).at(1).at(0).scalar() == "3");
  CHECK(b.get("nested").at(2).get("deeper").get("y").scalar() == "#not a comment");
  CHECK(b.get("multi").scalar() == "line one\nline two");
  CHECK(b.get("list").to_flow_yaml() == "[1, 2.5, -3]");
}

TEST_CASE("a grid expands with the last axis fastest and ids are stable and depend on the overrides", "[unit]") {
  test::TempDir dir("sweep-unit");
  const std::string axes = "  designs[boin].target: [0.25, 0.3]\n  seed: [1, 2, 3]\n";
  const trial::Sweep s = trial::load_sweep_file(write_sweep(dir, axes));
  REQUIRE(s.variants.size() == 6);
  CHECK(s.variants[1].values == std::vector<std::string>{"0.25", "2"});
  CHECK(s.variants[3].values == std::vector<std::string>{"0.3", "1"});
  std::set<std::string> ids;
  for (const auto& v : s.variants) {
    ids.insert(v.id);
    CHECK(v.id.rfind("v00" + std::to_string(v.index) + "-", 0) == 0);
    CHECK(v.id.size() == 13);
  }
  CHECK(ids.size() == 6);
  // Loading again gives the same ids and hashes.
  const trial::Sweep again = trial::load_sweep_file(write_sweep(dir, axes));
  CHECK(again.variants[4].id == s.variants[4].id);
  CHECK(again.hash == s.hash);
  // The same overrides in another sweep keep their hash part.
  const trial::Sweep other = trial::load_sweep_file(write_sweep(dir, "  designs[boin].target: [0.3]\n  seed: [1]\n"));
  CHECK(other.variants[0].id.substr(5) == s.variants[3].id.substr(5));
  // The variant's scenario is the base with its overrides.
  const trial::Scenario sc = trial::load_variant(s, s.variants[5]);
  CHECK(sc.seed == 3);
  CHECK(sc.designs[0].design->target() == Approx(0.3));
}

TEST_CASE("zip pairs values and unequal lengths are an error at the axis", "[unit]") {
  test::TempDir dir("sweep-unit");
  const trial::Sweep s =
      trial::load_sweep_file(write_sweep(dir, "  seed: [1, 2]\n  designs[crm].target: [0.2, 0.25]\n", "zip"));
  REQUIRE(s.variants.size() == 2);
  CHECK(s.variants[1].values == std::vector<std::string>{"2", "0.25"});
  try {
    trial::load_sweep_file(write_sweep(dir, "  seed: [1, 2]\n  designs[crm].target: [0.2]\n", "zip"));
    FAIL("accepted");
  } catch (const core::ScenarioError& e) {
    CHECK(e.diagnostics().at(0).format().find(":16:3: error: axes.designs[crm].target: combine: zip needs lists of "
                                               "equal length") != std::string::npos);
  }
}

TEST_CASE("shards partition the variants round robin", "[unit]") {
  std::vector<int> seen(10, 0);
  for (int i = 0; i < 3; ++i)
    for (std::size_t u : trial::shard_units(10, i, 3)) {
      CHECK(static_cast<int>(u % 3) == i);
      ++seen[u];
    }
  for (int c : seen) CHECK(c == 1);
  CHECK(trial::shard_units(2, 2, 3).empty());
}

TEST_CASE("a variant's hash covers the files its scenario reads, its id does not", "[unit]") {
  test::TempDir dir("sweep-csv");
  test::write_file(dir.file("cov.csv"), "WT\n70\n80\n");
  test::write_file(dir.file("base.yaml"), R"(name: t
seed: 1
replicates: 2
dose_levels: [100]
model:
  pk: {compartments: 1, absorption: none, elimination: linear, parameters: {CL: 10, V: 50}}
population:
  csv: {file: cov.csv}
regimen: {route: iv_bolus, interval_h: 24, doses_per_cycle: 1, cycle_length_h: 24, cycles: 1}
designs:
  - {name: arm, type: fixed, dose: 100, patients: 2}
)");
  test::write_file(dir.file("sweep.yaml"), "base: base.yaml\naxes:\n  seed: [1, 2]\n");
  const trial::Sweep before = trial::load_sweep_file(dir.file("sweep.yaml"));
  test::write_file(dir.file("cov.csv"), "WT\n70\n81\n");
  const trial::Sweep after = trial::load_sweep_file(dir.file("sweep.yaml"));
  REQUIRE(after.variants.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(after.variants[i].id == before.variants[i].id);
    CHECK(after.variants[i].scenario_yaml == before.variants[i].scenario_yaml);
    CHECK(after.variants[i].hash != before.variants[i].hash);
  }
  CHECK(after.hash != before.hash);
  // Unchanged inputs: the same hashes, however the sweep file is named (a
  // shard or a resumed run may give a relative or an absolute path).
  CHECK(trial::load_sweep_file(dir.file("sweep.yaml")).hash == after.hash);
  const std::string relative = std::filesystem::relative(dir.file("sweep.yaml")).string();
  REQUIRE(relative != dir.file("sweep.yaml"));
  CHECK(trial::load_sweep_file(relative).hash == after.hash);
}

TEST_CASE("canonical_path names list items by index, as resolved in the document", "[unit]") {
  const ConfigNode base = ConfigNode::load_string(kBase, "base.yaml");
  CHECK(base.canonical_path("designs[boin].target") == "designs[0].target");
  CHECK(base.canonical_path("designs[crm].skeleton") == "designs[1].skeleton");
  CHECK(base.canonical_path("designs[1].cohort_size") == "designs[1].cohort_size");  // a new last key
  CHECK(base.canonical_path("toxicity.true_dlt_probabilities") == "toxicity.true_dlt_probabilities");
  CHECK(base.canonical_path("designs[bion].target").empty());
  CHECK(base.canonical_path("designs[7]").empty());
  CHECK(base.canonical_path("nope.x").empty());
  CHECK(base.canonical_path("designs..x").empty());
}

namespace {

// The first diagnostic; `built` counts the variants expansion started on (it
// polls its stop callback once per variant).
std::string first_error(const std::string& path, int* built = nullptr) {
  int polls = 0;
  try {
    (void)trial::load_sweep_file(path, [&] { return ++polls < 0; });
  } catch (const core::ScenarioError& e) {
    if (built) *built = polls;
    return e.diagnostics().at(0).format();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("the variant limit is checked from the axis lengths, overflow-safe, before anything is built", "[unit]") {
  test::TempDir dir("sweep-limit");
  // 20 axes of 10 values: 10^20 variants, past 2^64.
  std::string axes;
  for (int i = 0; i < 20; ++i) axes += "  designs[boin].k" + std::to_string(i) + ": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]\n";
  int built = -1;
  CHECK(first_error(write_sweep(dir, axes), &built).find(
            ": error: axes: the grid has 10 x 10 x 10 x 10 x 10 x 10 x 10 x 10 x 10 x 10 x 10 x 10 x 10 x 10 x 10 x 10 "
            "x 10 x 10 x 10 x 10 = more than 2^64 variants; the limit is 100000 variants per sweep") !=
        std::string::npos);
  CHECK(built == 0);  // refused from the lengths alone
  // 2^64 exactly would wrap to 0 in size_t: 16 axes of 16 values.
  axes.clear();
  for (int i = 0; i < 16; ++i)
    axes += "  designs[boin].k" + std::to_string(i) + ": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]\n";
  CHECK(first_error(write_sweep(dir, axes)).find("= more than 2^64 variants") != std::string::npos);
  std::string values;
  for (int i = 0; i <= 100000; ++i) values += (i ? ", " : "") + std::to_string(i);
  CHECK(first_error(write_sweep(dir, "  seed: [" + values + "]\n  replicates: [" + values + "]\n", "zip"), &built) ==
        dir.file("sweep.yaml") +
            ":15:3: error: axes: the sweep has 100001 variants; the limit is 100000 variants per sweep "
            "(docs/sweeps.md): split it into several sweep files");
  CHECK(built == 0);
}

TEST_CASE("expansion polls its stop callback and throws Interrupted", "[unit]") {
  test::TempDir dir("sweep-stop");
  const std::string path = write_sweep(dir, "  seed: [1, 2, 3, 4, 5, 6]\n");
  int polls = 0;
  CHECK_THROWS_AS(trial::load_sweep_file(path, [&] { return ++polls == 3; }), trial::Interrupted);
  CHECK(polls == 3);
  polls = 0;
  CHECK(trial::load_sweep_file(path, [&] { return ++polls > 100; }).variants.size() == 6);
  CHECK(polls == 6);
}
