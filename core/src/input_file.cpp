#include "twinsim/core/input_file.hpp"

#include "twinsim/core/file_safety.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace twinsim::core {

namespace {

std::string not_regular(mode_t mode) { return "is " + file_kind(mode) + ", not a regular file"; }

std::string open_failure(int err) {
  if (err == ENOENT || err == ENOTDIR) return "does not exist";
  return std::string("cannot be opened: ") + std::strerror(err);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::string read_input_file(const std::string& path, std::size_t max_bytes, std::string& text) {
  text.clear();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return open_failure(errno);
  if (!S_ISREG(st.st_mode)) return not_regular(st.st_mode);
  const Fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) return open_failure(errno);
  if (::fstat(fd.get(), &st) != 0) return std::string("cannot be read: ") + std::strerror(errno);
  if (!S_ISREG(st.st_mode)) return not_regular(st.st_mode);
  const std::size_t want = max_bytes + 1;
  text.resize(static_cast<std::size_t>(st.st_size) < want ? static_cast<std::size_t>(st.st_size) + 1 : want);
  std::size_t got = 0;
  for (;;) {
    if (got == text.size()) {
      if (got >= want) break;
      text.resize(std::min(want, 2 * got + 4096));  // the file grew since fstat
    }
    const ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      text.clear();
      return std::string("cannot be read: ") + std::strerror(errno);
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  return "";
}

}  // namespace twinsim::core
