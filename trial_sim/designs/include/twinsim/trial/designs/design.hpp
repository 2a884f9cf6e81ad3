// Dose-allocation designs: fixed arms and dose-finding rules (3+3, BOIN, CRM, ...).
//
// A Design is the validated, immutable configuration of one `designs[i]` entry
// and is shared by all threads. Each simulated trial gets its own DesignRun,
// which holds the rule's state for that trial. One file per design in
// trial_sim/designs/src/, one line in the registry (design_registry.cpp).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "twinsim/core/config.hpp"
#include "twinsim/trial/designs/decision_table.hpp"
#include "twinsim/trial/designs/trial_history.hpp"

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

struct Decision {
  bool stop = false;    // true: the trial ends now
  int dose = -1;        // dose index for the next cohort (when !stop)
  int cohort_size = 0;  // patients in the next cohort (when !stop)
  // A time-driven design (Design::time_driven) suspends accrual: no patient
  // is enrolled now; the runner advances the clock to the next outcome (a
  // pending patient's DLT onset or window end) and asks again.
  bool suspend = false;
  // A time-driven design refers the arriving patient away (BF-BOIN: the
  // escalation cohort is pending and no dose is open for backfill): nobody is
  // enrolled, the clock moves to the next arrival and the design is asked again.
  bool refer = false;
  // The cohort loop: the next cohort arrives right after this one's last
  // patient instead of after its DLT window (a randomised stage, whose
  // allocation reads no outcome). Time-driven designs ignore it.
  bool concurrent = false;
};

// Scratch a design may keep across the trials one thread runs (e.g. CRM's
// memo of posterior summaries by count state). Owned by whoever runs trials
// (the runner keeps one per thread); never shared by two threads at once. A
// design's decisions must not depend on what a workspace holds, only its speed.
class DesignWorkspace {
 public:
  virtual ~DesignWorkspace() = default;
};

// One trial of a design: the rule's state for that trial.
class DesignRun {
 public:
  virtual ~DesignRun() = default;
  // The first cohort.
  virtual Decision first() = 0;
  // Called after every cohort, with every patient enrolled so far (the last
  // cohort's outcomes in) and the trial day of the decision.
  virtual Decision next(const TrialHistory& history, double now_day) = 0;
  // The selected dose (MTD / RP2D) once the trial has stopped, or -1 for none.
  virtual int select(const TrialHistory& history, double now_day) = 0;
};

// Facts about the scenario a design may need while parsing its options.
struct DesignContext {
  std::size_t n_doses = 0;
  std::vector<double> dose_levels;  // mg (or dose labels in design-only mode)
  // The DLT window (days) of `accrual` (dlt_window_days, else the endpoints.dlt
  // window), or -1 when the scenario has no accrual: time-driven designs need it.
  double accrual_window_days = -1.0;
};

// What a utility-based design selects as its optimal biological dose (OBD):
// its toxicity limit, efficacy floor and 0-100 utilities of (E, no T),
// (neither), (both), (T, no E). Scoring uses them for the true OBD.
struct ObdObjective {
  double phi_t = 0.0, phi_e = 0.0, u1 = 100.0, u2 = 40.0, u3 = 60.0, u4 = 0.0;
};

class Design {
 public:
  virtual ~Design() = default;
  // A trial. ws: from workspace(), for the calling thread, outliving the run;
  // nullptr: the run keeps its own scratch (tests, single trials).
  virtual std::unique_ptr<DesignRun> start(DesignWorkspace* ws) const = 0;
  // Scratch for one thread's trials, or nullptr when the design needs none.
  virtual std::unique_ptr<DesignWorkspace> workspace() const { return nullptr; }
  // false for a protocol-fixed arm: it finds no dose, so it has no target,
  // selects nothing and needs no DLT rule.
  virtual bool is_dose_finding() const { return true; }
  // Decides from each patient's DLT (PK/PD mode then needs endpoints.dlt).
  virtual bool needs_dlt() const { return is_dose_finding(); }
  // Decides from each patient's response (the scenario needs `efficacy`, or
  // a RECIST endpoint in PK/PD mode).
  virtual bool needs_efficacy() const { return false; }
  // true: decides at each patient's arrival from follow-up times (TITE-CRM,
  // TITE-BOIN); the runner then runs the accrual process (arrivals while
  // others are pending, suspensions, DLT onsets) instead of the cohort loop
  // in which every cohort completes its DLT window before the next decision.
  virtual bool time_driven() const { return false; }
  // true: a trial's duration is the runner's clock, not the accrual formula
  // of cohorts that each wait a DLT window (oc_metrics.hpp): time-driven
  // designs, and a randomised stage's patients, who arrive without waiting.
  virtual bool measures_duration() const { return time_driven(); }
  // Largest number of patients one trial can enrol (for output sizing and limits).
  virtual int max_patients() const = 0;
  // Target DLT rate, or a negative number when the design has none (fixed arms).
  virtual double target() const { return -1.0; }
  // nullopt: the design selects an MTD (the default); else it selects an OBD by these utilities.
  virtual std::optional<ObdObjective> obd_objective() const { return std::nullopt; }
  // The planned maximum sample size (the max_patients key), or -1 when the
  // design has none: 3+3 ends by its own rule, a fixed arm treats its
  // patients. A trial with fewer patients stopped early.
  virtual int planned_patients() const { return -1; }
  // What its decisions depend on: `twinsim run --exact` enumerates designs
  // that decide from counts alone, `boundaries` tabulates dose_counts ones.
  // The default, other, promises nothing.
  virtual DecisionBasis decision_basis() const { return DecisionBasis::other; }
  // Its decision table for a scenario of n_doses dose levels, or nullopt when
  // it has none. The default probes the design's own rule
  // (probe_decision_table, up to planned_patients() or max_patients()) for
  // DecisionBasis::dose_counts; a design whose rule is a table returns it.
  virtual std::optional<DecisionTable> decision_table(std::size_t n_doses) const;
  // Its other printed rules (RuleTable), or nullopt when it has none.
  virtual std::optional<RuleTable> rule_table() const { return std::nullopt; }
};

// Parses one design's keys (besides `name` and `type`, which the scenario
// loader reads) and returns the design, or nullptr after adding diagnostics.
// Implementations must read every key through `r` so unknown keys are reported.
using DesignParser = std::unique_ptr<Design> (*)(core::MapReader& r, const DesignContext& ctx);

struct DesignEntry {
  std::string type;         // "boin"
  std::string description;  // one line for docs and --help
  DesignParser parse;
  bool dose_finding = true;  // what its designs' is_dose_finding() says (for files read back by type)
  bool selects_obd = false;  // what its designs' obd_objective() says (for files read back by type)
  bool time_driven = false;  // what its designs' time_driven() says (report reads trials/duration_days)
};

// All design types, in registry order.
const std::vector<DesignEntry>& design_registry();
const DesignEntry* find_design(const std::string& type);
// Adds a design type at run time (before any scenario is loaded; not
// thread-safe). Throws std::invalid_argument for a type that exists.
void register_design(const DesignEntry& entry);
// The registry's word for a type read back from a result file; a type this
// build does not know counts as dose-finding (scored if it has a target).
bool design_type_is_dose_finding(const std::string& type);
// Whether designs of this type select an OBD (DesignEntry::selects_obd); unknown types: false.
bool design_type_selects_obd(const std::string& type);
// Whether designs of this type are time-driven (DesignEntry::time_driven); unknown types: false.
bool design_type_is_time_driven(const std::string& type);

}  // namespace twinsim::trial
