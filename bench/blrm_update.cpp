// Cost of one BLRM posterior update and decision (issue 18's budget: 10^5
// trials of 30 patients in 60 s on one core, about 60 us per update with 10
// cohorts). Simulates trials of cohorts of 3 on 6 doses under a fixed true DLT
// curve and times blrm_decide (which looks the posterior summaries up in the
// table of data sets already integrated). Usage: blrm_update [TRIALS]  (default 100)
#include <chrono>
#include <ctime>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "twinsim/trial/designs/blrm.hpp"

using namespace twinsim::trial;

namespace {
// splitmix64: a bench needs only a reproducible uniform stream.
double uniform(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}
}  // namespace

int main(int argc, char** argv) {
  const int trials = argc > 1 ? std::atoi(argv[1]) : 100;
  BlrmOptions o;
  o.doses = {10, 20, 40, 80, 160, 320};
  o.reference_dose = 80;
  o.prior[0].mean_log_alpha = -1.3862943611198906;  // logit(0.2)
  const std::vector<double> truth = {0.05, 0.10, 0.20, 0.30, 0.45, 0.60};
  BlrmPosterior post(o);
  std::uint64_t seed = 20261203;
  long updates = 0;
  std::vector<long> mtd(o.doses.size() + 1, 0);
  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  for (int t = 0; t < trials; ++t) {
    std::vector<int> n(o.doses.size(), 0), y(o.doses.size(), 0);
    int level = o.start_level;
    for (;;) {
      for (int i = 0; i < 3; ++i) {
        ++n[static_cast<std::size_t>(level)];
        if (uniform(seed) < truth[static_cast<std::size_t>(level)]) ++y[static_cast<std::size_t>(level)];
      }
      const BlrmDecision d = blrm_decide(post, n, y);
      ++updates;
      if (d.action != BlrmAction::kContinue) {
        ++mtd[static_cast<std::size_t>(d.mtd + 1)];
        break;
      }
      level = d.next_level;
    }
  }
  // CPU time as well as wall time: on a shared machine the wall clock counts
  // the other processes' share of the core.
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  std::printf("trials %d, updates %ld (%.2f per trial): %.1f us wall, %.1f us CPU per update\n", trials, updates,
              static_cast<double>(updates) / trials, 1e6 * s / static_cast<double>(updates),
              1e6 * cpu / static_cast<double>(updates));
  std::printf("distinct data sets integrated %ld, table hits %zu\n", updates - static_cast<long>(post.cache_hits()),
              post.cache_hits());
  std::printf("projected 1e5 trials on one core (CPU): %.0f s (budget 60 s)\n", 1e5 * cpu / trials);
  std::printf("MTD selected (none, levels 1..%zu):", o.doses.size());
  for (long m : mtd) std::printf(" %ld", m);
  std::printf("\n");
  return 0;
}
