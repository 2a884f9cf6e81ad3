#include "twinsim/trial/results/memory_sink.hpp"

#include <stdexcept>

#include "twinsim/trial/results/oc_tables.hpp"

namespace twinsim::trial {

const ResultTable* DesignResults::table(const std::string& name) const {
  for (const auto& t : tables)
    if (t.name == name) return &t;
  return nullptr;
}

const DesignResults* MemoryResults::design(const std::string& name) const {
  for (const auto& d : designs)
    if (d.info.name == name) return &d;
  return nullptr;
}

void MemorySink::begin_run(const RunInfo& run) { results_ = MemoryResults{run, std::nullopt, {}, false}; }

void MemorySink::truth(const TruthCurve& truth) { results_.truth = truth; }

void MemorySink::begin_design(const DesignInfo& design) {
  DesignResults d;
  d.info = design;
  d.tables = design_tables(results_.run);
  if (!results_.run.layout.timecourse_variables.empty()) d.time_grid = results_.run.layout.time_grid;
  results_.designs.push_back(std::move(d));
}

void MemorySink::append(const ResultBlock& block) {
  if (results_.designs.empty()) throw std::logic_error("MemorySink::append before begin_design");
  append_block(results_.run, block, results_.designs.back().tables);
}

void MemorySink::end_design(const DesignOc& oc, const DesignFailures& failures) {
  if (results_.designs.empty()) throw std::logic_error("MemorySink::end_design before begin_design");
  results_.designs.back().oc = oc;
  results_.designs.back().failures = failures;
}

void MemorySink::commit() { results_.complete = true; }

std::vector<DesignExposure> MemorySink::exposure(const std::string& reference_key) const {
  return memory_exposure(results_, reference_key);
}

}  // namespace twinsim::trial
