// A ResultSink of one's own: the runner calls it in the documented order
// (results/result_sink.hpp), once per design and block, and a stopped run
// never commits it.
#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <vector>

#include "twinsim/trial/results/result_sink.hpp"
#include "twinsim/trial/runner/run.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

using namespace twinsim;

namespace {

// Counts what it gets and checks the order of the calls as they come.
class CountingSink final : public trial::ResultSink {
 public:
  int runs = 0, truths = 0, designs = 0, ends = 0, commits = 0, blocks = 0;
  std::int64_t trials = 0, patients = 0, failures = 0;
  std::vector<std::string> names;
  std::vector<std::string> order_errors;

  void begin_run(const trial::RunInfo& run) override {
    expect(runs == 0, "begin_run first and once");
    ++runs;
    dose_levels = run.dose_levels.size();
  }
  void truth(const trial::TruthCurve&) override {
    expect(runs == 1 && designs == 0, "truth before the designs");
    ++truths;
  }
  void begin_design(const trial::DesignInfo& d) override {
    expect(runs == 1 && ends == designs, "begin_design after the previous end_design");
    ++designs;
    names.push_back(d.name);
    next_trial = 0;
  }
  void append(const trial::ResultBlock& b) override {
    expect(designs == ends + 1, "append inside a design");
    ++blocks;
    for (const auto& t : b.trials) {
      expect(t.trial == next_trial++, "trials in order");
      patients += t.n_patients;
    }
    trials += static_cast<std::int64_t>(b.trials.size());
  }
  void end_design(const trial::DesignOc& oc, const trial::DesignFailures& f) override {
    expect(designs == ends + 1, "end_design closes the open design");
    expect(oc.trials == next_trial && oc.doses.size() == dose_levels, "the design's OCs over its trials");
    ++ends;
    failures += f.total;
  }
  void commit() override {
    expect(ends == designs, "commit after the last design");
    ++commits;
  }

 private:
  void expect(bool ok, const char* what) {
    if (!ok) order_errors.emplace_back(what);
  }
  std::size_t dose_levels = 0;
  std::int64_t next_trial = 0;
};

const char* const kScenario = R"(name: counting
seed: 3
replicates: 50
dose_levels: [1, 2, 3, 4]
toxicity:
  true_dlt_probabilities: [0.05, 0.15, 0.30, 0.50]
designs:
  - {name: three, type: three_plus_three}
  - {name: boin, type: boin, target: 0.30, cohort_size: 3, max_patients: 18}
)";

}  // namespace

TEST_CASE("a custom ResultSink gets every block of every design in order, then one commit", "[unit]") {
  const trial::Scenario s = trial::load_scenario_text(kScenario, "counting.yaml");
  CountingSink sink;
  trial::RunOptions opt;
  opt.threads = 2;
  opt.block_bytes = 16 * 1024;  // blocks of a few trials: several per design
  const trial::RunSummary r = trial::run(s, sink, opt);
  CHECK(sink.order_errors.empty());
  CHECK(sink.runs == 1);
  CHECK(sink.truths == 0);  // design-only: the truth is given, not estimated
  CHECK(sink.designs == 2);
  CHECK(sink.ends == 2);
  CHECK(sink.commits == 1);
  CHECK(sink.names == std::vector<std::string>{"three", "boin"});
  CHECK(sink.trials == 2 * 50);
  CHECK(sink.blocks > 2);  // the bound split each design into blocks
  CHECK(sink.failures == 0);
  // What the sink saw is what the run returns.
  REQUIRE(r.designs.size() == 2);
  CHECK(sink.patients == r.designs[0].patients + r.designs[1].patients);
  REQUIRE(r.oc.designs.size() == 2);
  CHECK(r.oc.designs[1].with_reference.has_value());  // paired with the first design
}

TEST_CASE("a stopped run leaves its ResultSink uncommitted", "[unit]") {
  const trial::Scenario s = trial::load_scenario_text(kScenario, "counting.yaml");
  CountingSink sink;
  trial::RunOptions opt;
  opt.threads = 1;
  opt.block_bytes = 16 * 1024;
  std::atomic<int> polls{0};
  opt.stop = [&polls] { return ++polls > 20; };  // during the first design
  CHECK_THROWS_AS(trial::run(s, sink, opt), trial::Interrupted);
  CHECK(sink.commits == 0);
  CHECK(sink.ends == 0);
  CHECK(sink.order_errors.empty());
}
