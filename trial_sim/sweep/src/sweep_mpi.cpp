// MPI runner for sweeps: rank 0 hands out units on request. Only this file
// talks to MPI; without TWINSIM_HAVE_MPI it compiles to the inactive stubs.
#include "twinsim/trial/sweep/sweep_mpi.hpp"

#include <cstdlib>

#ifdef TWINSIM_HAVE_MPI
#include <mpi.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>
#endif

namespace twinsim::trial {

bool mpi_launched() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"})
    if (std::getenv(v)) return true;
  return false;
}

#ifndef TWINSIM_HAVE_MPI

bool mpi_built() { return false; }
MpiContext::MpiContext(int*, char***) {}
MpiContext::~MpiContext() = default;
int MpiContext::broadcast(int value) const { return value; }
int MpiContext::max_all(int value) const { return value; }
std::size_t run_units_mpi(const MpiContext&, const Sweep& sweep, const std::vector<std::size_t>& units,
                          const SweepOutput& out, const SweepRunOptions& opt) {
  return run_units(sweep, units, out, opt);
}

#else

namespace {

constexpr int kTagRequest = 1;  // worker -> rank 0: {kind, unit}
constexpr int kTagAssign = 2;   // rank 0 -> worker: unit index, or -1 = no more work
enum Kind : long long { kReady = 0, kDone = 1, kFailed = 2 };

// Units still to run, shared by rank 0's dispatcher and its own worker thread.
class Queue {
 public:
  explicit Queue(std::vector<std::size_t> units) : units_(std::move(units)) {}
  long long pop() {
    std::lock_guard<std::mutex> lock(m_);
    if (closed_ || next_ >= units_.size()) return -1;
    return static_cast<long long>(units_[next_++]);
  }
  void close() {
    std::lock_guard<std::mutex> lock(m_);
    closed_ = true;
  }

 private:
  std::mutex m_;
  std::vector<std::size_t> units_;
  std::size_t next_ = 0;
  bool closed_ = false;
};

std::size_t run_worker_rank(const Sweep& sweep, const SweepOutput& out, const SweepRunOptions& opt) {
  std::size_t ran = 0;
  long long msg[2] = {kReady, -1};
  std::exception_ptr failure;
  for (;;) {
    MPI_Send(msg, 2, MPI_LONG_LONG, 0, kTagRequest, MPI_COMM_WORLD);
    long long unit = -1;
    MPI_Recv(&unit, 1, MPI_LONG_LONG, 0, kTagAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (unit < 0) break;
    try {
      run_variant(sweep, sweep.variants[static_cast<std::size_t>(unit)], out, variant_options(opt));
      ++ran;
      msg[0] = kDone;
    } catch (...) {
      failure = std::current_exception();
      msg[0] = kFailed;
    }
    msg[1] = unit;
  }
  if (failure) std::rethrow_exception(failure);
  return ran;
}

}  // namespace

bool mpi_built() { return true; }

MpiContext::MpiContext(int* argc, char*** argv) {
  if (!mpi_launched()) return;
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  active_ = true;
}

MpiContext::~MpiContext() {
  if (active_) MPI_Finalize();
}

int MpiContext::broadcast(int value) const {
  if (active_) MPI_Bcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return value;
}

int MpiContext::max_all(int value) const {
  int out = value;
  if (active_) MPI_Allreduce(&value, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return out;
}

std::size_t run_units_mpi(const MpiContext& mpi, const Sweep& sweep, const std::vector<std::size_t>& units,
                          const SweepOutput& out, const SweepRunOptions& opt) {
  if (!mpi.active() || mpi.size() == 1) return run_units(sweep, units, out, opt);
  if (mpi.rank() != 0) return run_worker_rank(sweep, out, opt);

  std::vector<std::size_t> todo;
  for (std::size_t u : units)
    if (!out.is_complete(sweep.variants[u])) todo.push_back(u);
  Queue queue(todo);
  std::atomic<std::size_t> finished{0}, ran_here{0};
  std::atomic<bool> local_done{false};
  std::exception_ptr local_failure;
  // Rank 0's own share, on a thread that never calls MPI.
  std::thread local([&] {
    try {
      for (long long u = queue.pop(); u >= 0; u = queue.pop()) {
        run_variant(sweep, sweep.variants[static_cast<std::size_t>(u)], out, variant_options(opt));
        ++ran_here;
        ++finished;
      }
    } catch (...) {
      local_failure = std::current_exception();
      queue.close();
    }
    local_done = true;
  });

  int active_workers = mpi.size() - 1;
  long long failed_unit = -1;
  int failed_rank = -1;
  if (opt.progress) opt.progress(0, todo.size(), 0.0);
  while (active_workers > 0 || !local_done) {
    int flag = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, kTagRequest, MPI_COMM_WORLD, &flag, &status);
    if (!flag) {
      if (opt.progress) opt.progress(finished, todo.size(), 0.0);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      continue;
    }
    long long msg[2];
    MPI_Recv(msg, 2, MPI_LONG_LONG, status.MPI_SOURCE, kTagRequest, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (msg[0] == kDone) ++finished;
    if (msg[0] == kFailed) {
      failed_unit = msg[1];
      failed_rank = status.MPI_SOURCE;
      queue.close();
    }
    long long next = (opt.stop && opt.stop()) ? -1 : queue.pop();
    if (next < 0) --active_workers;
    MPI_Send(&next, 1, MPI_LONG_LONG, status.MPI_SOURCE, kTagAssign, MPI_COMM_WORLD);
  }
  local.join();
  if (opt.progress) opt.progress(finished, todo.size(), 0.0);
  if (local_failure) std::rethrow_exception(local_failure);
  if (failed_unit >= 0)
    throw core::RuntimeError("variant " + sweep.variants[static_cast<std::size_t>(failed_unit)].id +
                             " failed on MPI rank " + std::to_string(failed_rank) + " (its message is above)");
  return ran_here;
}

#endif

}  // namespace twinsim::trial
