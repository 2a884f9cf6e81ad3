#include "sweep_progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace twinsim::cli {

SweepProgress::SweepProgress(bool enabled)
    : enabled_(enabled && ::isatty(STDERR_FILENO)), start_(std::chrono::steady_clock::now()), last_(start_) {}

SweepProgress::~SweepProgress() {
  if (drawn_) std::fputs("\n", stderr);
}

void SweepProgress::update(std::size_t done, std::size_t total, double fraction) {
  if (!enabled_ || total == 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total && now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  const double frac = (static_cast<double>(done) + fraction) / static_cast<double>(total);
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  char left[32] = "?";
  if (frac > 0) std::snprintf(left, sizeof left, "~%.0fs", elapsed * (1.0 - frac) / frac);
  std::fprintf(stderr, "\r%zu/%zu variants (%5.1f%%)  %.0fs elapsed, %s left   ", done, total, 100.0 * frac, elapsed,
               left);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace twinsim::cli
