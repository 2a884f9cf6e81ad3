// Running the CLI in the background, for tests that signal it or run two
// processes at once (e2e sweeps, reliability interrupts and locks).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace twinsim::test {

// Starts the CLI with args (no shell), stdout+stderr to log. Returns the pid.
inline pid_t spawn_cli(const std::vector<std::string>& args, const std::string& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> argv;
    std::string cli = cli_path();
    argv.push_back(cli.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(cli.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

// How a child ended: exited with a code, or killed by a signal.
struct ChildEnd {
  bool exited = false;
  int code = -1;   // exit code if exited
  int signal = 0;  // the signal that killed it otherwise
};

inline ChildEnd wait_child(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  ChildEnd e;
  e.exited = WIFEXITED(status);
  if (e.exited) e.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) e.signal = WTERMSIG(status);
  return e;
}

// The exit code as a shell reports it (128 + signal for a killed process).
inline int wait_exit_code(pid_t pid) {
  const ChildEnd e = wait_child(pid);
  return e.exited ? e.code : 128 + e.signal;
}

// Polls until done() or the process ends (false) or timeout_s passes (false).
inline bool wait_until(const std::function<bool()>& done, pid_t pid, double timeout_s = 60) {
  const auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < timeout_s) {
    if (done()) return true;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

}  // namespace twinsim::test
