// Running a sweep: the output folder (manifest, one HDF5 file and one
// completion marker per variant), shards, resume. Units of work are variants,
// run in index order; a variant's file depends only on its scenario text, so a
// sweep gives the same files in one process, in shards or under MPI.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "twinsim/trial/runner/run.hpp"
#include "twinsim/trial/sweep/sweep.hpp"

namespace twinsim::trial {

// Interrupted (run.hpp) while a variant ran: its temporary file is gone, the
// variants finished before it stay complete.

// Variant indices of shard i of n (0 <= i < n): i, i+n, i+2n, ... Round robin
// spreads neighbouring (similar-cost) grid points over the shards.
std::vector<std::size_t> shard_units(std::size_t n_variants, int shard, int shards);

// OUTDIR/manifest.tsv lists every variant (index, id, hash, axis values);
// OUTDIR/<id>.h5 is a variant's result, renamed into place when complete;
// OUTDIR/<id>.done, written after that rename, holds "<id> <hash>" and is the
// only proof a variant is complete.
class SweepOutput {
 public:
  SweepOutput(std::string outdir, const Sweep& sweep);

  // Before running `units`: creates the folder, checks what is in it, writes
  // the manifest. Refuses (UsageError) a folder with another sweep's manifest,
  // or with unrelated files and no manifest of this sweep, unless force;
  // without resume, also one that holds anything of these units, unless force
  // (which deletes these units' files). With resume, removes these units'
  // stale temporary files and partial results, and complete-marked variants
  // whose file fails verify_variant_file() (returning one note per such
  // variant, for stderr). Other shards' files are left alone, so shards can
  // share the folder. An entry of these units that is not a regular file (a
  // FIFO, a directory, ...) is refused, whatever resume and force say. Call
  // under the folder's SweepLock; others_running (SweepLock::others_running())
  // refuses replacing another sweep's manifest under its running shards.
  std::vector<std::string> prepare(const std::vector<std::size_t>& units, bool resume, bool force,
                                   const std::string& others_running = {}) const;

  bool is_complete(const SweepVariant& v) const;
  std::string result_path(const SweepVariant& v) const;
  // Writes the marker (atomically); call after the result file is in place.
  void mark_complete(const SweepVariant& v) const;

  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  const Sweep& sweep_;
};

// Runs one variant into its file (temporary name, then rename), then marks it
// complete. stop() is polled between blocks of trials; when it returns true
// the variant is abandoned and Interrupted thrown.
struct VariantRunOptions {
  int threads = 0;
  std::function<bool()> stop;
  std::function<void(double)> progress;  // fraction of this variant done
  // After the variant's file is complete, e.g. to report failed patients.
  std::function<void(const SweepVariant&, const Scenario&, const RunSummary&)> finished;
};
void run_variant(const Sweep& sweep, const SweepVariant& v, const SweepOutput& out, const VariantRunOptions& opt);

// The manifest of a finished (or unfinished) sweep folder, for `twinsim merge`.
struct SweepManifest {
  std::string sweep_file, sweep_hash, combine;
  std::vector<std::string> axes;  // key paths
  struct Row {
    std::size_t index = 0;
    std::string id, hash;
    std::vector<std::string> values;
  };
  std::vector<Row> variants;
};
// RuntimeError if missing or unreadable.
SweepManifest read_manifest(const std::string& outdir);
// "<id> <hash>" marker present and matching, and the file present.
bool variant_complete(const std::string& outdir, const std::string& id, const std::string& hash);
// Opens a variant's result file and checks that it was written to the end
// (root attribute complete = 1) for this variant (sweep_variant_hash = hash).
// Returns "" if so, else why not ("its result file ...").
std::string verify_variant_file(const std::string& path, const std::string& hash);

}  // namespace twinsim::trial

namespace twinsim::trial {

struct SweepRunOptions {
  int threads = 0;
  std::function<bool()> stop;
  // (variants finished, variants to run in this process, fraction of the one running)
  std::function<void(std::size_t, std::size_t, double)> progress;
  std::function<void(const SweepVariant&, const Scenario&, const RunSummary&)> finished;  // as VariantRunOptions
};

// One variant's options from the sweep's: threads, stop and finished (the
// caller maps progress, which counts variants).
VariantRunOptions variant_options(const SweepRunOptions& opt);

// Runs the given units that are not complete yet, in order, in this process.
// Returns how many it ran.
std::size_t run_units(const Sweep& sweep, const std::vector<std::size_t>& units, const SweepOutput& out,
                      const SweepRunOptions& opt);

}  // namespace twinsim::trial
