// Who may write into a sweep folder at the same time (docs/sweeps.md,
// "Locks"): advisory flock(2) locks on two kinds of file in the folder,
//   OUTDIR/.twinsim-lock                    shared by sharded sweeps; exclusive
//                                           for a whole sweep and for merge
//   OUTDIR/.twinsim-shard-<i>-of-<N>.lock   exclusive, the process running shard i/N
// A process that cannot have its lock says who holds it and exits 2. The
// kernel drops the locks when the process ends, however it ends; the files
// stay and are harmless. Under MPI only rank 0 locks: ranks of one run share
// its lock.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "twinsim/core/file_safety.hpp"

namespace twinsim::trial {

class SweepLock {
 public:
  // For `twinsim sweep` of shard `shard` of `shards` (1: the whole sweep) of a
  // sweep with n_variants; `what` describes the command for the lock file.
  // Creates OUTDIR if missing. UsageError naming the holder when another
  // process writes the same variants (the same shard, an overlapping shard of
  // another count, or the whole sweep) or merges the folder.
  static SweepLock for_sweep(const std::string& outdir, std::size_t n_variants, int shard, int shards,
                             const std::string& what);
  // For `twinsim merge`: UsageError naming the holders while any sweep writes
  // into the folder. A folder the merge cannot lock (read-only) is merged
  // without a lock, with a warning.
  static SweepLock for_merge(const std::string& outdir, const std::string& what);

  // The holders of the other shards' locks that are running now ("" if
  // none): a shard may not replace the manifest they work under.
  std::string others_running() const;

  // Non-empty when the folder could not be locked (a file system without
  // flock, e.g. Lustre mounted without -o flock), for stderr.
  const std::string& warning() const { return warning_; }

 private:
  std::vector<std::unique_ptr<core::FileLock>> locks_;
  std::string dir_;
  std::string own_;  // this process's shard lock file, if any
  std::string warning_;
};

// True for the names of SweepLock's files (the folder check ignores them).
bool is_lock_file_name(const std::string& name);
// OUTDIR/.twinsim-lock.
std::string folder_lock_path(const std::string& outdir);

}  // namespace twinsim::trial
