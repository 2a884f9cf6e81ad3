// What the machine can give: for refusing a run that cannot fit before it
// starts, and for saying how much was asked when memory ran out.
#pragma once

#include <cstdint>
#include <string>

namespace twinsim::core {

// Bytes as people read them: "512 B", "3.2 MiB", "1.6 TiB".
std::string format_bytes(double bytes);

// MemAvailable + SwapFree from /proc/meminfo, in bytes: what can still be
// touched before the kernel's OOM killer ends the process (with no message
// at all). 0 if unknown.
std::uint64_t memory_available();

// The soft address-space limit (`ulimit -v`, RLIMIT_AS) in bytes; 0 if none.
std::uint64_t address_space_limit();

// "out of memory: WHAT needs about N (DETAIL); M of memory is available"
// (`available`: the smaller of memory_available() and address_space_limit()):
// the message of a run refused before it starts.
std::string not_enough_memory(const std::string& what, double bytes, const std::string& detail,
                              std::uint64_t available);

}  // namespace twinsim::core
