// Progress of a sweep on stderr (only on a terminal): variants done / total,
// elapsed time and an estimate of the time left.
#pragma once

#include <chrono>
#include <cstddef>

namespace twinsim::cli {

class SweepProgress {
 public:
  explicit SweepProgress(bool enabled);
  ~SweepProgress();
  // done variants of total; fraction: how far the running variant is.
  void update(std::size_t done, std::size_t total, double fraction);

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace twinsim::cli
