// A run kept in memory as typed, named tables (result_tables.hpp): the
// ResultSink for callers that want the results themselves rather than a file
// (tests, a future Python module). Holds every row of every design, so its
// memory grows with replicates x patients; a run meant for a file streams
// through the HDF5 sink (io/hdf5_sink.hpp) instead.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "twinsim/trial/results/result_sink.hpp"
#include "twinsim/trial/results/result_tables.hpp"

namespace twinsim::trial {

struct DesignResults {
  DesignInfo info;
  std::vector<ResultTable> tables;  // design_tables(): trials/, patients/, cycles/, timecourses/
  std::vector<double> time_grid;    // h, the columns of timecourses/ (empty without)
  DesignOc oc;                      // oc/ as the run computed it
  DesignFailures failures;
  const ResultTable* table(const std::string& name) const;
};

struct MemoryResults {
  RunInfo run;
  std::optional<TruthCurve> truth;  // the reference cohort's (PK/PD mode)
  std::vector<DesignResults> designs;  // in scenario order
  bool complete = false;               // commit() was called
  const DesignResults* design(const std::string& name) const;
};

class MemorySink final : public ResultSink {
 public:
  void begin_run(const RunInfo& run) override;
  void truth(const TruthCurve& truth) override;
  void begin_design(const DesignInfo& design) override;
  void append(const ResultBlock& block) override;
  void end_design(const DesignOc& oc, const DesignFailures& failures) override;
  void commit() override;
  std::vector<DesignExposure> exposure(const std::string& reference_key) const override;

  const MemoryResults& results() const { return results_; }
  MemoryResults take() { return std::move(results_); }

 private:
  MemoryResults results_;
};

}  // namespace twinsim::trial
