// The validated, typed description of a scenario file (see docs/scenario-reference.md).
// Inert data: units converted once, every value range-checked by the loader.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "twinsim/core/error.hpp"
#include "twinsim/pkpd/pk_model.hpp"
#include "twinsim/trial/design.hpp"

namespace twinsim::trial {

// Limits on sizes a scenario may ask for: rejected by validation, not attempted.
struct ScenarioLimits {
  static constexpr std::int64_t kMaxReplicates = 100'000'000;
  static constexpr std::size_t kMaxDoseLevels = 100;
  static constexpr std::int64_t kMaxCycles = 1000;
  static constexpr std::int64_t kMaxDosesPerCycle = 10000;
  static constexpr double kMaxSimulatedHours = 24.0 * 365 * 20;  // 20 years
  static constexpr std::int64_t kMaxGridPoints = 1'000'000;
};

struct RegimenSpec {
  pkpd::Route route = pkpd::Route::kOral;
  double interval_h = 24.0;
  int doses_per_cycle = 1;
  double cycle_length_h = 24.0;
  int cycles = 1;
  double infusion_duration_h = 0.0;  // iv_infusion only

  // Dose times (h) of the whole regimen, ascending.
  std::vector<double> dose_times() const;
  // End of the simulated period: the last cycle's end, and at least one full
  // dosing interval after the last dose.
  double end_time() const;
};

struct PkSpec {
  std::shared_ptr<const pkpd::PkModel> model;
  std::vector<double> values;  // typical values in model->parameters() order
};

struct OutputSpec {
  std::vector<std::string> timecourses;  // "Cc", "AUC", state names
  double grid_h = 1.0;
};

struct DesignSpec {
  std::string name;
  std::string type;
  std::shared_ptr<const Design> design;
};

struct Scenario {
  std::string name;
  std::uint64_t seed = 0;
  std::int64_t replicates = 1;
  std::vector<double> dose_levels;

  // Exactly one source of truth: design-only DLT probabilities, or a PK/PD model.
  std::optional<std::vector<double>> true_dlt_probabilities;
  std::optional<PkSpec> pk;
  RegimenSpec regimen;
  OutputSpec output;
  std::vector<DesignSpec> designs;

  std::string source_path;  // the file it came from
  std::string source_text;  // its full text (stored in the HDF5 provenance)

  bool pkpd_mode() const { return pk.has_value(); }
};

// Parses and validates; collects every problem and throws core::ScenarioError.
Scenario load_scenario_file(const std::string& path);
Scenario load_scenario_text(const std::string& text, const std::string& name);

}  // namespace twinsim::trial
