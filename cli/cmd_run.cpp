#include <algorithm>
#include <cstdio>
#include <vector>
#include <string>

#include "commands.hpp"
#include "failures.hpp"
#include "interrupt.hpp"
#include "progress.hpp"
#include "twinsim/core/config.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/core/file_safety.hpp"
#include "twinsim/trial/report/oc_format.hpp"
#include "twinsim/trial/io/hdf5_sink.hpp"
#include "twinsim/trial/runner/run.hpp"
#include "twinsim/trial/runner/runner.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace twinsim::cli {

namespace {

void print_summary(const trial::Scenario& s, const trial::RunSummary& r, int threads, bool exact) {
  if (exact)
    std::printf("scenario '%s': exact enumeration of every trial, %.2f s\n", s.name.c_str(), r.seconds);
  else
    std::printf("scenario '%s': %lld replicate%s per design, seed %llu, %d thread%s, %.2f s\n", s.name.c_str(),
              static_cast<long long>(s.replicates), s.replicates == 1 ? "" : "s",
              static_cast<unsigned long long>(s.seed), threads, threads == 1 ? "" : "s", r.seconds);
  // The same tables `twinsim report` and `twinsim compare` print for the file
  // just written, from the OCs the run computed.
  std::vector<trial::OcReport> reports{r.oc};
  print_oc_warnings(reports.back());
  const std::string table = trial::format_report(reports.back(), trial::OcFormat::kTable);
  std::fwrite(table.data(), 1, table.size(), stdout);
  if (s.pkpd_mode() && !exact) {  // an exact run simulates no patient
    for (std::size_t k = 0; k < r.designs.size(); ++k) {
      const auto& d = r.designs[k];
      // The report's exposure table (with SEs) is above unless no patients/ was kept.
      if (k < r.oc.designs.size() && !r.oc.designs[k].exposure.empty()) continue;
      std::printf("%s exposure (mean over patients): Cmax %.4g mg/L, AUC first interval %.4g mg*h/L, "
                  "trough before last dose %.4g mg/L\n",
                  d.name.c_str(), d.mean_cmax, d.mean_auc_first, d.mean_ctrough);
    }
  }
  const bool dose_finding = std::count_if(s.designs.begin(), s.designs.end(),
                                          [](const trial::DesignSpec& d) { return d.design->is_dose_finding(); }) > 0;
  if (s.designs.size() > 1 && dose_finding) {
    trial::assume_targets(reports, std::nullopt);
    const std::string cmp = trial::format_comparison(trial::compare_reports(reports), trial::OcFormat::kTable);
    std::printf("\n");
    std::fwrite(cmp.data(), 1, cmp.size(), stdout);
  }
}

}  // namespace

int run_command(const RunArgs& a) {
  // Refuse to clobber (or to write over the scenario, or onto a device)
  // before doing any work; the result writer checks again with every input.
  (void)core::checked_output_path(a.output, a.force, {{"scenario file", a.scenario}});
  install_interrupt_handlers();
  trial::Scenario s = trial::load_scenario_file(a.scenario);
  for (const auto& n : s.notes) std::fprintf(stderr, "twinsim: note: %s\n", n.c_str());
  if (a.replicates) s.replicates = *a.replicates;
  if (a.seed) s.seed = *a.seed;
  trial::RunOptions opt;
  opt.label = a.output;
  opt.threads = a.threads;
  opt.stop = [] { return interrupt_requested(); };
  trial::RunSummary r;
  {
    ProgressBar bar(!a.quiet);
    opt.progress = [&bar](std::int64_t done, std::int64_t total) { bar.update(done, total); };
    try {
      trial::Hdf5Sink sink(a.output, a.force, trial::scenario_inputs(s));
      r = a.exact ? trial::run_exact(s, sink, opt) : trial::run(s, sink, opt);
    } catch (const trial::Interrupted&) {
      // Unwinding run() and the sink has removed the temporary file by now.
      bar.finish();
      std::fprintf(stderr,
                   "twinsim: interrupted by %s: the run was stopped; nothing was written to '%s' and its "
                   "temporary file was removed\n",
                   signal_name(interrupt_exit_code()), a.output.c_str());
      return interrupt_exit_code();
    }
  }
  print_failures(s, r, "");
  if (!a.quiet) {
    std::fflush(stderr);
    print_summary(s, r, trial::effective_threads(a.threads), a.exact);
    std::printf("\nwrote %s\n", a.output.c_str());
  }
  return 0;
}

}  // namespace twinsim::cli
