// What a result file's stored scenario text (the scenario_yaml attribute)
// says about its patients and designs, for `report` and `compare`; read
// without validating, so a file written by another version still reads.
#pragma once

#include <string>
#include <vector>

namespace twinsim::trial {

struct ScenarioText {
  std::string population_key;       // see OcReport::population_key
  std::vector<std::string> designs;  // design names in scenario order
};

// source names the text in diagnostics. Unreadable text gives an empty key
// (never paired with another file) and no design order (designs in file order).
ScenarioText parse_scenario_text(const std::string& yaml, const std::string& source);

}  // namespace twinsim::trial
