// Cost of one BLRM posterior update and decision (issue 18's budget: 10^5
// trials of 30 patients in 60 s on one core, about 60 us per update with 10
// cohorts). Simulates trials of cohorts of 3 on 6 doses under a fixed true DLT
// curve and times blrm_decide. Usage: blrm_update [TRIALS]  (default 100)
#include <chrono>
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
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double per_update = s / static_cast<double>(updates);
  std::printf("trials %d, updates %ld, %.1f us per update, %.2f updates per trial\n", trials, updates,
              1e6 * per_update, static_cast<double>(updates) / trials);
  std::printf("projected 1e5 trials on one core: %.0f s (budget 60 s)\n", 1e5 * s / trials);
  std::printf("MTD selected (none, levels 1..%zu):", o.doses.size());
  for (long m : mtd) std::printf(" %ld", m);
  std::printf("\n");
  return 0;
}
