#include "twinsim/trial/sweep/sweep_lock.hpp"

#include <cstdio>
#include <filesystem>

#include "twinsim/core/error.hpp"

namespace twinsim::trial {

namespace fs = std::filesystem;

namespace {

constexpr const char* kFolderLock = ".twinsim-lock";
constexpr const char* kShardPrefix = ".twinsim-shard-";

std::string shard_lock(const std::string& dir, int shard, int shards) {
  return (fs::path(dir) / (std::string(kShardPrefix) + std::to_string(shard) + "-of-" + std::to_string(shards) +
                           ".lock"))
      .string();
}

// Shard lock files in the folder: (path, shard, count).
struct ShardFile {
  std::string path;
  int shard = 0, shards = 0;
};
std::vector<ShardFile> shard_files(const std::string& dir) {
  std::vector<ShardFile> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    ShardFile f;
    if (std::sscanf(name.c_str(), ".twinsim-shard-%d-of-%d.lock", &f.shard, &f.shards) == 2 && f.shards > 0 &&
        f.shard >= 0 && fs::path(shard_lock(dir, f.shard, f.shards)).filename() == name) {
      f.path = e.path().string();
      out.push_back(f);
    }
  }
  return out;
}

// Whether shards i/n and j/m share a variant among the first `variants`.
bool overlap(std::size_t variants, int i, int n, int j, int m) {
  for (std::size_t v = static_cast<std::size_t>(i); v < variants; v += static_cast<std::size_t>(n))
    if (v % static_cast<std::size_t>(m) == static_cast<std::size_t>(j)) return true;
  return false;
}

std::string described(const std::string& holder) {
  return holder.empty() ? std::string("a process that has not said who it is") : holder;
}

// Who holds the folder lock: the running shards, else its exclusive holder.
std::string folder_holders(const std::string& dir) {
  std::string who;
  for (const auto& f : shard_files(dir))
    if (core::FileLock::held(f.path)) who += (who.empty() ? "" : "; ") + described(core::FileLock::holder(f.path));
  return who.empty() ? described(core::FileLock::holder(folder_lock_path(dir))) : who;
}

[[noreturn]] void busy(const std::string& dir, const std::string& who) {
  throw core::UsageError("output folder '" + dir + "' is in use by another twinsim process (" + who +
                         "); wait until it has finished, or stop it, then run again");
}

}  // namespace

std::string folder_lock_path(const std::string& dir) { return (fs::path(dir) / kFolderLock).string(); }

bool is_lock_file_name(const std::string& name) {
  return name == kFolderLock || name.rfind(kShardPrefix, 0) == 0;
}

SweepLock SweepLock::for_sweep(const std::string& outdir, std::size_t n_variants, int shard, int shards,
                               const std::string& what) {
  std::error_code ec;
  if (fs::exists(outdir, ec) && !fs::is_directory(outdir, ec))
    throw core::UsageError("output folder '" + outdir + "' exists and is not a folder");
  fs::create_directories(outdir, ec);
  if (ec) throw core::RuntimeError("cannot create output folder '" + outdir + "': " + ec.message());

  SweepLock lock;
  lock.dir_ = outdir;
  using Mode = core::FileLock::Mode;
  using Status = core::FileLock::Status;
  const bool whole = shards <= 1;
  auto folder = std::make_unique<core::FileLock>(folder_lock_path(outdir), whole ? Mode::kExclusive : Mode::kShared);
  if (folder->status() == Status::kBusy)
    busy(outdir, whole ? folder_holders(outdir) : described(core::FileLock::holder(folder_lock_path(outdir))));
  if (folder->status() == Status::kUnsupported) {
    lock.warning_ = "cannot lock '" + folder->path() + "' (" + folder->reason() +
                    "): nothing stops another twinsim process from writing into the folder at the same time";
    return lock;
  }
  if (whole) {
    folder->describe_holder(what);
    lock.locks_.push_back(std::move(folder));
    return lock;
  }
  lock.locks_.push_back(std::move(folder));
  const std::string mine = shard_lock(outdir, shard, shards);
  auto own = std::make_unique<core::FileLock>(mine, Mode::kExclusive);
  if (own->status() == Status::kBusy) busy(outdir, described(core::FileLock::holder(mine)));
  own->describe_holder(what);
  lock.own_ = mine;
  lock.locks_.push_back(std::move(own));
  // Shards of another count may share variants with this one. Each process
  // looks after taking its own lock, so of two overlapping ones at least the
  // later sees the other.
  for (const auto& f : shard_files(outdir)) {
    if (f.shards == shards || !overlap(n_variants, shard, shards, f.shard, f.shards)) continue;
    if (core::FileLock::held(f.path))
      throw core::UsageError("shard " + std::to_string(shard) + "/" + std::to_string(shards) +
                             " shares variants with shard " + std::to_string(f.shard) + "/" +
                             std::to_string(f.shards) + ", which is running into '" + outdir + "' (" +
                             described(core::FileLock::holder(f.path)) +
                             "); shards that run at the same time must use the same count N");
  }
  return lock;
}

std::string SweepLock::others_running() const {
  std::string who;
  if (own_.empty()) return who;  // a whole sweep holds the folder alone
  for (const auto& f : shard_files(dir_))
    if (fs::path(f.path).filename() != fs::path(own_).filename() && core::FileLock::held(f.path))
      who += (who.empty() ? "" : "; ") + described(core::FileLock::holder(f.path));
  return who;
}

SweepLock SweepLock::for_merge(const std::string& outdir, const std::string& what) {
  SweepLock lock;
  std::error_code ec;
  if (!fs::is_directory(outdir, ec)) return lock;  // reading the manifest says what is wrong
  std::unique_ptr<core::FileLock> folder;
  try {
    folder = std::make_unique<core::FileLock>(folder_lock_path(outdir), core::FileLock::Mode::kExclusive);
  } catch (const core::RuntimeError& e) {
    lock.warning_ = std::string(e.what()) +
                    ": merging without a lock (a sweep writing into the folder now would not be noticed)";
    return lock;
  }
  if (folder->status() == core::FileLock::Status::kBusy) {
    throw core::UsageError("sweep folder '" + outdir + "' is being written by another twinsim process (" +
                           folder_holders(outdir) + "); merge when it has finished");
  }
  if (folder->status() == core::FileLock::Status::kUnsupported) {
    lock.warning_ = "cannot lock '" + folder->path() + "' (" + folder->reason() +
                    "): merging without a lock (a sweep writing into the folder now would not be noticed)";
    return lock;
  }
  folder->describe_holder(what);
  lock.locks_.push_back(std::move(folder));
  return lock;
}

}  // namespace twinsim::trial
