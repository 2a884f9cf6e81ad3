// Sweep file -> validated variants (sweep_spec.hpp). Overrides are applied
// to the owned YAML tree, so a bad value is reported at its place in the
// sweep file; each variant is then checked with the normal scenario loader,
// from its tree (for the marks) and from its emitted text (what `twinsim run`
// would read back).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <map>
#include <optional>
#include <tuple>

#include "twinsim/core/config.hpp"
#include "twinsim/core/version.hpp"
#include "twinsim/trial/scenario/sweep_spec.hpp"

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

// The values variant i takes, one index per axis: grid (last axis fastest) or zip.
void pick_of(std::size_t i, const std::vector<AxisInput>& axes, bool grid, std::vector<std::size_t>& pick) {
  pick.assign(axes.size(), i);
  if (!grid) return;
  for (std::size_t a = axes.size(); a-- > 0;) {
    pick[a] = i % axes[a].nodes.size();
    i /= axes[a].nodes.size();
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

std::string at_text(const core::SourceMark& m) { return std::to_string(m.line) + ":" + std::to_string(m.column); }

// True if `inner` names a key inside `outer` ("designs[0]" holds "designs[0].target").
bool inside(const std::string& inner, const std::string& outer) {
  return inner.size() > outer.size() && inner.compare(0, outer.size(), outer) == 0 &&
         (inner[outer.size()] == '.' || inner[outer.size()] == '[');
}

// Two axes that set one key, however they spell it (designs[boin].target and
// designs[0].target), or one a key inside the other's: the variant's value
// would depend on the order of the axes. Paths are compared as resolved in the
// base; one that does not resolve is compared as written (and reported later).
void check_axes_distinct(const std::vector<AxisInput>& axes, const ConfigNode& base, Diagnostics& diag) {
  std::vector<std::string> key;
  for (const auto& a : axes) {
    const std::string c = base.canonical_path(a.axis.path);
    key.push_back(c.empty() ? a.axis.path : c);
  }
  for (std::size_t j = 1; j < axes.size(); ++j) {
    for (std::size_t i = 0; i < j; ++i) {
      const std::string other = "axis '" + axes[i].axis.path + "' (" + at_text(axes[i].key_mark) + ")";
      std::string msg;
      if (key[i] == key[j])
        msg = "sets the same key as " + other + ": both are " + key[j] + "; sweep each key on one axis only";
      else if (inside(key[j], key[i]))
        msg = "sets " + key[j] + ", inside " + key[i] + " that " + other + " replaces whole; sweep each key on one axis only";
      else if (inside(key[i], key[j]))
        msg = "replaces " + key[j] + " whole, inside which " + other + " sets " + key[i] +
              "; sweep each key on one axis only";
      if (msg.empty()) continue;
      diag.error(axes[j].key_mark, "axes." + axes[j].axis.path, msg);
      break;
    }
  }
}

// From the axis lengths alone, before anything is expanded; the product is
// checked for overflow, so no grid is too large to be refused.
std::size_t count_variants(const std::vector<AxisInput>& axes, bool grid, const ConfigNode& axes_node,
                           Diagnostics& diag) {
  constexpr std::size_t kMax = SweepLimits::kMaxVariants;
  const std::string limit = "; the limit is " + std::to_string(kMax) +
                            " variants per sweep (docs/sweeps.md): split it into several sweep files";
  if (!grid) {
    const std::size_t n = axes.front().nodes.size();
    for (const auto& a : axes) {
      if (a.nodes.size() != n)
        diag.error(a.key_mark, "axes." + a.axis.path,
                   "combine: zip needs lists of equal length: this one has " + std::to_string(a.nodes.size()) +
                       " values, '" + axes.front().axis.path + "' has " + std::to_string(n));
    }
    if (diag.empty() && n > kMax)
      diag.error(axes_node.mark(), "axes", "the sweep has " + std::to_string(n) + " variants" + limit);
    return n;
  }
  std::size_t n = 1;
  bool overflow = false;
  std::string lengths;
  for (const auto& a : axes) {
    lengths += (lengths.empty() ? "" : " x ") + std::to_string(a.nodes.size());
    overflow = overflow || __builtin_mul_overflow(n, a.nodes.size(), &n);
  }
  if (overflow || n > kMax) {
    diag.error(axes_node.mark(), "axes",
               "the grid has " + lengths + " = " + (overflow ? std::string("more than 2^64") : std::to_string(n)) +
                   " variants" + limit);
    return 0;
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
void build_variant(const SweepSpec& sweep, const ConfigNode& base, const std::vector<AxisInput>& axes,
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

Scenario load_variant(const SweepSpec& sweep, const SweepVariant& v) {
  const std::string name = sweep.path + " variant " + v.id;
  const ConfigNode root = ConfigNode::load_string(v.scenario_yaml, name);
  return load_scenario_tree(root, v.scenario_yaml, name, sweep.base_dir);
}

SweepSpec load_sweep_spec(const std::string& path, const std::function<void()>& before_variant) {
  const ConfigNode root = ConfigNode::load_file(path);
  Diagnostics diag;
  core::MapReader r(root, diag);
  if (!r.valid()) {
    diag.error(root.mark(), "", "a sweep file is a map with keys base, axes and combine, got " + root.describe());
    diag.throw_if_any();
  }
  SweepSpec sweep;
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

  check_axes_distinct(axes, *base, diag);
  const bool grid = sweep.combine == "grid";
  const std::size_t n = count_variants(axes, grid, axes_node, diag);
  diag.throw_if_any();
  for (const auto& a : axes) sweep.axes.push_back(a.axis);

  VariantErrors errors;
  sweep.variants.resize(n);
  std::string all;
  std::map<std::string, std::string> digests;
  std::vector<std::size_t> pick;
  for (std::size_t i = 0; i < n; ++i) {
    if (before_variant) before_variant();
    pick_of(i, axes, grid, pick);
    SweepVariant& v = sweep.variants[i];
    v.index = i;
    std::string overrides;
    for (std::size_t a = 0; a < axes.size(); ++a) {
      v.values.push_back(axes[a].axis.values[pick[a]]);
      overrides += axes[a].axis.path + "=" + v.values.back() + "\n";
    }
    v.id = "v" + padded(i, n) + "-" + hash_hex(overrides).substr(0, 8);
    build_variant(sweep, *base, axes, pick, v, errors, digests);
    all += v.id + " " + v.hash + "\n";
  }
  errors.throw_if_any();
  sweep.hash = hash_hex(sweep.combine + "\n" + all);
  return sweep;
}

}  // namespace twinsim::trial
