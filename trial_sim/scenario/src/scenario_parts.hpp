// Readers of the scenario's sections, shared by the loader's files.
#pragma once

#include <optional>
#include <vector>

#include "twinsim/core/config.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace twinsim::trial {

std::optional<std::vector<double>> read_parameters(const core::ConfigNode& node, core::Diagnostics& diag,
                                                   const std::vector<pkpd::ParamSpec>& specs);
std::optional<PkSpec> read_pk(const core::ConfigNode& node, core::Diagnostics& diag);
// notes: why user models (type: ode) run on the interpreter, if they do.
std::vector<PdSpec> read_pd(const core::ConfigNode& node, core::Diagnostics& diag, std::vector<std::string>& notes);
// `model`: pk (or ode), pd, solver, into s (scenario_user_model.cpp).
void read_model(const core::ConfigNode& node, core::Diagnostics& diag, Scenario& s);
// A user-defined PD entry (type: ode), in scenario_user_model.cpp; nullopt after an error.
std::optional<PdSpec> read_user_pd(const core::ConfigNode& entry, core::Diagnostics& diag,
                                   std::vector<std::string>& notes);
// What a regimen is read against: the PK model (CMT numbers of regimen.events)
// and the folder relative file names resolve in.
struct RegimenContext {
  const PkSpec* pk = nullptr;
  std::string base_dir = ".";
};
std::optional<RegimenSpec> read_regimen(const core::ConfigNode& node, core::Diagnostics& diag,
                                        const RegimenContext& ctx);
// regimen.events (scenario_events.cpp): `r` is the regimen's reader, `events` its file name node.
std::optional<RegimenSpec> read_event_regimen(core::MapReader& r, const core::ConfigNode& events,
                                              core::Diagnostics& diag, const RegimenContext& ctx);
// regimen.dose_unit: the weight and height covariates by index (node: the regimen's).
void resolve_body_size(RegimenSpec& g, const core::ConfigNode& node, const vp::Population& population,
                       core::Diagnostics& diag);
// The exposure metrics' default interval (the first gap between a cycle's doses), else `fallback`.
double regimen_first_gap(const RegimenSpec& g, double fallback);
// The regimen's routes and compartments against the PK model (node: the regimen's).
void check_regimen_model(const RegimenSpec& g, const core::ConfigNode& node, const PkSpec& pk,
                         core::Diagnostics& diag);
// Every record's route must name a dosing state of model.ode; no CMT numbers, no steady state
// (node: the regimen's).
void check_ode_route(const OdeSpec& ode, const RegimenSpec& g, const core::ConfigNode& node, core::Diagnostics& diag);
// Design-only mode: only `patients` (time courses need a model).
OutputSpec read_design_only_output(const core::ConfigNode& node, core::Diagnostics& diag);
OutputSpec read_output(const core::ConfigNode& node, core::Diagnostics& diag,
                       const std::vector<std::string>& variables, double end_time);
// node: the `endpoints` section, null when absent (the implied endpoints still apply).
// Design-only `efficacy`; n_doses: 0 when dose_levels is unknown (not checked).
std::optional<EfficacySpec> read_efficacy(const core::ConfigNode& node, core::Diagnostics& diag, std::size_t n_doses);
EndpointSpec read_endpoints(const core::ConfigNode* node, core::Diagnostics& diag, const Scenario& s);

}  // namespace twinsim::trial
