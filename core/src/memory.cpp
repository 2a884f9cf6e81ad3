#include "twinsim/core/memory.hpp"

#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace twinsim::core {

std::string format_bytes(double bytes) {
  static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 6) {
    bytes /= 1024.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

std::uint64_t memory_available() {
  std::ifstream in("/proc/meminfo");
  std::string line;
  std::uint64_t kib = 0;
  bool found = false;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key;
    std::uint64_t value = 0;
    if (!(fields >> key >> value)) continue;
    if (key == "MemAvailable:" || key == "SwapFree:") {
      kib += value;
      found = true;
    }
  }
  return found ? kib * 1024 : 0;
}

std::uint64_t address_space_limit() {
  struct rlimit rl {};
  if (::getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 0;
  return static_cast<std::uint64_t>(rl.rlim_cur);
}

std::string not_enough_memory(const std::string& what, double bytes, const std::string& detail,
                              std::uint64_t available) {
  return "out of memory: " + what + " needs about " + format_bytes(bytes) + " (" + detail + "); " +
         format_bytes(static_cast<double>(available)) + " of memory is available";
}

}  // namespace twinsim::core
