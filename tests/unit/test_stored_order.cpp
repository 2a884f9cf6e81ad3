// What `report` and `compare` take from a result file as data: the design
// order (design_index of each design group) and the population key (a root
// attribute); the stored scenario text is parsed only for a file written
// before those attributes existed.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "oc_fixtures.hpp"
#include "twinsim/trial/io/hdf5_sink.hpp"
#include "twinsim/trial/runner/run.hpp"
#include "twinsim/trial/scenario/scenario.hpp"
#include "twinsim/trial/scenario/scenario_text.hpp"

using namespace twinsim;
using namespace twinsim::test::oc;

namespace {

std::vector<std::string> names_of(const trial::OcReport& rep) {
  std::vector<std::string> out;
  for (const auto& d : rep.designs) out.push_back(d.name);
  return out;
}

}  // namespace

TEST_CASE("design order: design_index when every group has it, else the stored scenario text", "[unit]") {
  test::TempDir dir("order");
  // The scenario text lists zeta, mid, alpha; HDF5 lists alpha, mid, zeta.
  const auto zeta = tables("zeta", 0.25, design_a());
  const auto mid = tables("mid", 0.25, design_b());
  const auto alpha = tables("alpha", 0.25, design_b());

  // An older file (no design_index): the text's order.
  write_fixture(dir.file("old.h5"), 1, 7, {zeta, mid, alpha});
  CHECK(names_of(trial::read_oc_report(dir.file("old.h5"))) == std::vector<std::string>{"zeta", "mid", "alpha"});

  // design_index contradicting the text: the attribute decides, the text is not read.
  FileOptions indexed;
  indexed.design_index = {2, 0, 1};  // zeta 2, mid 0, alpha 1
  write_fixture(dir.file("new.h5"), 1, 7, {zeta, mid, alpha}, "", "[0.1, 0.25, 0.5]", indexed);
  CHECK(names_of(trial::read_oc_report(dir.file("new.h5"))) == std::vector<std::string>{"mid", "alpha", "zeta"});

  // One group without it (a file edited by hand): the whole file falls back to the text.
  FileOptions partial;
  partial.design_index = {2, 0};  // alpha has none
  write_fixture(dir.file("partial.h5"), 1, 7, {zeta, mid, alpha}, "", "[0.1, 0.25, 0.5]", partial);
  CHECK(names_of(trial::read_oc_report(dir.file("partial.h5"))) ==
        std::vector<std::string>{"zeta", "mid", "alpha"});
}

TEST_CASE("population key: the stored attribute pairs files, older files derive it from the text", "[unit]") {
  test::TempDir dir("popkey");
  const auto a = tables("a", 0.25, design_a());
  const auto b = tables("b", 0.25, design_b());
  // Different truths in the text: unpaired when derived from it ...
  write_fixture(dir.file("x.h5"), 1, 7, {a});
  write_fixture(dir.file("y.h5"), 1, 7, {b}, "", "[0.1, 0.3, 0.5]");
  auto reps = trial::read_oc_reports({dir.file("x.h5"), dir.file("y.h5")});
  CHECK_THAT(trial::unpaired_reason(reps[0], reps[1]).value_or(""), Catch::StartsWith("different scenarios"));
  CHECK(reps[0].population_key ==
        trial::parse_scenario_text("name: fixture\nseed: 7\ndose_levels: [10, 20, 40]\n"
                                   "toxicity: {true_dlt_probabilities: [0.1, 0.25, 0.5]}\n",
                                   "t")
            .population_key);
  // ... but the attribute, where present, is what is compared.
  FileOptions same;
  same.population_key = "the same patients";
  write_fixture(dir.file("x2.h5"), 1, 7, {a}, "", "[0.1, 0.25, 0.5]", same);
  write_fixture(dir.file("y2.h5"), 1, 7, {b}, "", "[0.1, 0.3, 0.5]", same);
  reps = trial::read_oc_reports({dir.file("x2.h5"), dir.file("y2.h5")});
  CHECK(reps[0].population_key == "the same patients");
  CHECK_FALSE(trial::unpaired_reason(reps[0], reps[1]).has_value());
}

TEST_CASE("a run stores its design order and population key as attributes", "[unit]") {
  test::TempDir dir("runattrs");
  const std::string yaml = R"(name: order
seed: 3
replicates: 20
dose_levels: [1, 2, 3]
toxicity: {true_dlt_probabilities: [0.1, 0.3, 0.5]}
designs:
  - {name: zeta, type: three_plus_three}
  - {name: alpha, type: boin, target: 0.3, max_patients: 12}
)";
  const trial::Scenario s = trial::load_scenario_text(yaml, "order.yaml");
  const std::string path = dir.file("run.h5");
  trial::Hdf5Sink sink(path, false, trial::scenario_inputs(s));
  (void)trial::run(s, sink);
  const core::H5Reader h5(path);
  CHECK(h5.attribute_int("/designs/zeta", "design_index") == 0);
  CHECK(h5.attribute_int("/designs/alpha", "design_index") == 1);
  CHECK(h5.attribute_string("/", "population_key") == trial::parse_scenario_text(yaml, "t").population_key);
  CHECK(names_of(trial::read_oc_report(path)) == std::vector<std::string>{"zeta", "alpha"});
}
