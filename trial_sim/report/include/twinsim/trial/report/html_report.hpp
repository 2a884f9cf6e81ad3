// `twinsim report OUT.h5 --format html`: one self-contained HTML page of
// charts drawn with Vega (Debian package libjs-vega), read from its installed
// path at run time and inlined, so the page needs no network and no file
// besides itself (docs/report-compare.md, "HTML report").
#pragma once

#include <string>
#include <vector>

#include "twinsim/trial/results/oc_report.hpp"

namespace twinsim::trial {

struct HtmlOptions {
  // Where Debian's libjs-vega installs the Vega modules.
  std::string vega_dir = "/usr/share/javascript/vega";
  // A time course's percentile bands use at most this many patients per dose
  // and design (the first ones in file order), so a large run still gives a
  // page of a few MB; exposures use every patient.
  std::size_t max_band_patients = 2000;
};

// One chart: the kind the page's script draws and its rows as JSON objects.
// bars: {x, series, value, lo, hi} (+ line: {x, y, label}); forest: {row,
// series, value, lo, hi}; bands: {t, series, lo, mid, hi}; boxes: {x,
// series, n, q05, q25, q50, q75, q95}; heatmap: {x, y, value, text}.
struct HtmlChart {
  std::string id, type, title, note;
  std::string x_title, y_title, series_title, value_title;
  std::vector<std::string> rows, line;  // each a JSON object
};

// A JSON object built field by field (numbers: null when not finite).
class JsonObject {
 public:
  JsonObject& num(const std::string& key, double v);
  JsonObject& str(const std::string& key, const std::string& v);
  std::string text() const { return "{" + body_ + "}"; }

 private:
  std::string body_;
};

// The page: a heading, a table of facts (key, value) and the charts.
// RuntimeError if the Vega modules are not installed.
std::string html_page(const std::string& title, const std::vector<std::pair<std::string, std::string>>& facts,
                      const std::vector<HtmlChart>& charts, const HtmlOptions& options = {});

// The charts of one result file: the OCs of `report` (read_oc_report of
// `path`) and, in PK/PD mode, time-course bands and exposures read from `path`.
std::vector<HtmlChart> run_report_charts(const OcReport& report, const std::string& path,
                                         const HtmlOptions& options = {});
std::string html_run_report(const OcReport& report, const std::string& path, const HtmlOptions& options = {});

}  // namespace twinsim::trial
