// Merge: variants table plus each variant's dose levels, truth and stored OC
// summaries (oc/). Per-trial and per-patient tables stay in the variant files.
#include "twinsim/trial/sweep/sweep_merge.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "twinsim/core/config.hpp"
#include "twinsim/core/h5.hpp"
#include "twinsim/core/ode.hpp"
#include "twinsim/core/version.hpp"
#include "twinsim/trial/io/result_writer.hpp"
#include "twinsim/trial/sweep/sweep_lock.hpp"
#include "twinsim/trial/sweep/sweep_run.hpp"

namespace twinsim::trial {

namespace {

bool parse_number(const std::string& s, double& out) {
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size() && std::isfinite(out);
}

// HDF5 names cannot hold '/': key paths never do, names in [] might.
std::string column_name(const std::string& path) {
  std::string s = path;
  for (auto& c : s)
    if (c == '/') c = '_';
  return s;
}

void write_table(core::H5Writer& w, const SweepManifest& m) {
  std::vector<std::string> ids;
  std::vector<std::int64_t> index;
  for (const auto& v : m.variants) {
    ids.push_back(v.id);
    index.push_back(static_cast<std::int64_t>(v.index));
  }
  w.write("/variant_table/id", ids);
  w.write("/variant_table/index", index);
  for (std::size_t a = 0; a < m.axes.size(); ++a) {
    const std::string path = "/variant_table/" + column_name(m.axes[a]);
    std::vector<double> numbers;
    std::vector<std::string> texts;
    bool numeric = true;
    for (const auto& v : m.variants) {
      double x = 0;
      numeric = numeric && parse_number(v.values[a], x);
      numbers.push_back(x);
      texts.push_back(v.values[a]);
    }
    if (numeric)
      w.write(path, numbers);
    else
      w.write(path, texts);
    w.attribute(path, "key_path", m.axes[a]);
    w.attribute(path, "axis", static_cast<std::int64_t>(a));  // HDF5 lists names sorted; this keeps file order
  }
}

void copy_dataset(const core::H5Reader& r, const std::string& from, core::H5Writer& w, const std::string& to) {
  const auto dims = r.dims(from);
  if (r.is_integer(from)) {
    const auto v = r.read_ints(from);
    if (dims.empty())
      w.write_scalar(to, v.at(0));
    else
      w.write(to, v, dims);
  } else {
    const auto v = r.read_doubles(from);
    if (dims.empty())
      w.write_scalar(to, v.at(0));
    else
      w.write(to, v, dims);
  }
}

void copy_variant(const std::string& file, const SweepManifest::Row& v, const std::string& outdir, core::H5Writer& w) {
  // The marker vouches for the file only if the file agrees (completion and
  // hash attributes): a truncated or swapped file is not merged.
  const std::string why = verify_variant_file(file, v.hash);
  if (!why.empty())
    throw core::UsageError("variant " + v.id + ": " + why + "; run it again with `twinsim sweep SWEEP.yaml -o " +
                           outdir + " --resume`, then merge");
  const core::H5Reader r(file);
  const std::string& id = v.id;
  const std::string g = "/variants/" + id;
  w.create_group(g);
  for (const char* a : {"scenario_name", "scenario_yaml", "mode", "twinsim_version", "created_utc"})
    if (r.has_attribute("/", a)) w.attribute(g, a, r.attribute_string("/", a));
  for (const char* a : {"seed", "replicates", "schema_version"})
    if (r.has_attribute("/", a)) w.attribute(g, a, r.attribute_int("/", a));
  // How the variant's OCs were scored and timed (report rescores with them).
  for (const char* a : {"scoring_overdose_factor", "scoring_acceptable_margin", "accrual_patients_per_month",
                        "accrual_dlt_window_days"})
    if (r.has_attribute("/", a)) w.attribute(g, a, r.attribute_double("/", a));
  copy_dataset(r, "/dose_levels", w, g + "/dose_levels");
  for (const char* t : {"/truth/dlt_probability", "/truth/dlt_probability_se"})
    if (r.exists(t)) copy_dataset(r, t, w, g + t);
  for (const char* a : {"cohort_size", "failed_patients"})
    if (r.exists("/truth/dlt_probability") && r.has_attribute("/truth/dlt_probability", a))
      w.attribute(g + "/truth/dlt_probability", a, r.attribute_int("/truth/dlt_probability", a));
  if (!r.exists("/designs")) throw core::RuntimeError("'" + file + "': no /designs group");
  for (const auto& name : r.children("/designs")) {
    const std::string d = "/designs/" + name;
    w.create_group(g + d);
    if (r.has_attribute(d, "type")) w.attribute(g + d, "type", r.attribute_string(d, "type"));
    if (r.has_attribute(d, "target")) w.attribute(g + d, "target", r.attribute_double(d, "target"));
    if (r.has_attribute(d, "max_patients")) w.attribute(g + d, "max_patients", r.attribute_int(d, "max_patients"));
    // How many patients failed to solve, and what the design counted them as:
    // without them a merged file's OC cannot be judged.
    if (r.has_attribute(d, "replaced_patients"))
      w.attribute(g + d, "replaced_patients", r.attribute_int(d, "replaced_patients"));
    if (r.has_attribute(d, "on_solve_failure"))
      w.attribute(g + d, "on_solve_failure", r.attribute_string(d, "on_solve_failure"));
    for (int k = 0; k <= core::kSolveStatusCount; ++k) {
      const std::string a = k == core::kSolveStatusCount
                                ? std::string("failed_patients")
                                : "failed_" + std::string(core::to_string(static_cast<core::SolveStatus>(k)));
      if (r.has_attribute(d, a)) w.attribute(g + d, a, r.attribute_int(d, a));
    }
    for (const auto& ds : r.children(d + "/oc")) copy_dataset(r, d + "/oc/" + ds, w, g + d + "/oc/" + ds);
  }
}

}  // namespace

std::size_t merge_sweep(const std::string& outdir, const std::string& output, bool overwrite,
                        const std::function<bool()>& stop) {
  const SweepManifest m = read_manifest(outdir);
  std::vector<std::string> missing;
  for (const auto& v : m.variants)
    if (!variant_complete(outdir, v.id, v.hash)) missing.push_back(v.id);
  if (!missing.empty()) {
    std::string list;
    for (std::size_t i = 0; i < missing.size() && i < 20; ++i) list += (i ? ", " : "") + missing[i];
    if (missing.size() > 20) list += ", ...";
    throw core::UsageError("the sweep in '" + outdir + "' is incomplete: " + std::to_string(missing.size()) +
                           " of " + std::to_string(m.variants.size()) + " variants missing (" + list +
                           "); finish it with `twinsim sweep SWEEP.yaml -o " + outdir + " --resume`");
  }
  // The merged file must not replace anything it reads (a variant's file,
  // its marker, the manifest) nor the folder's lock file.
  namespace fs = std::filesystem;
  std::vector<core::InputFile> inputs{{"sweep manifest", (fs::path(outdir) / "manifest.tsv").string()},
                                      {"sweep lock file", folder_lock_path(outdir)}};
  for (const auto& v : m.variants) {
    inputs.push_back({"result file of variant " + v.id, (fs::path(outdir) / (v.id + ".h5")).string()});
    inputs.push_back({"completion marker of variant " + v.id, (fs::path(outdir) / (v.id + ".done")).string()});
  }
  core::H5Writer w(output, overwrite, std::move(inputs));
  w.attribute("/", "twinsim_version", std::string(core::version()));
  w.attribute("/", "schema_version", static_cast<std::int64_t>(core::kSchemaVersion));
  w.attribute("/", "kind", std::string("sweep"));
  w.attribute("/", "sweep_file", m.sweep_file);
  w.attribute("/", "sweep_hash", m.sweep_hash);
  w.attribute("/", "combine", m.combine);
  w.attribute("/", "n_variants", static_cast<std::int64_t>(m.variants.size()));
  w.attribute("/", "created_utc", utc_now_iso8601());
  write_table(w, m);
  for (const auto& v : m.variants) {
    if (stop && stop()) throw Interrupted("interrupted before variant " + v.id);
    copy_variant((fs::path(outdir) / (v.id + ".h5")).string(), v, outdir, w);
  }
  w.commit();
  return m.variants.size();
}

}  // namespace twinsim::trial
