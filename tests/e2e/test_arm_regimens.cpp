// [e2e] designs[i].regimen (issue 15): arms with their own regimen run on the
// scenario's virtual patients (common random numbers), so an arm given the
// scenario's regimen as records reproduces the scenario arm exactly, and a
// BID arm differs from QD only by the regimen.
#include <catch2/catch.hpp>

#include "twinsim/trial/results/memory_sink.hpp"
#include "twinsim/trial/runner/run.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

using namespace twinsim;

namespace {

const char* kScenario = R"(name: arms
seed: 5
replicates: 3
dose_levels: [200]
model:
  pk:
    compartments: 2
    absorption: first_order
    parameters: {CL: 10, V1: 50, Q: 5, V2: 100, KA: 1.0}
regimen: {route: oral, interval_h: 24, doses_per_cycle: 7, cycle_length_h: 168, cycles: 2}
population:
  iiv: {parameters: [CL, V1, KA], cv: [0.3, 0.3, 0.3]}
output: {timecourses: [Cc], grid_h: 1}
designs:
  - {name: qd, type: fixed, dose: 200, patients: 4}
  - name: qd-records
    type: fixed
    dose: 200
    patients: 4
    regimen: {cycle_length_h: 168, cycles: 2, interval_h: 24, doses: [{route: oral, ii_h: 24, addl: 6}]}
  - name: bid
    type: fixed
    dose: 200
    patients: 4
    regimen:
      cycle_length_h: 168
      cycles: 2
      interval_h: 24
      doses: [{time_h: 8, route: oral, dose_factor: 0.5, ii_h: 24, addl: 6}, {time_h: 20, route: oral, dose_factor: 0.5, ii_h: 24, addl: 6}]
)";

const trial::ResultColumn& column(const trial::MemoryResults& r, const std::string& design, const std::string& name) {
  const auto* d = r.design(design);
  REQUIRE(d != nullptr);
  const auto* t = d->table("patients");
  REQUIRE(t != nullptr);
  const auto* c = t->find(name);
  REQUIRE(c != nullptr);
  return *c;
}

}  // namespace

TEST_CASE("per-arm regimens: same patients, records equal to the shorthand, BID lowers every Cmax", "[e2e]") {
  const trial::Scenario s = trial::load_scenario_text(kScenario, "arms.yaml");
  trial::MemorySink sink;
  trial::RunOptions opt;
  opt.threads = 2;
  trial::run(s, sink, opt);
  const trial::MemoryResults r = sink.take();
  for (const char* name : {"ETA_CL", "ETA_V1", "ETA_KA", "cmax", "auc_first", "auc_total", "ctrough"})
    CHECK(column(r, "qd", name).doubles == column(r, "qd-records", name).doubles);
  for (const char* name : {"ETA_CL", "ETA_V1", "ETA_KA", "CL"})
    CHECK(column(r, "qd", name).doubles == column(r, "bid", name).doubles);
  const auto& qd = column(r, "qd", "cmax").doubles;
  const auto& bid = column(r, "bid", "cmax").doubles;
  REQUIRE(qd.size() == 12);
  REQUIRE(bid.size() == 12);
  for (std::size_t i = 0; i < qd.size(); ++i) CHECK(bid[i] < qd[i]);
}
