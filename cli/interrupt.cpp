#include "interrupt.hpp"

#include <atomic>
#include <csignal>

namespace twinsim::cli {

namespace {
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "a signal handler may only touch lock-free atomics");

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

extern "C" void on_signal(int sig) {
  int none = 0;
  g_signal.compare_exchange_strong(none, sig);  // the first signal decides the exit code
  for (int s : kSignals) std::signal(s, SIG_DFL);  // a second one, of any kind, ends the process at once
}
}  // namespace

void install_interrupt_handlers() {
  for (int sig : kSignals) std::signal(sig, on_signal);
}

bool interrupt_requested() { return g_signal.load() != 0; }

int interrupt_signal() { return g_signal.load(); }

int interrupt_exit_code() { return 128 + (g_signal.load() != 0 ? g_signal.load() : SIGINT); }

bool is_interrupt_exit_code(int code) {
  for (int sig : kSignals)
    if (code == 128 + sig) return true;
  return false;
}

const char* signal_name(int s) {
  if (s > 128) s -= 128;
  switch (s) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
  }
}

}  // namespace twinsim::cli
