#include "twinsim/trial/scenario/scenario_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "twinsim/core/config.hpp"

namespace twinsim::trial {

namespace {

// Canonical text of a YAML node: map keys sorted, numbers normalised, so
// "0.10" and "0.1" or a reordered map compare equal.
void canonical(const core::ConfigNode& n, std::string& out) {
  switch (n.kind()) {
    case core::ConfigNode::Kind::Map: {
      auto keys = n.keys();
      std::sort(keys.begin(), keys.end());
      out += '{';
      for (const auto& k : keys) {
        out += k + ':';
        canonical(n.get(k), out);
        out += ',';
      }
      out += '}';
      break;
    }
    case core::ConfigNode::Kind::Sequence:
      out += '[';
      for (std::size_t i = 0; i < n.size(); ++i) {
        canonical(n.at(i), out);
        out += ',';
      }
      out += ']';
      break;
    case core::ConfigNode::Kind::Scalar: {
      const std::string& s = n.scalar();
      char* end = nullptr;
      const double v = std::strtod(s.c_str(), &end);
      if (!n.is_quoted() && !s.empty() && end == s.c_str() + s.size() && std::isfinite(v))
        out += core::format_number(v);
      else
        out += '"' + s + '"';
      break;
    }
    default:
      out += '~';
  }
}

}  // namespace


ScenarioText parse_scenario_text(const std::string& yaml, const std::string& source) {
  ScenarioText out;
  try {
    const core::ConfigNode root = core::ConfigNode::load_string(yaml, source);
    if (!root.is_map()) return out;
    auto keys = root.keys();
    std::sort(keys.begin(), keys.end());
    std::string key;
    for (const auto& k : keys) {
      // Not part of what the patients are: labels, run size, designs, saved outputs, how OCs are scored.
      if (k == "name" || k == "seed" || k == "replicates" || k == "designs" || k == "output" || k == "scoring")
        continue;
      key += k + ':';
      canonical(root.get(k), key);
      key += ';';
    }
    out.population_key = key;
    const core::ConfigNode designs = root.get("designs");
    for (std::size_t i = 0; designs.is_sequence() && i < designs.size(); ++i) {
      const core::ConfigNode item = designs.at(i);
      if (item.is_map() && item.get("name").is_scalar()) out.designs.push_back(item.get("name").scalar());
    }
  } catch (const std::exception&) {
    // Unreadable text: never paired with another file, designs in file order.
  }
  return out;
}

}  // namespace twinsim::trial
