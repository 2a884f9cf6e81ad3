// Sweep file -> validated variants. Overrides are applied to the owned YAML
// tree, so a bad value is reported at its place in the sweep file; each variant
// is then checked with the normal scenario loader, from its tree (for the marks)
// and from its emitted text (what `twinsim run` would read back).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <map>
#include <optional>
#include <tuple>

#include "twinsim/core/config.hpp"
#include "twinsim/core/version.hpp"
#include "twinsim/trial/sweep.hpp"

namespace twinsim::trial {

using core::ConfigNode;
using core::Diagnostic;
using core::Diagnostics;

std::string hash_hex(const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

namespace {

struct AxisInput {
  SweepAxis axis;
  std::vector<ConfigNode> nodes;
  core::SourceMark key_mark;
};

std::string dir_of(const std::string& path) {
  const std::filesystem::path p(path);
  return p.has_parent_path() ? p.parent_path().string() : std::string(".");
}

// Variant errors repeat when they come from the base scenario: report each once,
// naming the first variant that has it and how many more do.
class VariantErrors {
 public:
  void add(const SweepVariant& v, const std::string& label, const Diagnostic& d) {
    const auto key = std::make_tuple(d.mark.file, d.mark.line, d.mark.column, d.key_path, d.message);
    auto it = seen_.find(key);
    if (it != seen_.end()) {
      ++more_[it->second];
      return;
    }
    seen_.emplace(key, items_.size());
    Diagnostic out = d;
    out.message = "variant " + v.id + " (" + label + "): " + d.message;
    items_.push_back(out);
    more_.push_back(0);
  }
  bool empty() const { return items_.empty(); }
  void throw_if_any() const {
    if (items_.empty()) return;
    std::vector<Diagnostic> all;
    for (std::size_t i = 0; i < items_.size() && i < 50; ++i) {
      Diagnostic d = items_[i];
      if (more_[i] > 0) d.message += " (and " + std::to_string(more_[i]) + " more variant(s))";
      all.push_back(d);
    }
    throw core::ScenarioError(std::move(all));
  }

 private:
  std::map<std::tuple<std::string, int, int, std::string, std::string>, std::size_t> seen_;
  std::vector<Diagnostic> items_;
  std::vector<std::size_t> more_;
};

// Index combinations: grid (last axis fastest) or zip.
std::vector<std::vector<std::size_t>> combinations(const std::vector<AxisInput>& axes, bool grid) {
  std::vector<std::vector<std::size_t>> out;
  if (!grid) {
    for (std::size_t i = 0; i < axes.front().nodes.size(); ++i) out.emplace_back(axes.size(), i);
    return out;
  }
  std::vector<std::size_t> at(axes.size(), 0);
  for (;;) {
    out.push_back(at);
    std::size_t k = axes.size();
    while (k > 0) {
      --k;
      if (++at[k] < axes[k].nodes.size()) break;
      at[k] = 0;
      if (k == 0) return out;
    }
  }
}

std::vector<AxisInput> read_axes(const ConfigNode& axes, Diagnostics& diag) {
  std::vector<AxisInput> out;
  if (!axes.is_map() || axes.size() == 0) {
    diag.error(axes.mark(), "axes", "expected a map of key paths to lists of values, got " + axes.describe());
    return out;
  }
  if (axes.size() > SweepLimits::kMaxAxes) {
    diag.error(axes.mark(), "axes", "at most " + std::to_string(SweepLimits::kMaxAxes) + " axes");
    return out;
  }
  for (const auto& key : axes.keys()) {
    const ConfigNode values = axes.get(key);
    if (!values.is_sequence() || values.size() == 0) {
      diag.error(values.mark(), values.path(),
                 "expected a non-empty list of values for this key, got " + values.describe() +
                     " (a single value is written [value])");
      continue;
    }
    AxisInput a;
    a.axis.path = key;
    a.key_mark = values.key_mark();
    for (std::size_t i = 0; i < values.size(); ++i) {
      a.nodes.push_back(values.at(i));
      a.axis.values.push_back(values.at(i).to_flow_yaml());
    }
    out.push_back(std::move(a));
  }
  return out;
}

std::size_t count_variants(const std::vector<AxisInput>& axes, bool grid, const ConfigNode& axes_node,
                           Diagnostics& diag) {
  std::size_t n = grid ? 1 : axes.front().nodes.size();
  for (const auto& a : axes) {
    if (grid) {
      if (n > SweepLimits::kMaxVariants / a.nodes.size()) {
        diag.error(axes_node.mark(), "axes",
                   "the grid has more than " + std::to_string(SweepLimits::kMaxVariants) + " variants");
        return 0;
      }
      n *= a.nodes.size();
    } else if (a.nodes.size() != n) {
      diag.error(a.key_mark, "axes." + a.axis.path,
                 "combine: zip needs lists of equal length: this one has " + std::to_string(a.nodes.size()) +
                     " values, '" + axes.front().axis.path + "' has " + std::to_string(n));
    }
  }
  return n;
}

std::string padded(std::size_t i, std::size_t n) {
  std::size_t width = 3;
  for (std::size_t m = n > 0 ? n - 1 : 0; m >= 1000; m /= 10) ++width;
  std::string s = std::to_string(i);
  return std::string(width > s.size() ? width - s.size() : 0, '0') + s;
}

// What besides its text decides a variant's results: the program and the
// files its scenario reads. A resumed sweep must not keep results made by
// another twinsim version or from another covariates file under the same name.
// Only the file's bytes count, not its path: the path as written is in the
// text already, and the resolved one depends on how the sweep file was named
// on the command line (./s.yaml or an absolute path in a job script).
// `digests` caches the bytes' hash per resolved path for the sweep's variants.
std::string inputs_fingerprint(const Scenario& s, std::map<std::string, std::string>& digests) {
  std::string f = std::string("twinsim ") + core::version() + "\n";
  const auto& csv = s.population->spec().csv;
  if (csv) {
    auto it = digests.find(csv->path);
    if (it == digests.end()) {
      std::ifstream in(csv->path, std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      it = digests.emplace(csv->path, hash_hex(bytes.str())).first;
    }
    f += "population.csv " + it->second + "\n";
  }
  return f;
}

// Builds one variant's tree and text, and validates it. Problems go to errors.
void build_variant(const Sweep& sweep, const ConfigNode& base, const std::vector<AxisInput>& axes,
                   const std::vector<std::size_t>& pick, SweepVariant& v, VariantErrors& errors,
                   std::map<std::string, std::string>& digests) {
  std::string label;
  for (std::size_t a = 0; a < axes.size(); ++a)
    label += (a ? ", " : "") + axes[a].axis.path + "=" + axes[a].axis.values[pick[a]];
  Diagnostics diag;
  ConfigNode doc = base;
  for (std::size_t a = 0; a < axes.size(); ++a)
    doc = doc.with_override(axes[a].axis.path, axes[a].nodes[pick[a]], axes[a].key_mark, "axes." + axes[a].axis.path,
                            diag);
  if (!diag.empty()) {
    for (const auto& d : diag.items()) errors.add(v, label, d);
    return;
  }
  v.scenario_yaml = doc.to_yaml();
  try {
    const Scenario s = load_scenario_tree(doc, v.scenario_yaml, sweep.path, sweep.base_dir);
    v.hash = hash_hex(v.scenario_yaml + inputs_fingerprint(s, digests));
  } catch (const core::ScenarioError& e) {
    for (const auto& d : e.diagnostics()) errors.add(v, label, d);
    return;
  }
  try {
    load_variant(sweep, v);
  } catch (const core::ScenarioError& e) {
    // The tree was valid, its text is not: a bug in the YAML writer.
    Diagnostic d = e.diagnostics().front();
    d.message = "internal error: the variant's YAML text does not read back: " + d.message;
    errors.add(v, label, d);
  }
}

}  // namespace

Scenario load_variant(const Sweep& sweep, const SweepVariant& v) {
  const std::string name = sweep.path + " variant " + v.id;
  const ConfigNode root = ConfigNode::load_string(v.scenario_yaml, name);
  return load_scenario_tree(root, v.scenario_yaml, name, sweep.base_dir);
}

Sweep load_sweep_file(const std::string& path) {
  const ConfigNode root = ConfigNode::load_file(path);
  Diagnostics diag;
  core::MapReader r(root, diag);
  if (!r.valid()) {
    diag.error(root.mark(), "", "a sweep file is a map with keys base, axes and combine, got " + root.describe());
    diag.throw_if_any();
  }
  Sweep sweep;
  sweep.path = path;
  sweep.base_dir = dir_of(path);
  r.optional_string("name", "");
  sweep.combine = r.optional_choice("combine", {"grid", "zip"}, "grid");
  const ConfigNode base_node = r.require("base");
  std::optional<ConfigNode> base;
  if (base_node.is_scalar()) {
    std::filesystem::path p(base_node.scalar());
    if (p.is_relative()) p = std::filesystem::path(sweep.base_dir) / p;
    sweep.base_file = p.lexically_normal().string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(sweep.base_file, ec)) {
      diag.error(base_node.mark(), "base", "cannot open base scenario file '" + sweep.base_file + "'");
    } else {
      base = ConfigNode::load_file(sweep.base_file);  // its syntax errors point into it
      sweep.base_dir = dir_of(sweep.base_file);
    }
  } else if (base_node.is_map()) {
    base = base_node;
  } else if (!base_node.is_missing()) {
    diag.error(base_node.mark(), "base",
               "expected a scenario (a map) or the path of a scenario file, got " + base_node.describe());
  }
  const ConfigNode axes_node = r.require("axes");
  std::vector<AxisInput> axes;
  if (!axes_node.is_missing()) axes = read_axes(axes_node, diag);
  r.finish();
  diag.throw_if_any();
  if (axes.empty() || !base) throw core::ScenarioError(root.mark(), "", "nothing to sweep");

  const bool grid = sweep.combine == "grid";
  const std::size_t n = count_variants(axes, grid, axes_node, diag);
  diag.throw_if_any();
  for (const auto& a : axes) sweep.axes.push_back(a.axis);

  VariantErrors errors;
  const auto picks = combinations(axes, grid);
  sweep.variants.resize(n);
  std::string all;
  std::map<std::string, std::string> digests;
  for (std::size_t i = 0; i < n; ++i) {
    SweepVariant& v = sweep.variants[i];
    v.index = i;
    std::string overrides;
    for (std::size_t a = 0; a < axes.size(); ++a) {
      v.values.push_back(axes[a].axis.values[picks[i][a]]);
      overrides += axes[a].axis.path + "=" + v.values.back() + "\n";
    }
    v.id = "v" + padded(i, n) + "-" + hash_hex(overrides).substr(0, 8);
    build_variant(sweep, *base, axes, picks[i], v, errors, digests);
    all += v.id + " " + v.hash + "\n";
  }
  errors.throw_if_any();
  sweep.hash = hash_hex(sweep.combine + "\n" + all);
  return sweep;
}

}  // namespace twinsim::trial
