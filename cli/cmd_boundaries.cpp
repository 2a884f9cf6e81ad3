// twinsim boundaries SCENARIO.yaml [--design NAME] [--format ...]
// twinsim pathways SCENARIO.yaml --cohorts K [--design NAME] [--format ...]
// (docs/boundaries.md). Both read the scenario only: nothing is simulated.
#include <cstdio>
#include <stdexcept>

#include "commands.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/trial/designs/randomised_stage.hpp"
#include "twinsim/trial/report/table_format.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace twinsim::cli {

namespace {

// The scenario's designs, or the one named (UsageError for an unknown name).
std::vector<const trial::DesignSpec*> chosen(const trial::Scenario& s, const std::optional<std::string>& name) {
  std::vector<const trial::DesignSpec*> out;
  std::string names;
  for (const auto& d : s.designs) {
    if (!name || d.name == *name) out.push_back(&d);
    names += (names.empty() ? "" : ", ") + d.name;
  }
  if (out.empty()) throw core::UsageError("--design: the scenario has no design '" + *name + "' (it has " + names + ")");
  return out;
}

void print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

}  // namespace

int boundaries_command(const TableArgs& a) {
  const trial::OcFormat format = trial::parse_oc_format(a.format);
  const trial::Scenario s = trial::load_scenario_file(a.scenario);
  std::vector<trial::DesignTable> tables;
  for (const trial::DesignSpec* d : chosen(s, a.design)) {
    trial::DesignTable t{d->name, d->type, d->design->decision_table(s.dose_levels.size()), d->design->rule_table(), {}};
    if (!t.table && !t.rules)
      t.why_none = !d->design->is_dose_finding()
                       ? "a fixed arm makes no decisions"
                       : d->design->decision_basis() == trial::DecisionBasis::counts
                             ? "its decisions depend on the data of every dose (model-based); see twinsim pathways"
                             : "its decisions are not a table of the current dose's patients and DLTs"
                               " (or the scenario has fewer than 3 dose levels to ask its rule at)";
    tables.push_back(std::move(t));
  }
  print(trial::format_boundaries(tables, format));
  return 0;
}

int pathways_command(const TableArgs& a) {
  const trial::OcFormat format = trial::parse_oc_format(a.format);
  const trial::Scenario s = trial::load_scenario_file(a.scenario);
  std::vector<trial::DesignPathways> out;
  for (const trial::DesignSpec* d : chosen(s, a.design)) {
    trial::DesignPathways p{d->name, d->type, a.cohorts, {}};
    // Pathways replay cohorts of DLT counts on one day: a time-driven design
    // decides from follow-up times and arrivals, which a path does not have.
    if (d->design->time_driven())
      throw core::UsageError("design '" + d->name + "': type " + d->type +
                             " decides from follow-up times and arrivals; it has no pathway tree");
    // A randomised stage's allocation reads no outcome: the tree is its escalation's.
    const auto* staged = dynamic_cast<const trial::RandomisedStage*>(d->design.get());
    const trial::Design& tree = staged ? staged->escalation() : *d->design;
    try {
      p.nodes = trial::dose_pathways(tree, s.dose_levels.size(), a.cohorts);
    } catch (const std::length_error& e) {
      throw core::UsageError("design '" + d->name + "': " + e.what());
    }
    out.push_back(std::move(p));
  }
  print(trial::format_pathways(out, s.dose_levels, format));
  return 0;
}

}  // namespace twinsim::cli
