// The validated, typed description of a scenario file (see docs/scenario-reference.md).
// Inert data: units converted once, every value range-checked by the loader.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "twinsim/core/config.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/pkpd/pd_model.hpp"
#include "twinsim/pkpd/pk_model.hpp"
#include "twinsim/trial/designs/design.hpp"
#include "twinsim/trial/endpoints/dlt_rule.hpp"
#include "twinsim/trial/endpoints/endpoint.hpp"
#include "twinsim/trial/protocol/regimen.hpp"
#include "twinsim/trial/results/oc_metrics.hpp"
#include "twinsim/trial/scenario/value_rules.hpp"
#include "twinsim/vp/population.hpp"

namespace twinsim::trial {

// Limits on sizes a scenario may ask for: rejected by validation, not attempted.
struct ScenarioLimits {
  static constexpr std::int64_t kMaxReplicates = ValueRules::kMaxReplicates;
  static constexpr std::size_t kMaxDoseLevels = 100;
  static constexpr std::int64_t kMaxCycles = 1000;
  static constexpr std::int64_t kMaxDosesPerCycle = 10000;
  static constexpr double kMaxSimulatedHours = 24.0 * 365 * 20;  // 20 years
  static constexpr std::int64_t kMaxGridPoints = 1'000'000;
};
static_assert(ScenarioLimits::kMaxDoseLevels <= kMaxDesignDoses, "more dose levels than the designs support");

// The name the PK model's central concentration (mg/L) goes by among the
// scenario's variables.
constexpr const char* kConcentrationOutput = "Cc";

struct PkSpec {
  std::shared_ptr<const pkpd::PkModel> model;
  std::vector<double> values;  // typical values in model->parameters() order
};

struct PdSpec {
  std::string type;                            // registry name, "friberg"; "ode" for a user-defined PD model
  std::string name;                            // output variable name ("ANC" by default); a user model's label
  std::shared_ptr<const pkpd::PdModel> model;
  std::vector<double> values;                  // in model->parameters() order
  int input_block = -1;                        // -1: Cc; else index of an effect_compartment entry
  // A user-defined PD model's outputs, each a variable (model->n_outputs()
  // names); empty for built-in models, whose one output is `name`.
  std::vector<std::string> outputs;
};

// A whole user-defined PK/PD model (model.ode, docs/user-models.md): one
// block of the model system, on a PK system without states.
struct OdeSpec {
  std::shared_ptr<const pkpd::PdModel> model;
  std::vector<double> values;         // typical values, in model->parameters() order
  std::vector<std::string> states;    // state names (AUC appended when there is a Cc output)
  std::vector<std::string> outputs;
  int oral_state = -1, iv_state = -1; // where oral and IV doses enter (-1: route not accepted)
  int cc_output = -1;                 // index of the output named Cc, -1 if none
  int auc_state = -1;                 // the appended AUC state, -1 without Cc
};

// ODE solver tolerances (model.solver); 0 keeps the engine's default.
struct SolverSpec {
  double rtol = 0.0;
  double atol = 0.0;
};

// What a patient whose model could not be solved (solve_status != 0) counts
// as for the design it is enrolled in (endpoints.dlt.on_solve_failure). Such a
// patient has no DLT assessment; counting it as "no DLT" makes a design
// escalate past doses it cannot simulate, so the default is the conservative
// kDlt (docs/reliability.md, "Per-patient failures").
enum class SolveFailurePolicy {
  kDlt,    // counted (and recorded) as a DLT; the run goes on
  kNoDlt,  // counted (and recorded) as no DLT; the run goes on
  kError,  // the run stops with PatientSolveError (exit code 1, no output)
  // Not evaluable, so replaced, as protocols do: another patient is enrolled
  // at the same dose and the failed one is neither seen by the design nor
  // recorded in patients/. At most cohort-size replacements per cohort, so a
  // dose nobody can be simulated at cannot loop; failures beyond that count
  // as DLTs (as kDlt).
  kReplace,
};
const char* to_string(SolveFailurePolicy p);  // "dlt", "no_dlt", "error", "replace"

struct EndpointSpec {
  std::optional<DltRule> dlt;
  std::int64_t truth_cohort_size = 10000;  // reference patients per dose for /truth (0: skip)
  SolveFailurePolicy on_solve_failure = SolveFailurePolicy::kDlt;  // only with a DLT rule, see failure_policy()
  // The endpoints of the per-patient and per-cycle tables, in column order
  // (endpoint_types() order; PK/PD mode).
  std::vector<std::shared_ptr<const Endpoint>> list;

