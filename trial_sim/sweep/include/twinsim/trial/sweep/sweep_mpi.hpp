// Sweep units across MPI ranks. Built with MPI when CMake has TWINSIM_MPI=ON
// (then TWINSIM_HAVE_MPI is defined in trial_sim/sweep/src/sweep_mpi.cpp);
// otherwise mpi_built() is false and MpiContext is never active.
#pragma once

#include <cstddef>
#include <vector>

#include "twinsim/trial/sweep/sweep_run.hpp"

namespace twinsim::trial {

bool mpi_built();
// True when an MPI launcher (mpirun/mpiexec, srun with PMI/PMIx) started this process.
bool mpi_launched();

// Owns MPI_Init_thread (MPI_THREAD_FUNNELED: only the main thread calls MPI)
// and MPI_Finalize. Inactive (rank 0 of 1) without MPI or without a launcher.
class MpiContext {
 public:
  MpiContext(int* argc, char*** argv);
  ~MpiContext();
  MpiContext(const MpiContext&) = delete;
  MpiContext& operator=(const MpiContext&) = delete;

  bool active() const { return active_; }
  int rank() const { return rank_; }
  int size() const { return size_; }
  // Every rank calls these together.
  int broadcast(int value) const;  // rank 0's value
  int max_all(int value) const;    // the largest value over the ranks

 private:
  bool active_ = false;
  int rank_ = 0;
  int size_ = 1;
};

// Dynamic load balancing: rank 0 hands out the units still to run, one at a
// time, to whichever rank asks (it runs units itself on a worker thread while
// its main thread serves requests); every rank runs a unit with OpenMP
// threads. Call on every rank after rank 0 has prepared the folder. Returns
// the number of units this rank ran; rethrows this rank's failure; on rank 0
// also throws RuntimeError if another rank failed. opt.progress is called on
// rank 0 only.
std::size_t run_units_mpi(const MpiContext& mpi, const Sweep& sweep, const std::vector<std::size_t>& units,
                          const SweepOutput& out, const SweepRunOptions& opt);

}  // namespace twinsim::trial
