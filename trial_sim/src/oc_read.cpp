// Reading a result file into operating characteristics (oc_report.hpp):
// checks the schema version, reads trials/ and patients/, recomputes the OCs
// and cross-checks them against the stored oc/ summaries.
#include "twinsim/trial/oc_report.hpp"  // implemented here and in oc_report.cpp

#include <algorithm>
#include <cstdlib>

#include "twinsim/core/config.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/core/h5.hpp"
#include "twinsim/core/version.hpp"

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

struct ScenarioText {
  std::string population_key;       // see OcReport::population_key
  std::vector<std::string> designs;  // design names in scenario order
};

ScenarioText parse_scenario_text(const std::string& yaml) {
  ScenarioText out;
  try {
    const core::ConfigNode root = core::ConfigNode::load_string(yaml, "scenario_yaml");
    if (!root.is_map()) return out;
    auto keys = root.keys();
    std::sort(keys.begin(), keys.end());
    std::string key;
    for (const auto& k : keys) {
      // Not part of what the patients are: labels, run size, designs, saved outputs.
      if (k == "name" || k == "seed" || k == "replicates" || k == "designs" || k == "output") continue;
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

// Designs in scenario order (HDF5 lists a group's members by name); names the
// scenario text does not list go last.
void order_like_scenario(std::vector<std::string>& names, const std::vector<std::string>& order) {
  auto rank = [&](const std::string& n) {
    const auto it = std::find(order.begin(), order.end(), n);
    return static_cast<std::size_t>(it - order.begin());
  };
  std::stable_sort(names.begin(), names.end(),
                   [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
}

std::optional<double> read_scalar(const core::H5Reader& h5, const std::string& path) {
  if (!h5.exists(path)) return std::nullopt;
  const auto v = h5.read_doubles(path);
  if (v.size() != 1) return std::nullopt;
  return v[0];
}

std::vector<double> read_optional(const core::H5Reader& h5, const std::string& path) {
  return h5.exists(path) ? h5.read_doubles(path) : std::vector<double>{};
}

}  // namespace

OcReport read_oc_report(const std::string& path) {
  const core::H5Reader h5(path);  // missing, not HDF5, unopenable: RuntimeError
  const std::string file = "'" + path + "': ";
  if (!h5.has_attribute("/", "schema_version"))
    throw core::RuntimeError(file + "no schema_version attribute (not a twinsim result file, or corrupt)");
  OcReport rep;
  rep.path = path;
  rep.schema_version = h5.attribute_int("/", "schema_version");
  if (rep.schema_version != core::kSchemaVersion)
    throw core::RuntimeError(file + "unsupported schema_version " + std::to_string(rep.schema_version) +
                             " (this twinsim reads schema_version " + std::to_string(core::kSchemaVersion) + ")");
  rep.scenario_name = h5.attribute_string("/", "scenario_name");
  rep.mode = h5.has_attribute("/", "mode") ? h5.attribute_string("/", "mode") : std::string();
  rep.seed = static_cast<std::uint64_t>(h5.attribute_int("/", "seed"));
  rep.replicates = h5.attribute_int("/", "replicates");
  const ScenarioText text = parse_scenario_text(h5.attribute_string("/", "scenario_yaml"));
  rep.population_key = text.population_key;
  rep.dose_levels = h5.read_doubles("/dose_levels");
  if (rep.dose_levels.empty()) throw core::RuntimeError(file + "/dose_levels is empty");
  if (h5.exists("/truth/dlt_probability")) {
    rep.truth = h5.read_doubles("/truth/dlt_probability");
    if (rep.truth->size() != rep.dose_levels.size())
      throw core::RuntimeError(file + "/truth/dlt_probability has " + std::to_string(rep.truth->size()) +
                               " values for " + std::to_string(rep.dose_levels.size()) + " dose levels");
    if (h5.exists("/truth/dlt_probability_se")) rep.truth_se = h5.read_doubles("/truth/dlt_probability_se");
  }
  if (!h5.exists("/designs")) throw core::RuntimeError(file + "no /designs group");
  auto names = h5.children("/designs");
  if (names.empty()) throw core::RuntimeError(file + "no designs under /designs");
  order_like_scenario(names, text.designs);

  for (const auto& name : names) {
    const std::string g = "/designs/" + name;
    DesignTables t;
    t.name = name;
    t.type = h5.has_attribute(g, "type") ? h5.attribute_string(g, "type") : std::string("?");
    if (h5.has_attribute(g, "target")) t.target = h5.attribute_double(g, "target");
    t.trial = h5.read_ints(g + "/trials/trial");
    t.selected_dose = h5.read_ints(g + "/trials/selected_dose");
    t.n_patients = h5.read_ints(g + "/trials/n_patients");
    t.n_dlts = h5.read_ints(g + "/trials/n_dlts");
    t.patient_trial = h5.read_ints(g + "/patients/trial");
    t.patient_dose_index = h5.read_ints(g + "/patients/dose_index");
    t.patient_dlt = h5.read_ints(g + "/patients/dlt");
    DesignOc oc;
    try {
      oc = compute_design_oc(t, rep.dose_levels, rep.truth, rep.truth_se);
    } catch (const core::RuntimeError& e) {
      throw core::RuntimeError(file + e.what());
    }
    if (oc.trials != rep.replicates)
      oc.warnings.push_back("design '" + name + "': " + std::to_string(oc.trials) + " trials but the file says " +
                            std::to_string(rep.replicates) + " replicates");
    StoredOc s;
    const std::string o = g + "/oc/";
    s.p_select = read_optional(h5, o + "p_select");
    s.p_select_se = read_optional(h5, o + "p_select_se");
    s.mean_patients = read_optional(h5, o + "mean_patients");
    s.mean_patients_se = read_optional(h5, o + "mean_patients_se");
    s.mean_dlts = read_optional(h5, o + "mean_dlts");
    s.mean_dlts_se = read_optional(h5, o + "mean_dlts_se");
    s.p_no_selection = read_scalar(h5, o + "p_no_selection");
    s.p_no_selection_se = read_scalar(h5, o + "p_no_selection_se");
    s.mean_total_patients = read_scalar(h5, o + "mean_total_patients");
    s.mean_total_patients_se = read_scalar(h5, o + "mean_total_patients_se");
    s.mean_total_dlts = read_scalar(h5, o + "mean_total_dlts");
    s.mean_total_dlts_se = read_scalar(h5, o + "mean_total_dlts_se");
    s.trials = read_scalar(h5, o + "trials");
    cross_check_oc(oc, s);
    for (auto& w : oc.warnings) w = file + w;
    rep.designs.push_back(std::move(oc));
  }
  return rep;
}

}  // namespace twinsim::trial
