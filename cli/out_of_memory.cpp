// std::bad_alloc carries no size, and "std::bad_alloc" tells a user nothing.
// This executable replaces the global operator new (a replaceable function,
// [replacement.functions]) by the same malloc loop libstdc++ uses, which also
// notes the size of the request that failed, so the message can say how much
// was asked. libstdc++'s array and sized forms call these. Not under
// AddressSanitizer: its runtime defines operator new itself, and its
// allocator reports an impossible allocation on its own.
#include "out_of_memory.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

#include "twinsim/core/memory.hpp"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TWINSIM_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TWINSIM_ASAN 1
#endif

namespace {
std::atomic<std::size_t> g_failed_request{0};  // bytes of the last request that could not be met
}  // namespace

#ifndef TWINSIM_ASAN
void* operator new(std::size_t n) {
  if (n == 0) n = 1;
  for (;;) {
    if (void* p = std::malloc(n)) return p;
    const std::new_handler handler = std::get_new_handler();
    if (!handler) {
      g_failed_request.store(n, std::memory_order_relaxed);
      throw std::bad_alloc();
    }
    handler();
  }
}
// Callers that handle failure themselves (std::stable_sort's buffer) are not
// "the request that failed": these do not note their size.
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return std::malloc(n == 0 ? 1 : n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return std::malloc(n == 0 ? 1 : n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
#endif

namespace twinsim::cli {

std::string error_text(const std::exception& e) {
  if (!dynamic_cast<const std::bad_alloc*>(&e)) return e.what();
  std::string msg = "out of memory: ";
  const std::size_t asked = g_failed_request.load(std::memory_order_relaxed);
  msg += asked ? "a request for " + core::format_bytes(static_cast<double>(asked)) + " could not be met"
               : std::string("a memory request could not be met");
  if (const auto limit = core::address_space_limit())
    msg += " (the address-space limit, ulimit -v, is " + core::format_bytes(static_cast<double>(limit)) + ")";
  else if (const auto available = core::memory_available())
    msg += " (" + core::format_bytes(static_cast<double>(available)) + " of memory is available)";
  return msg + "; run it with more memory, or with fewer patients, time courses or --threads";
}

}  // namespace twinsim::cli
