// Helpers for the reliability tier: running twinsim as a child process with
// resource limits, measuring its peak memory, killing it mid-run.
#pragma once

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace twinsim::test {

struct ChildResult {
  int exit_code = -1;   // -1 if killed by a signal
  int signal = 0;       // the signal that ended it, if any
  long max_rss_kib = 0; // peak resident set size (ru_maxrss)
  double seconds = 0.0;
};

// Runs argv (argv[0] is the executable) with stdout/stderr sent to log_path
// and waits for it, measuring the child's own peak RSS with wait4().
inline ChildResult run_child(const std::vector<std::string>& argv, const std::string& log_path) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    FILE* log = std::fopen(log_path.c_str(), "w");
    if (log) {
      ::dup2(::fileno(log), 1);
      ::dup2(::fileno(log), 2);
    }
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ChildResult r;
  int status = 0;
  struct rusage ru {};
  ::wait4(pid, &status, 0, &ru);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.max_rss_kib = ru.ru_maxrss;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

inline std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Names of the files in a folder.
inline std::vector<std::string> listing(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename().string());
  return out;
}

inline bool has_temp_file(const std::filesystem::path& dir) {
  for (const auto& f : listing(dir))
    if (f.find(".tmp-") != std::string::npos) return true;
  return false;
}

// True when this test binary is built with AddressSanitizer (its shadow memory
// and quarantine make RSS figures meaningless).
constexpr bool kAddressSanitizer =
#if defined(__SANITIZE_ADDRESS__)
    true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    true;
#else
    false;
#endif
#else
    false;
#endif

}  // namespace twinsim::test
