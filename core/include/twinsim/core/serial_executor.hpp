// One background thread that runs tasks in submission order: lets a run hand
// its HDF5 output (not thread-safe, and ~half the cost of a design-only run)
// to a single writer while the simulation threads go on with the next block.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace twinsim::core {

class SerialExecutor {
 public:
  // max_pending: submit() blocks while this many tasks wait, so the memory
  // held by queued tasks stays bounded.
  explicit SerialExecutor(std::size_t max_pending = 2);
  ~SerialExecutor();  // drops queued tasks of a failed run, joins the thread
  SerialExecutor(const SerialExecutor&) = delete;
  SerialExecutor& operator=(const SerialExecutor&) = delete;

  // Queues a task and returns its ticket (1, 2, ...). Rethrows the first
  // exception of an earlier task; after one fails, later tasks are skipped.
  std::uint64_t submit(std::function<void()> task);
  // Waits until the task with this ticket (and all before it) has run.
  void wait(std::uint64_t ticket);
  // Waits for every task; rethrows the first exception.
  void finish();

 private:
  void loop();
  void rethrow_locked();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> queue_;
  std::size_t max_pending_;
  std::uint64_t submitted_ = 0;
  std::uint64_t completed_ = 0;
  bool stopping_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: starts after every other member exists
};

}  // namespace twinsim::core
