#include "twinsim/core/file_safety.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <thread>

#include "twinsim/core/error.hpp"

namespace twinsim::core {

namespace {

std::string link_text(const std::string& path) {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string("?");
}

[[noreturn]] void refuse_kind(const std::string& path, const std::string& what) {
  throw UsageError("output '" + path + "' is " + what +
                   ", not a regular file; twinsim replaces only regular files, with or without --force: "
                   "choose another output name");
}

}  // namespace

std::string file_kind(unsigned mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "a special file";
}

std::string checked_output_path(const std::string& path, bool overwrite, const std::vector<InputFile>& inputs) {
  struct stat ls {};
  // Absent, or not reachable (a missing folder, no permission): creating the
  // temporary file beside it reports the system's reason.
  if (::lstat(path.c_str(), &ls) != 0) return path;
  std::string target = path;
  struct stat st = ls;
  if (S_ISLNK(ls.st_mode)) {
    // A link is followed, as cp and shells' > do: the file it names is
    // replaced and the link kept. A link to nothing is refused rather than
    // followed: where the new file would land is a guess.
    const std::string to = link_text(path);
    if (::stat(path.c_str(), &st) != 0) {
      const int err = errno;
      throw UsageError("output '" + path + "' is a symbolic link to '" + to + "', " +
                       (err == ENOENT ? std::string("which does not exist") : std::strerror(err)) +
                       "; name the file to write itself");
    }
    if (!S_ISREG(st.st_mode)) refuse_kind(path, "a symbolic link to '" + to + "', " + file_kind(st.st_mode));
    char* real = ::realpath(path.c_str(), nullptr);
    if (real) {
      target = real;
      std::free(real);
    }
  } else if (!S_ISREG(ls.st_mode)) {
    refuse_kind(path, file_kind(ls.st_mode));
  }
  // By device and inode, not by name: ./a.yaml, a.yaml, /abs/a.yaml, a
  // symbolic link and a hard link to it are all the same file.
  for (const auto& in : inputs) {
    struct stat is {};
    if (::stat(in.path.c_str(), &is) == 0 && is.st_dev == st.st_dev && is.st_ino == st.st_ino)
      throw UsageError("output '" + path + "' is the " + in.role + " '" + in.path +
                       "' (the same file); twinsim never writes over one of its inputs, with or without --force: "
                       "choose another output name");
  }
  if (!overwrite) throw UsageError("output file '" + path + "' exists; pass --force to overwrite it");
  return target;
}

FileLock::FileLock(const std::string& path, Mode mode) : path_(path) {
  // O_NONBLOCK: a FIFO planted under the lock file's name must not block the open.
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
  if (fd_ < 0) throw RuntimeError("cannot open lock file '" + path + "': " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd_);
    fd_ = -1;
    throw RuntimeError("lock file '" + path + "' is " + file_kind(st.st_mode) + ", not a regular file; remove it");
  }
  const int op = (mode == Mode::kShared ? LOCK_SH : LOCK_EX) | LOCK_NB;
  // held() probes take the lock for microseconds; a few retries keep a probe
  // from passing for a holder.
  for (int attempt = 0;; ++attempt) {
    if (::flock(fd_, op) == 0) {
      status_ = Status::kAcquired;
      return;
    }
    const int err = errno;
    if (err == EINTR) continue;
    if (err == EWOULDBLOCK && attempt < 10) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    status_ = err == EWOULDBLOCK ? Status::kBusy : Status::kUnsupported;
    reason_ = std::strerror(err);
    ::close(fd_);
    fd_ = -1;
    return;
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

void FileLock::describe_holder(const std::string& what) const {
  if (fd_ < 0) return;
  char host[256] = "?";
  if (::gethostname(host, sizeof host) != 0) std::strcpy(host, "?");
  host[sizeof host - 1] = '\0';
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  const std::string line =
      "pid " + std::to_string(::getpid()) + " on host " + host + ", started " + when + ": " + what + "\n";
  // Best effort: the lock works without its description.
  if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, line.data(), line.size(), 0);
}

std::string FileLock::holder(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return {};
  char buf[1024];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  std::string s = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  const auto nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

bool FileLock::held(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return false;
  int r;
  while ((r = ::flock(fd, LOCK_EX | LOCK_NB)) != 0 && errno == EINTR) {
  }
  const bool busy = r != 0 && errno == EWOULDBLOCK;
  ::close(fd);  // releases the probe's lock, if it got one
  return busy;
}

}  // namespace twinsim::core
