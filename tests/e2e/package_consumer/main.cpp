// Runs a scenario given as text through the installed libraries and reads the
// file back: scenario/, designs/, patient/, runner/ (OpenMP), io/ (HDF5).
// Usage: consumer OUT.h5; prints "DESIGN TRIALS PATIENTS".
#include <cstdio>
#include <exception>

#include "twinsim/trial/io/hdf5_sink.hpp"
#include "twinsim/trial/io/result_reader.hpp"
#include "twinsim/trial/runner/run.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  namespace trial = twinsim::trial;
  try {
    const trial::Scenario s = trial::load_scenario_text(R"(name: consumer
seed: 5
replicates: 40
dose_levels: [1, 2, 3]
toxicity:
  true_dlt_probabilities: [0.10, 0.30, 0.50]
designs:
  - {name: boin, type: boin, target: 0.30, cohort_size: 3, max_patients: 12}
)",
                                                        "consumer.yaml");
    trial::Hdf5Sink sink(argv[1], false, trial::scenario_inputs(s));
    const trial::RunSummary run = trial::run(s, sink);
    const trial::OcReport report = trial::read_oc_report(argv[1]);
    std::printf("%s %lld %lld\n", report.designs.at(0).name.c_str(), static_cast<long long>(report.designs[0].trials),
                static_cast<long long>(run.designs.at(0).patients));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "consumer: %s\n", e.what());
    return 1;
  }
  return 0;
}
