// `twinsim report SWEEP.h5 --format html`: PCS and mean trial size across a
// sweep's grid as heat maps (the page itself: report/html_report.hpp).
#include <algorithm>
#include <cmath>

#include "twinsim/core/config.hpp"
#include "twinsim/trial/report/html_report.hpp"
#include "twinsim/trial/sweep/sweep_report.hpp"

namespace twinsim::trial {

namespace {

// The axes whose value differs between variants (a one-value axis only
// changes the base scenario).
std::vector<std::size_t> varying_axes(const SweepReport& r) {
  std::vector<std::size_t> out;
  for (std::size_t a = 0; a < r.axes.size(); ++a)
    for (const auto& v : r.variants)
      if (a < v.values.size() && v.values[a] != r.variants.front().values[a]) {
        out.push_back(a);
        break;
      }
  return out;
}

std::string cell_text(const Estimate& e, double scale, int decimals) {
  if (!e.available()) return "n/a";
  return core::format_number(std::round(e.value * scale * std::pow(10.0, decimals)) / std::pow(10.0, decimals));
}

}  // namespace

std::string html_sweep_report(const SweepReport& r, const HtmlOptions& options) {
  const auto axes = varying_axes(r);
  // Two varying axes: one grid per design; otherwise variants x designs.
  const bool grid = axes.size() == 2;
  std::vector<std::string> designs;
  for (const auto& v : r.variants)
    for (const auto& d : v.designs)
      if (std::find(designs.begin(), designs.end(), d.name) == designs.end()) designs.push_back(d.name);

  struct Metric {
    const char* id;
    const char* title;
    Estimate OcEstimates::*field;
    double scale;
    int decimals;
  };
  const Metric metrics[] = {{"pcs", "PCS (%)", &OcEstimates::pcs, 100.0, 1},
                            {"n", "mean patients per trial", &OcEstimates::mean_total_patients, 1.0, 1}};
  std::vector<HtmlChart> charts;
  for (const auto& m : metrics) {
    for (std::size_t k = 0; k < (grid ? designs.size() : 1); ++k) {
      HtmlChart c;
      c.id = std::string(m.id) + (grid ? "-" + designs[k] : "");
      c.type = "heatmap";
      c.title = std::string(m.title) + " across the grid" + (grid ? ": " + designs[k] : "");
      c.value_title = m.title;
      c.x_title = grid ? r.axes[axes[0]] : "variant";
      c.y_title = grid ? r.axes[axes[1]] : "design";
      for (const auto& v : r.variants) {
        std::string label;
        for (std::size_t a : axes) label += (label.empty() ? "" : " | ") + v.values[a];
        if (label.empty()) label = v.id;
        for (const auto& d : v.designs) {
          if (grid && d.name != designs[k]) continue;
          const Estimate& e = d.*m.field;
          if (!e.available()) continue;
          c.rows.push_back(JsonObject()
                               .str("x", grid ? v.values[axes[0]] : label)
                               .str("y", grid ? v.values[axes[1]] : d.name)
                               .num("value", e.value * m.scale)
                               .str("text", cell_text(e, m.scale, m.decimals))
                               .text());
        }
      }
      if (c.rows.empty()) continue;
      c.note = grid ? "One cell per variant of the two axes that vary."
                    : "One column per variant (the values of the axes that vary), one row per design.";
      charts.push_back(std::move(c));
    }
  }
  std::vector<std::pair<std::string, std::string>> facts{{"file", r.path},
                                                         {"sweep", r.sweep_file},
                                                         {"variants", std::to_string(r.variants.size())}};
  for (const auto& a : r.axes) facts.emplace_back("axis", a);
  return html_page("twinsim sweep report: " + r.sweep_file, facts, charts, options);
}

}  // namespace twinsim::trial
