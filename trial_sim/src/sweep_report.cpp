// Reading a merged sweep file into per-variant, per-design OCs. PCS is
// p_select at the true target dose (the dose whose true DLT probability is
// closest to the target), with p_select's stored binomial SE: the same figure
// run writes as oc/pcs, and also available for designs scored against an
// assumed target.
#include "twinsim/trial/sweep_report.hpp"

#include <algorithm>
#include <cmath>

#include "twinsim/core/config.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/core/h5.hpp"
#include "twinsim/core/version.hpp"

namespace twinsim::trial {

namespace {

Estimate stored(const core::H5Reader& h5, const std::string& path) {
  Estimate e;
  if (h5.exists(path)) e.value = h5.read_doubles(path).at(0);
  if (h5.exists(path + "_se")) e.se = h5.read_doubles(path + "_se").at(0);
  return e;
}

// One design's OCs; its PCS is scored once the variant's target is known.
SweepDesignOc read_design(const core::H5Reader& h5, const std::string& g, const std::string& name) {
  SweepDesignOc d;
  d.name = name;
  d.type = h5.has_attribute(g, "type") ? h5.attribute_string(g, "type") : std::string("?");
  if (h5.has_attribute(g, "target")) d.target = h5.attribute_double(g, "target");
  const std::string o = g + "/oc/";
  if (h5.exists(o + "trials")) d.trials = static_cast<std::int64_t>(h5.read_doubles(o + "trials").at(0));
  d.p_no_selection = stored(h5, o + "p_no_selection");
  d.mean_total_patients = stored(h5, o + "mean_total_patients");
  d.mean_total_dlts = stored(h5, o + "mean_total_dlts");
  return d;
}

void score(const core::H5Reader& h5, const std::string& g, const std::vector<double>& truth, SweepDesignOc& d) {
  if (!d.target || truth.empty()) return;
  d.target_dose = true_target_dose(truth, *d.target);
  const auto p = h5.read_doubles(g + "/oc/p_select");
  const auto se = h5.exists(g + "/oc/p_select_se") ? h5.read_doubles(g + "/oc/p_select_se") : std::vector<double>{};
  const auto k = static_cast<std::size_t>(d.target_dose);
  if (k < p.size()) d.pcs.value = p[k];
  if (k < se.size()) d.pcs.se = se[k];
}

// The target all designs with their own target share, if they agree.
std::optional<double> shared_target(const std::vector<SweepDesignOc>& designs) {
  std::optional<double> t;
  for (const auto& d : designs) {
    if (!d.target) continue;
    if (t && std::abs(*t - *d.target) > 1e-12) return std::nullopt;
    t = d.target;
  }
  return t;
}

}  // namespace

bool is_sweep_file(const std::string& path) {
  try {
    const core::H5Reader h5(path);
    return h5.has_attribute("/", "kind") && h5.attribute_string("/", "kind") == "sweep";
  } catch (const core::RuntimeError&) {
    return false;
  }
}

SweepReport read_sweep_report(const std::string& path, std::optional<double> target) {
  const core::H5Reader h5(path);
  const std::string file = "'" + path + "': ";
  if (!h5.has_attribute("/", "schema_version") || h5.attribute_int("/", "schema_version") != core::kSchemaVersion)
    throw core::RuntimeError(file + "missing or unsupported schema_version");
  SweepReport rep;
  rep.path = path;
  rep.sweep_file = h5.has_attribute("/", "sweep_file") ? h5.attribute_string("/", "sweep_file") : std::string();
  const auto ids = h5.read_strings("/variant_table/id");
  std::vector<std::vector<std::string>> columns;
  std::vector<std::pair<std::int64_t, std::string>> axis_columns;  // (axis index, name), in sweep-file order
  for (const auto& c : h5.children("/variant_table")) {
    const std::string p = "/variant_table/" + c;
    if (h5.has_attribute(p, "key_path"))
      axis_columns.emplace_back(h5.has_attribute(p, "axis") ? h5.attribute_int(p, "axis") : 0, c);
  }
  std::stable_sort(axis_columns.begin(), axis_columns.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [axis_index, c] : axis_columns) {
    (void)axis_index;
    const std::string p = "/variant_table/" + c;
    rep.axes.push_back(h5.attribute_string(p, "key_path"));
    std::vector<std::string> col;
    if (h5.is_integer(p)) {
      for (auto v : h5.read_ints(p)) col.push_back(std::to_string(v));
    } else {
      try {
        col = h5.read_strings(p);  // checks the type first: no HDF5 conversion error
      } catch (const core::RuntimeError&) {
        for (double v : h5.read_doubles(p)) col.push_back(core::format_number(v));
      }
    }
    if (col.size() != ids.size())
      throw core::RuntimeError(file + "variant table column '" + c + "' has the wrong length");
    columns.push_back(std::move(col));
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    SweepVariantOc v;
    v.id = ids[i];
    for (const auto& col : columns) v.values.push_back(col[i]);
    const std::string g = "/variants/" + v.id;
    if (!h5.exists(g + "/designs")) throw core::RuntimeError(file + "no " + g + "/designs");
    const std::vector<double> truth =
        h5.exists(g + "/truth/dlt_probability") ? h5.read_doubles(g + "/truth/dlt_probability") : std::vector<double>{};
    auto names = h5.children(g + "/designs");
    // Scenario order, as in a single result file.
    const auto order = h5.has_attribute(g, "scenario_yaml")
                           ? core::ConfigNode::load_string(h5.attribute_string(g, "scenario_yaml"), "scenario_yaml")
                           : core::ConfigNode::load_string("{}", "none");
    const auto ds = order.get("designs");
    std::vector<std::string> ordered;
    for (std::size_t k = 0; ds.is_sequence() && k < ds.size(); ++k) {
      const std::string n = ds.at(k).get("name").scalar();
      if (std::find(names.begin(), names.end(), n) != names.end()) ordered.push_back(n);
    }
    for (const auto& n : names)
      if (std::find(ordered.begin(), ordered.end(), n) == ordered.end()) ordered.push_back(n);
    for (const auto& n : ordered) v.designs.push_back(read_design(h5, g + "/designs/" + n, n));
    const std::optional<double> assumed = target ? target : shared_target(v.designs);
    for (auto& d : v.designs) {
      if (!d.target && assumed && d.type != "fixed") {
        d.target = assumed;
        d.target_assumed = true;
      }
      score(h5, g + "/designs/" + d.name, truth, d);
    }
    rep.variants.push_back(std::move(v));
  }
  return rep;
}

}  // namespace twinsim::trial
