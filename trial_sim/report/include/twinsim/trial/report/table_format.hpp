// Text renderings of decision tables and dose-transition pathways
// (`twinsim boundaries`, `twinsim pathways`; docs/boundaries.md), in the
// formats of oc_format.hpp. Dose indices are 0-based in csv and json, as in
// the result file; the path strings and the tables number doses from 1, as
// clinicians and escalation::get_dose_paths do ("1NNT 2NNN": dose 1, one DLT
// of 3, then dose 2, none of 3).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "twinsim/trial/designs/decision_table.hpp"
#include "twinsim/trial/designs/path_tree.hpp"
#include "twinsim/trial/report/oc_format.hpp"

namespace twinsim::trial {

struct DesignTable {
  std::string name, type;
  std::optional<DecisionTable> table;  // nullopt: the design has none
  std::optional<RuleTable> rules;      // Design::rule_table() (Simon, BOP2, BOIN12)
  std::string why_none;                // neither: why
};

// json: {"designs": [{"name", "type", "n", "escalate_if_dlt_at_most",
// "deescalate_if_dlt_at_least", "eliminate_if_dlt_at_least" (null where none
// applies), the table's parameters (BOIN: "lambda_e", "lambda_d"), "decisions"
// (per n, the letters for y = 0..n)}]}; a design without a table has
// "table": null and "reason". A design with a RuleTable adds its values as
// keys (Simon: "r1", "n1", "r", "n", "en_p0", "pet_p0", ...), one array per
// column (null where none applies) and "legend". csv holds the escalation
// tables only.
std::string format_boundaries(const std::vector<DesignTable>& designs, OcFormat format);

struct DesignPathways {
  std::string name, type;
  int cohorts = 0;
  std::vector<PathNode> nodes;  // dose_pathways(), depth-first
};

// "1NNT 2NNN" (DLTs written last within a cohort; empty for the start).
std::string path_string(const std::vector<PathCohort>& path);

std::string format_pathways(const std::vector<DesignPathways>& designs, const std::vector<double>& dose_levels,
                            OcFormat format);

}  // namespace twinsim::trial
