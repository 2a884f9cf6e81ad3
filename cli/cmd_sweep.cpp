// twinsim sweep SWEEP.yaml -o OUTDIR [--shard i/N] [--resume] [--force] [--threads T] [--quiet]
// Under mpirun every rank runs this; rank 0 alone prints, locks and prepares the folder.
#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>

#include "commands.hpp"
#include "failures.hpp"
#include "interrupt.hpp"
#include "out_of_memory.hpp"
#include "sweep_progress.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/trial/sweep/sweep.hpp"
#include "twinsim/trial/sweep/sweep_lock.hpp"
#include "twinsim/trial/sweep/sweep_merge.hpp"
#include "twinsim/trial/sweep/sweep_mpi.hpp"
#include "twinsim/trial/sweep/sweep_run.hpp"

namespace twinsim::cli {

namespace {

struct Shard {
  int index = 0;
  int count = 1;
};

Shard parse_shard(const std::string& s) {
  Shard sh;
  const auto slash = s.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument(s);
    std::size_t end = 0;
    sh.index = std::stoi(s.substr(0, slash), &end);
    if (end != slash) throw std::invalid_argument(s);
    const std::string n = s.substr(slash + 1);
    sh.count = std::stoi(n, &end);
    if (end != n.size()) throw std::invalid_argument(s);
  } catch (const std::logic_error&) {
    throw core::UsageError("--shard '" + s + "': expected i/N, e.g. 0/10");
  }
  if (sh.count < 1 || sh.index < 0 || sh.index >= sh.count)
    throw core::UsageError("--shard '" + s + "': need 0 <= i < N (shards are numbered from 0)");
  return sh;
}

// Runs f; returns the exit code of what it threw (printing it if print) or 0.
int guarded(bool print, const std::function<void()>& f) {
  try {
    f();
    return 0;
  } catch (const core::ScenarioError& e) {
    if (print) print_scenario_error(e);
    return 2;
  } catch (const core::UsageError& e) {
    if (print) std::fprintf(stderr, "twinsim: error: %s\n", e.what());
    return 2;
  } catch (const trial::Interrupted&) {
    return interrupt_exit_code();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "twinsim: error: %s\n", error_text(e).c_str());  // every rank: its own failure
    return 1;
  }
}

std::size_t count_complete(const trial::Sweep& s, const trial::SweepOutput& out,
                           const std::vector<std::size_t>& units) {
  std::size_t n = 0;
  for (std::size_t u : units) n += out.is_complete(s.variants[u]) ? 1 : 0;
  return n;
}

}  // namespace

int sweep_command(const SweepArgs& a) {
  trial::MpiContext mpi(nullptr, nullptr);
  const bool lead = mpi.rank() == 0;
  install_interrupt_handlers();
  const auto t0 = std::chrono::steady_clock::now();

  // 1. Every rank reads and validates the sweep (it is deterministic); one bad
  //    variant stops everything before any work.
  trial::Sweep sweep;
  Shard shard;
  int code = guarded(lead, [&] {
    if (a.resume && a.force) throw core::UsageError("--resume and --force exclude each other");
    if (a.shard) shard = parse_shard(*a.shard);
    sweep = trial::load_sweep_file(a.sweep, [] { return interrupt_requested(); });
  });
  if ((code = mpi.max_all(code)) != 0) {
    if (lead && is_interrupt_exit_code(code))
      std::fprintf(stderr, "twinsim: interrupted while expanding the sweep; nothing was written\n");
    return code;
  }
  const trial::SweepOutput out(a.output, sweep);
  const auto units = trial::shard_units(sweep.variants.size(), shard.index, shard.count);

  // 2. Rank 0 locks, checks and prepares the folder; it holds the lock for
  //    every rank until all are done (it returns last).
  std::size_t already = 0;
  std::optional<trial::SweepLock> lock;
  if (lead) code = guarded(true, [&] {
      std::string what = "twinsim sweep " + a.sweep + " -o " + a.output;
      if (a.shard) what += " --shard " + *a.shard;
      if (a.resume) what += " --resume";
      if (a.force) what += " --force";
      if (mpi.size() > 1) what += " (rank 0 of " + std::to_string(mpi.size()) + " MPI ranks)";
      lock.emplace(trial::SweepLock::for_sweep(a.output, sweep.variants.size(), shard.index, shard.count, what));
      if (!lock->warning().empty()) std::fprintf(stderr, "twinsim: warning: %s\n", lock->warning().c_str());
      for (const auto& note : out.prepare(units, a.resume, a.force, lock->others_running()))
        std::fprintf(stderr, "twinsim: note: %s\n", note.c_str());
      already = count_complete(sweep, out, units);
    });
  if ((code = mpi.broadcast(code)) != 0) return code;

  // 3. Run.
  {
    SweepProgress bar(lead && !a.quiet);
    trial::SweepRunOptions opt;
    opt.threads = a.threads;
    opt.stop = [] { return interrupt_requested(); };
    opt.progress = [&bar](std::size_t done, std::size_t total, double f) { bar.update(done, total, f); };
    opt.finished = [](const trial::SweepVariant& v, const trial::Scenario& sc, const trial::RunSummary& r) {
      print_failures(sc, r, "variant " + v.id + ": ");
    };
    code = guarded(lead, [&] { (void)trial::run_units_mpi(mpi, sweep, units, out, opt); });
  }
  code = mpi.max_all(code);
  if (!lead) return code;
  const std::size_t complete = count_complete(sweep, out, units);
  if (is_interrupt_exit_code(code)) {
    std::fprintf(stderr,
                 "twinsim: interrupted by %s: %zu of %zu variants complete in '%s' (no partial result was kept); "
                 "continue with --resume\n",
                 signal_name(code), complete, units.size(), a.output.c_str());
    return code;
  }
  if (code != 0) return code;
  if (!a.quiet) {
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("sweep '%s': %zu variant%s (%s)", a.sweep.c_str(), sweep.variants.size(),
                sweep.variants.size() == 1 ? "" : "s", sweep.combine.c_str());
    if (shard.count > 1) std::printf(", shard %d/%d: %zu of them", shard.index, shard.count, units.size());
    if (mpi.size() > 1) std::printf(", %d MPI ranks", mpi.size());
    std::printf("\n  %zu run, %zu already complete, %.2f s; results in %s\n", complete - already, already, secs,
                a.output.c_str());
    if (shard.count == 1 || complete == units.size())
      std::printf("  next: twinsim merge %s -o SWEEP.h5%s\n", a.output.c_str(),
                  shard.count > 1 ? " (once every shard has finished)" : "");
  }
  return 0;
}

int merge_command(const MergeArgs& a) {
  install_interrupt_handlers();
  const trial::SweepLock lock =
      trial::SweepLock::for_merge(a.outdir, "twinsim merge " + a.outdir + " -o " + a.output);
  if (!lock.warning().empty()) std::fprintf(stderr, "twinsim: warning: %s\n", lock.warning().c_str());
  std::size_t n = 0;
  try {
    n = trial::merge_sweep(a.outdir, a.output, a.force, [] { return interrupt_requested(); });
  } catch (const trial::Interrupted&) {
    std::fprintf(stderr,
                 "twinsim: interrupted by %s: the merge was stopped; nothing was written to '%s' and its "
                 "temporary file was removed\n",
                 signal_name(interrupt_exit_code()), a.output.c_str());
    return interrupt_exit_code();
  }
  if (!a.quiet) std::printf("merged %zu variants into %s\n", n, a.output.c_str());
  return 0;
}

}  // namespace twinsim::cli