  // The policy in force: without a DLT rule no patient has a DLT, failed or not.
  SolveFailurePolicy failure_policy() const { return dlt ? on_solve_failure : SolveFailurePolicy::kNoDlt; }
};

struct OutputSpec {
  std::vector<std::string> timecourses;  // "Cc", "AUC", state names
  double grid_h = 1.0;
  // Write the per-patient (and per-cycle) tables. Off for very large
  // design-only runs, where they dominate the cost and OCs need only trials.
  bool patients = true;
  int compression = 1;  // deflate level 0-9 of the result tables (0: none)
};

struct DesignSpec {
  std::string name;
  std::string type;
  std::shared_ptr<const Design> design;
  // designs[i].regimen: this arm's regimen instead of the scenario's (PK/PD
  // mode; same number of cycles). Its patients are the scenario's.
  std::optional<RegimenSpec> regimen;
};

// Trial duration model: patients arrive at a steady rate; a cohort's
// successor starts when its last patient has completed the DLT window.
struct AccrualSpec {
  double patients_per_month = 0.0;  // a month is 30.4375 days
  double dlt_window_days = 0.0;
  // fixed: one arrival every 30.4375 / patients_per_month days (the default);
  // poisson: exponential gaps of that mean, from the patient's stream.
  bool poisson = false;
};

// Design-only efficacy (`efficacy`): a binary response per patient with a true
// probability per dose, correlated with the DLT through a latent bivariate
// normal (Gaussian copula, docs/scenario-reference.md, "efficacy").
struct EfficacySpec {
  std::vector<double> true_response_probabilities;  // per dose, in [0, 1]
  double correlation = 0.0;  // of the latent normals of DLT and response, in (-1, 1)
};

struct Scenario {
  std::string name;
  std::uint64_t seed = 0;
  std::int64_t replicates = 1;
  std::vector<double> dose_levels;

  // Exactly one source of truth: design-only DLT probabilities, or a PK/PD model.
  std::optional<std::vector<double>> true_dlt_probabilities;
  std::optional<PkSpec> pk;
  std::optional<EfficacySpec> efficacy;  // design-only mode; PK/PD mode takes RECIST's objective_response
  std::optional<OdeSpec> ode;  // instead of pk: a user-defined whole model
  std::vector<PdSpec> pd;
  SolverSpec solver;
  // Virtual population (PK/PD mode); a default Population is the typical patient.
  std::shared_ptr<const vp::Population> population = std::make_shared<vp::Population>();
  RegimenSpec regimen;
  EndpointSpec endpoints;
  OutputSpec output;
  std::vector<DesignSpec> designs;
  std::optional<AccrualSpec> accrual;
  ScoringOptions scoring;  // how the OCs score selections (`scoring`)

  // One line per user model that runs on the interpreter: why (no compiler, ...).
  std::vector<std::string> notes;

  std::string source_path;  // the file it came from
  std::string source_text;  // its full text (stored in the HDF5 provenance)

  bool pkpd_mode() const { return pk.has_value() || ode.has_value(); }
  // Every patient has a response outcome: `efficacy` (design-only) or a RECIST endpoint (PK/PD).
  bool has_efficacy() const;
  // The regimen design d runs under: its own, else the scenario's.
  const RegimenSpec& regimen_of(std::size_t d) const {
    return designs[d].regimen ? *designs[d].regimen : regimen;
  }
  // End (h) of the longest regimen, scenario's or an arm's: the time courses' common grid.
  double horizon_h() const;
  // Names a time course, DLT criterion or RECIST may refer to: Cc, AUC, PK
  // state names, PD output names (model.ode: Cc if an output, the other
  // outputs, the states).
  std::vector<std::string> variables() const;
  // Outputs of the model's blocks (PD outputs; model.ode's outputs).
  std::vector<std::string> model_outputs() const;
  // Model parameter names (PK, then PD as NAME.PARAM; model.ode's as written)
  // and their typical values.
  std::vector<std::string> parameter_names() const;
  std::vector<double> typical_values() const;
};

// Parses and validates; collects every problem and throws core::ScenarioError.
Scenario load_scenario_file(const std::string& path);
Scenario load_scenario_text(const std::string& text, const std::string& name);
// From an already parsed (possibly edited) document, e.g. a sweep variant:
// diagnostics carry the marks of the tree's nodes; relative file names in the
// scenario (population.csv) resolve against base_dir; text is kept as the
// provenance (Scenario::source_text).
Scenario load_scenario_tree(const core::ConfigNode& root, const std::string& text, const std::string& name,
                            const std::string& base_dir);

}  // namespace twinsim::trial
