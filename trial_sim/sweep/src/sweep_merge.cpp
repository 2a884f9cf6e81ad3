// Merge: variants table plus each variant's dose levels, truth and stored OC
// summaries (oc/). Per-trial and per-patient tables stay in the variant files.
#include "twinsim/trial/sweep/sweep_merge.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "twinsim/core/error.hpp"
#include "twinsim/core/h5.hpp"
#include "twinsim/core/ode.hpp"
#include "twinsim/core/version.hpp"
#include "twinsim/trial/io/hdf5_sink.hpp"
#include "twinsim/trial/io/schema.hpp"
#include "twinsim/trial/sweep/sweep_lock.hpp"
#include "twinsim/trial/sweep/sweep_run.hpp"

namespace twinsim::trial {

namespace {

namespace attr = schema::attr;
using schema::kRoot;


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
  const std::string table = std::string(schema::kVariantTable) + "/";
  w.write(table + schema::col::kId, ids);
  w.write(table + schema::col::kIndex, index);
  for (std::size_t a = 0; a < m.axes.size(); ++a) {
    const std::string path = table + column_name(m.axes[a]);
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
    w.attribute(path, attr::kKeyPath, m.axes[a]);
    w.attribute(path, attr::kAxis, static_cast<std::int64_t>(a));
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
  const std::string g = std::string(schema::kVariants) + "/" + id;
  w.create_group(g);
  for (const char* a : {attr::kScenarioName, attr::kScenarioYaml, attr::kMode, attr::kTwinsimVersion, attr::kCreatedUtc,
                        attr::kPopulationKey, attr::kAccrualArrivals})
    if (r.has_attribute(kRoot, a)) w.attribute(g, a, r.attribute_string(kRoot, a));
  for (const char* a : {attr::kSeed, attr::kReplicates, attr::kSchemaVersion})
    if (r.has_attribute(kRoot, a)) w.attribute(g, a, r.attribute_int(kRoot, a));
  // How the variant's OCs were scored and timed (report rescores with them).
  for (const char* a : {attr::kScoringOverdoseFactor, attr::kScoringAcceptableMargin, attr::kAccrualPatientsPerMonth,
                        attr::kAccrualDltWindowDays})
    if (r.has_attribute(kRoot, a)) w.attribute(g, a, r.attribute_double(kRoot, a));
  copy_dataset(r, schema::kDoseLevels, w, g + schema::kDoseLevels);
  for (const char* t : {schema::kTruthDltProbability, schema::kTruthDltProbabilitySe})
    if (r.exists(t)) copy_dataset(r, t, w, g + t);
  const char* truth = schema::kTruthDltProbability;
  for (const char* a : {attr::kCohortSize, attr::kFailedPatients})
    if (r.exists(truth) && r.has_attribute(truth, a)) w.attribute(g + truth, a, r.attribute_int(truth, a));
  if (!r.exists(schema::kDesigns)) throw core::RuntimeError("'" + file + "': no " + schema::kDesigns + " group");
  for (const auto& name : r.children(schema::kDesigns)) {
    const std::string d = schema::design_group(name);
    w.create_group(g + d);
    if (r.has_attribute(d, attr::kType)) w.attribute(g + d, attr::kType, r.attribute_string(d, attr::kType));
    if (r.has_attribute(d, attr::kTarget)) w.attribute(g + d, attr::kTarget, r.attribute_double(d, attr::kTarget));
    if (r.has_attribute(d, attr::kMaxPatients))
      w.attribute(g + d, attr::kMaxPatients, r.attribute_int(d, attr::kMaxPatients));
    if (r.has_attribute(d, attr::kDesignIndex))
      w.attribute(g + d, attr::kDesignIndex, r.attribute_int(d, attr::kDesignIndex));
    if (r.has_attribute(d, attr::kTimeDriven))
      w.attribute(g + d, attr::kTimeDriven, r.attribute_int(d, attr::kTimeDriven));
    if (r.has_attribute(d, attr::kSelectsObd))
      w.attribute(g + d, attr::kSelectsObd, r.attribute_int(d, attr::kSelectsObd));
    // How many patients failed to solve, and what the design counted them as:
    // without them a merged file's OC cannot be judged.
    if (r.has_attribute(d, attr::kReplacedPatients))
      w.attribute(g + d, attr::kReplacedPatients, r.attribute_int(d, attr::kReplacedPatients));
    if (r.has_attribute(d, attr::kOnSolveFailure))
      w.attribute(g + d, attr::kOnSolveFailure, r.attribute_string(d, attr::kOnSolveFailure));
    for (int k = 0; k <= core::kSolveStatusCount; ++k) {
      const std::string a = k == core::kSolveStatusCount
                                ? std::string(attr::kFailedPatients)
                                : attr::kFailedPrefix + std::string(core::to_string(static_cast<core::SolveStatus>(k)));
      if (r.has_attribute(d, a)) w.attribute(g + d, a, r.attribute_int(d, a));
    }
    const std::string oc = schema::table(d, schema::kOc);
    for (const auto& ds : r.children(d + "/" + schema::kOc)) copy_dataset(r, oc + ds, w, g + oc + ds);
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
  w.attribute(kRoot, attr::kTwinsimVersion, std::string(core::version()));
  w.attribute(kRoot, attr::kSchemaVersion, static_cast<std::int64_t>(core::kSchemaVersion));
  w.attribute(kRoot, attr::kKind, std::string(schema::kKindSweep));
  w.attribute(kRoot, attr::kSweepFile, m.sweep_file);
  w.attribute(kRoot, attr::kSweepHash, m.sweep_hash);
  w.attribute(kRoot, attr::kCombine, m.combine);
  w.attribute(kRoot, attr::kNVariants, static_cast<std::int64_t>(m.variants.size()));
  w.attribute(kRoot, attr::kCreatedUtc, utc_now_iso8601());
  write_table(w, m);
  for (const auto& v : m.variants) {
    if (stop && stop()) throw Interrupted("interrupted before variant " + v.id);
    copy_variant((fs::path(outdir) / (v.id + ".h5")).string(), v, outdir, w);
  }
  w.commit();
  return m.variants.size();
}

}  // namespace twinsim::trial
