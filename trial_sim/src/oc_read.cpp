// Reading result files into operating characteristics (oc_report.hpp):
// checks the schema version, streams trials/ and patients/ of every design
// (oc_stream.hpp), recomputes the OCs from the sums and cross-checks them
// against the stored oc/ summaries.
#include "twinsim/trial/oc_report.hpp"  // implemented here and in oc_report.cpp

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "twinsim/core/config.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/core/h5.hpp"
#include "twinsim/core/version.hpp"
#include "twinsim/trial/scenario.hpp"
#include "oc_stream.hpp"

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

// A stored oc/ summary: one value per dose at most. The size is checked
// before reading: only the per-trial tables may be long, and those are
// streamed.
std::vector<double> read_optional(const core::H5Reader& h5, const std::string& path) {
  if (!h5.exists(path)) return {};
  double n = 1;  // no overflow on a corrupt shape
  for (auto d : h5.dims(path)) n *= static_cast<double>(d);
  if (n > ScenarioLimits::kMaxDoseLevels)
    throw core::RuntimeError("'" + h5.path() + "': " + path + " has " + core::format_number(n) +
                             " values, not one per dose level");
  return h5.read_doubles(path);
}

std::optional<double> read_scalar(const core::H5Reader& h5, const std::string& path) {
  const auto v = read_optional(h5, path);
  if (v.size() != 1) return std::nullopt;
  return v[0];
}

// Everything but the designs' tables: attributes, dose levels, truth, and
// the design names in scenario order.
OcReport read_header(const core::H5Reader& h5, const std::string& path, std::vector<std::string>& names) {
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
  // Sized before reading: the sums hold doses² values per design.
  const auto dims = h5.dims("/dose_levels");
  if (dims.size() != 1 || dims[0] > static_cast<std::uint64_t>(ScenarioLimits::kMaxDoseLevels))
    throw core::RuntimeError(file + "/dose_levels is not a list of at most " +
                             std::to_string(ScenarioLimits::kMaxDoseLevels) + " dose levels");
  rep.dose_levels = h5.read_doubles("/dose_levels");
  if (rep.dose_levels.empty()) throw core::RuntimeError(file + "/dose_levels is empty");
  if (h5.exists("/truth/dlt_probability")) {
    const auto n = h5.dims("/truth/dlt_probability");
    if (n.size() != 1 || n[0] != rep.dose_levels.size())
      throw core::RuntimeError(file + "/truth/dlt_probability does not have one value per dose level (" +
                               std::to_string(rep.dose_levels.size()) + ")");
    rep.truth = h5.read_doubles("/truth/dlt_probability");
    if (h5.exists("/truth/dlt_probability_se") && h5.dims("/truth/dlt_probability_se") == n)
      rep.truth_se = h5.read_doubles("/truth/dlt_probability_se");
  }
  if (!h5.exists("/designs")) throw core::RuntimeError(file + "no /designs group");
  names = h5.children("/designs");
  if (names.empty()) throw core::RuntimeError(file + "no designs under /designs");
  order_like_scenario(names, text.designs);
  return rep;
}

// The stored oc/ summaries of a design, for cross_check_oc.
StoredOc read_stored_oc(const core::H5Reader& h5, const std::string& group) {
  StoredOc s;
  const std::string o = group + "/oc/";
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
  s.true_target_dose = read_scalar(h5, o + "true_target_dose");
  s.p_treated_above_target = read_scalar(h5, o + "p_treated_above_target");
  s.p_treated_above_target_se = read_scalar(h5, o + "p_treated_above_target_se");
  return s;
}

// Without patients/ (output.patients: false) a trial's per-dose counts are
// not in the file; the run computed their means and SEs while it had them
// and stored them in oc/. Those are what report shows. "Treated above
// target" is the run's too, against the design's own target only (another
// target needs the per-trial counts), and its paired difference is n/a.
void use_stored_per_dose(DesignOc& oc, const StoredOc& s) {
  for (std::size_t d = 0; d < oc.doses.size(); ++d) {
    auto pick = [d](const std::vector<double>& v, const std::vector<double>& se) {
      return d < v.size() && d < se.size() ? Estimate{v[d], se[d]} : Estimate{};
    };
    oc.doses[d].mean_patients = pick(s.mean_patients, s.mean_patients_se);
    oc.doses[d].mean_dlts = pick(s.mean_dlts, s.mean_dlts_se);
  }
  oc.above_target = {};
  if (s.true_target_dose && s.p_treated_above_target && s.p_treated_above_target_se &&
      static_cast<int>(*s.true_target_dose) == oc.target_dose && !oc.target_assumed)
    oc.above_target = {*s.p_treated_above_target, *s.p_treated_above_target_se};
}

