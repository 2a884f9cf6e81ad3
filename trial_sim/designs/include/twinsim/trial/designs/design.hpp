// Dose-allocation designs: fixed arms and dose-finding rules (3+3, BOIN, CRM, ...).
//
// A Design is the validated, immutable configuration of one `designs[i]` entry
// and is shared by all threads. Each simulated trial gets its own DesignRun,
// which holds the rule's state for that trial. One file per design in
// trial_sim/designs/src/, one line in the registry (design_registry.cpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "twinsim/core/config.hpp"

namespace twinsim::trial {

// Most dose levels a design supports (fixed scratch arrays); the scenario's
// limit (ScenarioLimits::kMaxDoseLevels) must not exceed it.
constexpr std::size_t kMaxDesignDoses = 128;

// Rules for design values that the command line can give too (written once,
// so the file and the option refuse alike; see scenario/value_rules.hpp).
struct DesignRules {
  // A design's `target` DLT rate, and `report` / `compare --target`: at 0 or 1
  // no dose can be "closest to target" in any useful sense.
  static core::Range target() { return core::Range::open_unit(); }
};

// What a design knows after each cohort. Dose indices are 0-based.
struct TrialData {
  std::vector<int> n;    // patients treated per dose level
  std::vector<int> dlt;  // DLTs observed per dose level (within the DLT window)
  int current = -1;      // dose index of the most recent cohort (-1 before the first)
  int last_cohort_size = 0;
  int last_cohort_dlts = 0;
  int total_patients = 0;
  int cohorts = 0;

  explicit TrialData(std::size_t doses = 0) : n(doses, 0), dlt(doses, 0) {}
};

struct Decision {
  bool stop = false;    // true: the trial ends now
  int dose = -1;        // dose index for the next cohort (when !stop)
  int cohort_size = 0;  // patients in the next cohort (when !stop)
};

class DesignRun {
 public:
  virtual ~DesignRun() = default;
  // The first cohort.
  virtual Decision first() = 0;
  // Called after every cohort's outcomes are in `data`.
  virtual Decision next(const TrialData& data) = 0;
  // The selected dose (MTD / RP2D) once the trial has stopped, or -1 for none.
  virtual int select(const TrialData& data) = 0;
};

// Facts about the scenario a design may need while parsing its options.
struct DesignContext {
  std::size_t n_doses = 0;
  std::vector<double> dose_levels;  // mg (or dose labels in design-only mode)
};

class Design {
 public:
  virtual ~Design() = default;
  virtual std::unique_ptr<DesignRun> start() const = 0;
  // Largest number of patients one trial can enrol (for output sizing and limits).
  virtual int max_patients() const = 0;
  // Target DLT rate, or a negative number when the design has none (fixed arms).
  virtual double target() const { return -1.0; }
  // The planned maximum sample size (the max_patients key), or -1 when the
  // design has none: 3+3 ends by its own rule, a fixed arm treats its
  // patients. A trial with fewer patients stopped early.
  virtual int planned_patients() const { return -1; }
};

// Parses one design's keys (besides `name` and `type`, which the scenario
// loader reads) and returns the design, or nullptr after adding diagnostics.
// Implementations must read every key through `r` so unknown keys are reported.
using DesignParser = std::unique_ptr<Design> (*)(core::MapReader& r, const DesignContext& ctx);

struct DesignEntry {
  std::string type;         // "boin"
  std::string description;  // one line for docs and --help
  DesignParser parse;
};

// All design types, in registry order.
const std::vector<DesignEntry>& design_registry();
const DesignEntry* find_design(const std::string& type);

}  // namespace twinsim::trial
