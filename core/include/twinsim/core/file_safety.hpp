// Files that must never be lost: what an output name may replace, and the
// advisory locks a sweep folder is written under (docs/reliability.md,
// docs/sweeps.md "Locks").
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace twinsim::core {

// A file a command reads, for the "output is one of its inputs" check.
struct InputFile {
  std::string role;  // "scenario file", "population CSV", "sweep file", ...
  std::string path;
};

// Checks that `path` may be written as an output and returns the path to
// write: the file a symbolic link points to (the link itself is kept), else
// `path`. Throws UsageError, whatever `overwrite` says, when `path` exists and
// is not a regular file (directory, device, FIFO, socket; a symbolic link to
// one of those, to nothing or into a loop), or when it is the same file
// (device and inode, so ./a.yaml, a.yaml and hard links are one file) as one
// of `inputs`; and, without `overwrite`, when it exists at all.
std::string checked_output_path(const std::string& path, bool overwrite, const std::vector<InputFile>& inputs = {});

// "a directory", "a FIFO (named pipe)", "a character device", ... for a
// struct stat st_mode; "a regular file" for one.
std::string file_kind(unsigned mode);

// An advisory lock (flock(2)) on a small lock file, released when the object
// is destroyed or the process ends (even by SIGKILL: nothing stale remains but
// the file, which is harmless). flock locks belong to the open file, so two
// FileLocks of one process on one file conflict like two processes would.
class FileLock {
 public:
  enum class Mode { kShared, kExclusive };
  enum class Status {
    kAcquired,
    kBusy,         // another process holds a conflicting lock
    kUnsupported,  // the file system cannot lock (e.g. Lustre without -o flock); not held
  };
  // Creates `path` if needed and tries to lock it without waiting (a lock
  // probed by held() is retried for a moment). RuntimeError if the file
  // cannot be opened or created, or is not a regular file.
  FileLock(const std::string& path, Mode mode);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  Status status() const { return status_; }
  const std::string& path() const { return path_; }
  // Why the lock is unsupported (the system's reason), for a warning.
  const std::string& reason() const { return reason_; }
  // Replaces the file's content with one line naming this process: pid,
  // host, start time and `what` (e.g. the command line). For exclusive holders.
  void describe_holder(const std::string& what) const;

  // The line describe_holder() wrote, or "" (no such file or nothing written).
  static std::string holder(const std::string& path);
  // True when another process holds a lock on `path` now.
  static bool held(const std::string& path);

 private:
  int fd_ = -1;
  Status status_ = Status::kBusy;
  std::string path_;
  std::string reason_;
};

}  // namespace twinsim::core