// One design being read: where it is, its stream and its sums so far.
struct Source {
  std::size_t file = 0;
  std::string name, type;
  std::optional<double> target;
  std::unique_ptr<DesignStream> stream;
  TrialSums sums;
  std::optional<PairSums> pair;  // with sources[0], the reference
};

// Trial r of every design is added before trial r + 1 of any, so that each
// design pairs with the reference trial by trial; designs with fewer trials
// than others simply stop early.
void stream_all(std::vector<Source>& sources) {
  std::int64_t most = 0;
  for (const auto& s : sources) most = std::max(most, s.stream->trials());
  for (std::int64_t first = 0; first < most; first += kStreamBlockRows) {
    const std::int64_t n = std::min(kStreamBlockRows, most - first);
    for (auto& s : sources)
      if (first < s.stream->trials()) s.stream->load(first, std::min(n, s.stream->trials() - first));
    for (std::int64_t r = first; r < first + n; ++r) {
      const TrialValues* ref = nullptr;
      for (auto& s : sources) {
        if (r >= s.stream->trials()) continue;
        const TrialValues& v = s.stream->next();
        add_trial(s.sums, v);
        if (!ref) {
          ref = &v;  // sources[0]: it has trial r whenever a paired design has
        } else if (s.pair) {
          add_pair(*s.pair, v, *ref);
        }
      }
    }
  }
  for (auto& s : sources) s.stream->finish();
}

}  // namespace

std::vector<OcReport> read_oc_reports(const std::vector<std::string>& paths) {
  std::vector<std::unique_ptr<core::H5Reader>> files;
  std::vector<OcReport> reports;
  std::vector<Source> sources;
  for (const auto& path : paths) {
    files.push_back(std::make_unique<core::H5Reader>(path));  // missing, not HDF5, unopenable: RuntimeError
    const core::H5Reader& h5 = *files.back();
    std::vector<std::string> names;
    reports.push_back(read_header(h5, path, names));
    const std::size_t D = reports.back().dose_levels.size();
    for (const auto& name : names) {
      const std::string g = "/designs/" + name;
      Source s;
      s.file = files.size() - 1;
      s.name = name;
      s.type = h5.has_attribute(g, "type") ? h5.attribute_string(g, "type") : std::string("?");
      if (h5.has_attribute(g, "target")) s.target = h5.attribute_double(g, "target");
      s.stream = std::make_unique<DesignStream>(h5, g, D, "'" + path + "': design '" + name + "': ");
      s.sums = TrialSums(D);
      s.sums.per_dose = s.stream->has_patients();
      sources.push_back(std::move(s));
    }
  }
  if (sources.empty()) return reports;
  const std::string ref_key = pair_key(paths[0], sources[0].name);
  for (std::size_t k = 1; k < sources.size(); ++k)
    if (sources[k].stream->trials() == sources[0].stream->trials())
      sources[k].pair.emplace(ref_key, sources[k].sums.patients.size(), sources[0].sums.patients.size());
  stream_all(sources);

  for (auto& s : sources) {
    OcReport& rep = reports[s.file];
    const std::string file = "'" + rep.path + "': ";
    DesignOc oc = design_oc_from_sums(s.name, s.type, s.target, std::move(s.sums), rep.dose_levels, rep.truth,
                                      rep.truth_se);
    oc.with_reference = std::move(s.pair);
    if (!s.stream->warning.empty()) oc.warnings.push_back("design '" + s.name + "': " + s.stream->warning);
    if (oc.trials != rep.replicates)
      oc.warnings.push_back("design '" + s.name + "': " + std::to_string(oc.trials) + " trials but the file says " +
                            std::to_string(rep.replicates) + " replicates");
    const StoredOc stored = read_stored_oc(*files[s.file], "/designs/" + s.name);
    if (!oc.sums.per_dose) use_stored_per_dose(oc, stored);
    cross_check_oc(oc, stored);
    for (auto& w : oc.warnings) w = file + w;
    rep.designs.push_back(std::move(oc));
  }
  return reports;
}

OcReport read_oc_report(const std::string& path) { return std::move(read_oc_reports({path}).front()); }

}  // namespace twinsim::trial
