// Micro-benchmark of the design-only simulation without output: every design
// of a design-only scenario runs R trials on 1 thread through DesignRunner
// (the same code path as `twinsim run`, minus HDF5) and its CPU cost per trial
// is printed, with the number of trials selecting each dose (then none) as a
// fingerprint for comparing two builds. Used to compare the designs' own cost
// (issue 8: CRM vs BOIN).
//
//   design_micro SCENARIO.yaml [TRIALS] [REPEATS]   (defaults 100000, 3; best of the repeats)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/runner/runner.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: design_micro SCENARIO.yaml [TRIALS] [REPEATS]\n");
    return 2;
  }
  const std::int64_t trials = argc > 2 ? std::atoll(argv[2]) : 100000;
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 3;
  try {
    const auto s = twinsim::trial::load_scenario_file(argv[1]);
    if (!s.true_dlt_probabilities) {
      std::fprintf(stderr, "design_micro: needs a design-only scenario (toxicity.true_dlt_probabilities)\n");
      return 2;
    }
    const auto& p = *s.true_dlt_probabilities;
    const twinsim::trial::TruthPatientModel model(s.seed, p);
    for (const auto& d : s.designs) {
      twinsim::trial::DesignRunner runner(*d.design, model, p.size(), 1, false);
      twinsim::trial::ResultBlock block;
      double best = 1e300;
      std::string counts;  // selections per dose (then none): a fingerprint to compare builds
      for (int r = 0; r < repeats; ++r) {
        std::vector<std::int64_t> sel(p.size() + 1, 0);
        const std::clock_t c0 = std::clock();
        for (std::int64_t first = 0; first < trials; first += 10000) {
          runner.run_block(first, std::min<std::int64_t>(10000, trials - first), block);
          for (const auto& t : block.trials)
            ++sel[t.selected_dose < 0 ? p.size() : static_cast<std::size_t>(t.selected_dose)];
        }
        best = std::min(best, static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
        counts.clear();
        for (auto c : sel) counts += " " + std::to_string(c);
      }
      std::printf("%-16s %-18s %10lld trials  %8.3f s CPU  %7.2f us/trial  selected:%s\n", d.name.c_str(),
                  d.type.c_str(), static_cast<long long>(trials), best, best / static_cast<double>(trials) * 1e6,
                  counts.c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "design_micro: %s\n", e.what());
    return 1;
  }
  return 0;
}
