#include "twinsim/core/serial_executor.hpp"

namespace twinsim::core {

SerialExecutor::SerialExecutor(std::size_t max_pending)
    : max_pending_(max_pending == 0 ? 1 : max_pending), thread_([this] { loop(); }) {}

SerialExecutor::~SerialExecutor() {
  {
    // Reached with tasks queued only when the run failed: drop them, since
    // they refer to objects the caller is about to destroy.
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  changed_.notify_all();
  thread_.join();
}

void SerialExecutor::rethrow_locked() {
  if (error_) std::rethrow_exception(error_);
}

std::uint64_t SerialExecutor::submit(std::function<void()> task) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return queue_.size() < max_pending_ || error_; });
  rethrow_locked();
  queue_.push_back(std::move(task));
  const std::uint64_t ticket = ++submitted_;
  lock.unlock();
  changed_.notify_all();
  return ticket;
}

void SerialExecutor::wait(std::uint64_t ticket) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return completed_ >= ticket || error_; });
  rethrow_locked();
}

void SerialExecutor::finish() {
  std::uint64_t last = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    last = submitted_;
  }
  wait(last);
}

void SerialExecutor::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) return;  // stopping with nothing left
    std::function<void()> task = std::move(queue_.front());
    queue_.pop_front();
    const bool skip = static_cast<bool>(error_);  // after a failure the rest is skipped
    lock.unlock();
    changed_.notify_all();  // a queue slot is free
    std::exception_ptr failed;
    if (!skip) {
      try {
        task();
      } catch (...) {
        failed = std::current_exception();
      }
    }
    task = nullptr;  // release what the task holds before reporting completion
    lock.lock();
    ++completed_;
    if (failed && !error_) error_ = failed;
    changed_.notify_all();
  }
}

}  // namespace twinsim::core
