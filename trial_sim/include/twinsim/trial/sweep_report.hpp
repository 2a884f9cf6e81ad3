// Operating characteristics of a merged sweep file, for `twinsim report` and
// `twinsim compare` on SWEEP.h5 (docs/report-compare.md). The merged file
// keeps the stored oc/ summaries only, so every figure here is the stored
// estimate with its stored MC SE (no per-trial pairing across designs).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "twinsim/trial/oc_format.hpp"
#include "twinsim/trial/oc_report.hpp"

namespace twinsim::trial {

struct SweepDesignOc {
  std::string name;
  std::string type;
  std::optional<double> target;  // scored against (the design's own or an assumed one)
  bool target_assumed = false;
  std::int64_t trials = 0;
  int target_dose = -1;  // true target dose index, -1 if not applicable
  Estimate pcs, p_no_selection, mean_total_patients, mean_total_dlts;
};

struct SweepVariantOc {
  std::string id;
  std::vector<std::string> values;  // one per axis, as written in the sweep file
  std::vector<SweepDesignOc> designs;
};

struct SweepReport {
  std::string path;
  std::string sweep_file;
  std::vector<std::string> axes;  // key paths
  std::vector<SweepVariantOc> variants;
};

// True if the file is a merged sweep file (root attribute kind = "sweep").
bool is_sweep_file(const std::string& path);

// Reads a merged sweep file. Designs without a target of their own (3+3) are
// scored against `target` if given, else against the one target the other
// designs of the variant share. RuntimeError on a malformed file.
SweepReport read_sweep_report(const std::string& path, std::optional<double> target = std::nullopt);

// report: one row per variant x design. compare: one row per variant, the PCS
// of each design side by side and the design with the highest PCS.
std::string format_sweep_report(const SweepReport& r, OcFormat format);
std::string format_sweep_comparison(const SweepReport& r, OcFormat format);

}  // namespace twinsim::trial
