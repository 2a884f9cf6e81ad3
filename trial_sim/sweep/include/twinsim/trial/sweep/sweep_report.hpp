// Operating characteristics of a merged sweep file, for `twinsim report` and
// `twinsim compare` on SWEEP.h5 (docs/report-compare.md). The merged file
// keeps the stored oc/ summaries only (no per-trial pairing across designs).
// The definitions are those of oc_metrics.hpp, and every figure is the one
// `twinsim report` prints for the variant's own file: proportions from their
// stored counts with the report's binomial SE, means as stored.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "twinsim/trial/report/oc_format.hpp"
#include "twinsim/trial/results/oc_report.hpp"

namespace twinsim::trial {

// The fields of OcEstimates are the design's OCs (oc_metrics()).
struct SweepDesignOc : OcEstimates {
  std::string name;
  std::string type;
  std::optional<double> target;  // scored against (the design's own or an assumed one)
  bool target_assumed = false;
  std::int64_t trials = 0;
  bool scored = false;
  int target_dose = -1;  // when scored: the correct selection, -1 = no dose
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

// Reads a merged sweep file. Designs are scored by scoring_targets() per
// variant (3+3 against `target` if given, else the target the variant's other
// designs share). RuntimeError on a malformed file.
SweepReport read_sweep_report(const std::string& path, std::optional<double> target = std::nullopt);

// report: one row per variant x design. compare: one row per variant, the PCS
// of each design side by side and the design with the highest PCS (none when
// the designs are scored against different targets).
std::string format_sweep_report(const SweepReport& r, OcFormat format);
std::string format_sweep_comparison(const SweepReport& r, OcFormat format);

// The HTML page of a sweep: PCS and mean trial size across the grid as heat
// maps (report/html_report.hpp). RuntimeError without Debian's Vega.
struct HtmlOptions;
std::string html_sweep_report(const SweepReport& r, const HtmlOptions& options);

}  // namespace twinsim::trial
