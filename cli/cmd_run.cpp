#include <sys/stat.h>

#include <cstdio>
#include <string>

#include "commands.hpp"
#include "progress.hpp"
#include "twinsim/core/config.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/trial/run.hpp"
#include "twinsim/trial/runner.hpp"
#include "twinsim/trial/scenario.hpp"

namespace twinsim::cli {

namespace {

void print_summary(const trial::Scenario& s, const trial::RunSummary& r, int threads) {
  std::printf("scenario '%s': %lld replicate%s, seed %llu, %d thread%s, %.2f s\n", s.name.c_str(),
              static_cast<long long>(s.replicates), s.replicates == 1 ? "" : "s",
              static_cast<unsigned long long>(s.seed), threads, threads == 1 ? "" : "s", r.seconds);
  for (const auto& d : r.designs) {
    std::printf("\ndesign %s (%s): mean %.2f patients per trial", d.name.c_str(), d.type.c_str(),
                d.mean_total_patients);
    if (d.type != "fixed") std::printf(", no dose selected in %.1f%%", 100.0 * d.p_no_selection);
    std::printf("\n  %-10s %10s %10s %10s\n", "dose", "P(select)", "patients", "DLTs");
    for (std::size_t i = 0; i < s.dose_levels.size(); ++i) {
      if (d.type == "fixed" && d.mean_patients[i] == 0) continue;
      std::printf("  %-10s %10s %10.2f %10.2f\n", core::format_number(s.dose_levels[i]).c_str(),
                  d.type == "fixed" ? "-" : (std::to_string(d.p_select[i]).substr(0, 6)).c_str(),
                  d.mean_patients[i], d.mean_dlts[i]);
    }
    if (s.pkpd_mode()) {
      std::printf("  exposure (mean over patients): Cmax %.4g mg/L, AUC first interval %.4g mg*h/L, "
                  "trough before last dose %.4g mg/L\n",
                  d.mean_cmax, d.mean_auc_first, d.mean_ctrough);
      if (d.failed_patients > 0)
        std::printf("  WARNING: %lld of %lld patients failed to solve (see patients/solve_status)\n",
                    static_cast<long long>(d.failed_patients), static_cast<long long>(d.patients));
    }
  }
}

}  // namespace

int run_command(const RunArgs& a) {
  // Refuse to clobber before doing any work.
  struct stat st {};
  if (!a.force && ::stat(a.output.c_str(), &st) == 0)
    throw core::UsageError("output file '" + a.output + "' exists; pass --force to overwrite it");
  trial::Scenario s = trial::load_scenario_file(a.scenario);
  if (a.replicates) s.replicates = *a.replicates;
  if (a.seed) s.seed = *a.seed;
  trial::RunOptions opt;
  opt.output = a.output;
  opt.overwrite = a.force;
  opt.threads = a.threads;
  ProgressBar bar(!a.quiet);
  opt.progress = [&bar](std::int64_t done, std::int64_t total) { bar.update(done, total); };
  const trial::RunSummary r = trial::run_scenario(s, opt);
  if (!a.quiet) {
    std::fflush(stderr);
    print_summary(s, r, trial::effective_threads(a.threads));
    std::printf("\nwrote %s\n", a.output.c_str());
  }
  return 0;
}

}  // namespace twinsim::cli
