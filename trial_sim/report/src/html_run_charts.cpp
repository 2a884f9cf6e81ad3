// The charts of one result file: OCs per dose and design, paired differences,
// trial size and duration, and in PK/PD mode time-course percentile bands and
// exposures per dose read from the file's tables.
#include <algorithm>
#include <cmath>
#include <map>

#include "html_report_parts.hpp"
#include "twinsim/core/config.hpp"
#include "twinsim/core/h5.hpp"
#include "twinsim/trial/io/schema.hpp"
#include "twinsim/trial/report/html_report.hpp"

namespace twinsim::trial {

namespace detail {

double sorted_quantile(const std::vector<double>& v, double p) {
  if (v.empty()) return std::nan("");
  const double h = p * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

}  // namespace detail

namespace {

// Error bars are 95 % normal intervals from the Monte-Carlo SE.
constexpr double kZ95 = 1.959963984540054;
// A band chart shows at most this many time points (every k-th of the grid).
constexpr std::size_t kMaxBandTimes = 400;

std::string dose_label(double d) { return core::format_number(d); }

JsonObject estimate_row(const std::string& x, const std::string& series, const Estimate& e, double scale) {
  const double se = std::isfinite(e.se) ? e.se : 0.0;
  JsonObject o;
  o.str("x", x).str("series", series).num("value", e.value * scale);
  o.num("lo", (e.value - kZ95 * se) * scale).num("hi", (e.value + kZ95 * se) * scale);
  return o;
}

HtmlChart per_dose_chart(const OcReport& r, const std::string& id, const std::string& title,
                         const std::string& y_title, Estimate DoseOc::*field, bool dose_finding_only) {
  HtmlChart c{id, "bars", title, "", "dose", y_title, "design", "", {}, {}};
  for (const auto& d : r.designs) {
    if (dose_finding_only && !d.dose_finding) continue;
    for (const auto& o : d.doses) c.rows.push_back(estimate_row(dose_label(o.dose), d.name, o.*field, 1.0).text());
  }
  return c;
}

HtmlChart selection_chart(const OcReport& r) {
  HtmlChart c = per_dose_chart(r, "selection", "Selection probability per dose", "P(select)", &DoseOc::p_select, true);
  c.note = "Bars: fraction of trials selecting each dose (\"none\": no dose selected), error bars 95 % "
           "Monte-Carlo intervals (±1.96 SE).";
  for (const auto& d : r.designs)
    if (d.dose_finding) c.rows.push_back(estimate_row("none", d.name, d.p_no_selection, 1.0).text());
  if (r.truth) {
    c.note += " Black line: the true P(DLT) per dose" + std::string(r.truth_se ? " (PK/PD reference cohort)." : ".");
    for (std::size_t i = 0; i < r.truth->size() && i < r.dose_levels.size(); ++i)
      c.line.push_back(
          JsonObject().str("x", dose_label(r.dose_levels[i])).num("y", (*r.truth)[i]).str("label", "true P(DLT)").text());
  }
  for (const auto& d : r.designs)
    if (d.dose_finding && d.target)
      c.note += " " + d.name + " targets " + core::format_number(*d.target) + (d.target_assumed ? " (assumed)." : ".");
  return c;
}

// Paired differences (design - first design) of every design-level OC with
// a value, one forest plot per unit.
std::vector<HtmlChart> forest_charts(const OcReport& r) {
  std::vector<HtmlChart> out;
  if (r.designs.size() < 2) return out;
  const std::vector<OcReport> reports{r};
  const Comparison cmp = compare_reports(reports);
  HtmlChart pp{"diff-probabilities", "forest", "Differences between designs: probabilities", "", "difference (percentage points)",
               "", "design", "", {}, {}};
  HtmlChart counts{"diff-counts", "forest", "Differences between designs: patients and DLTs per trial", "",
                   "difference per trial", "", "design", "", {}, {}};
  HtmlChart days{"diff-duration", "forest", "Differences between designs: trial duration", "", "difference (days)", "",
                 "design", "", {}, {}};
  bool unpaired = false;
  for (const auto& d : cmp.differences) {
    unpaired = unpaired || !d.paired;
    for (const auto& m : oc_metrics()) {
      const Estimate& e = d.*m.field;
      if (!e.available()) continue;
      HtmlChart& c = m.scale == 100.0 ? pp : (std::string(m.key) == "mean_duration_days" ? days : counts);
      JsonObject o = estimate_row("", d.label, e, m.scale);
      o.str("row", std::string(m.title) + ": " + d.label + " − " + d.reference);
      c.rows.push_back(o.text());
    }
  }
  for (HtmlChart* c : {&pp, &counts, &days}) {
    if (c->rows.empty()) continue;
    c->note = std::string("Each design minus the first (") + cmp.labels[0] + "), " +
              (unpaired ? "some unpaired (independent trials)" : "paired trial by trial (common random numbers)") +
              "; 95 % Monte-Carlo intervals.";
    out.push_back(std::move(*c));
  }
  return out;
}

HtmlChart size_or_duration_chart(const OcReport& r) {
  bool timed = false;
  for (const auto& d : r.designs) timed = timed || d.mean_duration_days.available();
  HtmlChart c{"duration", "bars", timed ? "Trial duration" : "Trial size", "", "design",
              timed ? "mean duration (days)" : "mean patients per trial", "design", "", {}, {}};
  for (const auto& d : r.designs)
    c.rows.push_back(estimate_row(d.name, d.name, timed ? d.mean_duration_days : d.mean_total_patients, 1.0).text());
  c.note = timed ? "Mean trial duration under the scenario's accrual; 95 % Monte-Carlo intervals."
                 : "The scenario has no accrual, so trial durations are not computed; the mean number of patients "
                   "per trial is shown instead (95 % Monte-Carlo intervals).";
  return c;
}

// Patients per dose index, in file order, of one design.
std::map<std::int64_t, std::vector<std::size_t>> rows_by_dose(const core::H5Reader& h5, const std::string& group) {
  std::map<std::int64_t, std::vector<std::size_t>> by;
  const auto dose = h5.read_ints(schema::table(group, schema::kPatients) + schema::col::kDoseIndex);
  for (std::size_t i = 0; i < dose.size(); ++i) by[dose[i]].push_back(i);
  return by;
}

// Adds the bands of one time-course variable of one design to `c`: one
// series per dose, named `series` (empty: the dose).
void add_bands(HtmlChart& c, std::string& sizes, const OcReport& r, const core::H5Reader& h5, const std::string& group,
               const std::string& var, const std::string& series, const HtmlOptions& opt) {
  const std::string tc = schema::table(group, schema::kTimecourses);
  const auto time = h5.read_doubles(tc + schema::col::kTime);
  const std::size_t T = time.size(), step = std::max<std::size_t>(1, (T + kMaxBandTimes - 1) / kMaxBandTimes);
  const auto dims = h5.dims(tc + var);
  if (dims.size() != 2 || dims[1] != T) return;
  const auto values = h5.read_doubles(tc + var);
  for (const auto& [dose, rows] : rows_by_dose(h5, group)) {
    if (dose < 0 || static_cast<std::size_t>(dose) >= r.dose_levels.size()) continue;
    const std::size_t n = std::min(rows.size(), opt.max_band_patients);
    const std::string label = series.empty() ? dose_label(r.dose_levels[static_cast<std::size_t>(dose)]) : series;
    sizes += (sizes.empty() ? "" : ", ") + label + ": " + std::to_string(n);
    std::vector<double> at;
    for (std::size_t t = 0; t < T; t += step) {
      at.clear();
      for (std::size_t k = 0; k < n; ++k) {
        const double v = values[rows[k] * T + t];
        if (std::isfinite(v)) at.push_back(v);
      }
      if (at.empty()) continue;
      std::sort(at.begin(), at.end());
      c.rows.push_back(JsonObject()
                           .num("t", time[t])
                           .str("series", label)
                           .num("lo", detail::sorted_quantile(at, 0.05))
                           .num("mid", detail::sorted_quantile(at, 0.5))
                           .num("hi", detail::sorted_quantile(at, 0.95))
                           .text());
    }
  }
}

// Percentile bands of every stored time course: per dose-finding design one
// chart per variable with a band per dose; the fixed arms (one dose each)
// together in one chart per variable with a band per arm.
std::vector<HtmlChart> band_charts(const OcReport& r, const core::H5Reader& h5, const HtmlOptions& opt) {
  std::vector<HtmlChart> out;
  std::vector<std::string> variables;
  std::vector<const DesignOc*> panels;  // null: the fixed arms
  bool fixed_panel = false;
  for (const auto& d : r.designs) {
    const std::string tc = schema::table(schema::design_group(d.name), schema::kTimecourses);
    if (!h5.exists(tc + schema::col::kTime) ||
        !h5.exists(schema::table(schema::design_group(d.name), schema::kPatients) + schema::col::kDoseIndex))
      continue;
    for (const auto& var : h5.children(tc))
      if (var != schema::col::kTime && std::find(variables.begin(), variables.end(), var) == variables.end())
        variables.push_back(var);
    if (d.dose_finding) panels.push_back(&d);
    else if (!fixed_panel) panels.push_back(nullptr), fixed_panel = true;
  }
  for (const DesignOc* panel : panels) {
    for (const auto& var : variables) {
      const std::string who = panel ? panel->name : "fixed arms";
      HtmlChart c{"bands-" + who + "-" + var, "bands", var + " over time: " + who, "", "time (h)", var,
                  panel ? "dose" : "arm", "", {}, {}};
      std::string sizes;
      for (const auto& d : r.designs) {
        if (panel ? &d != panel : d.dose_finding) continue;
        const std::string group = schema::design_group(d.name);
        if (h5.exists(schema::table(group, schema::kTimecourses) + var))
          add_bands(c, sizes, r, h5, group, var, panel ? "" : d.name, opt);
      }
      if (c.rows.empty()) continue;
      c.note = std::string("Median (line) and 5-95 % band of the patients treated at each ") +
               (panel ? "dose" : "arm") + " (patients: " + sizes + "); failed solves left out.";
      out.push_back(std::move(c));
    }
  }
  return out;
}

std::vector<HtmlChart> exposure_charts(const OcReport& r, const core::H5Reader& h5) {
  std::vector<HtmlChart> out;
  for (const char* metric : {schema::col::kCmax, schema::col::kAucTotal}) {
    HtmlChart c{std::string("exposure-") + metric, "boxes", std::string("Exposure by dose: ") + metric, "", "dose",
                metric, "design", "", {}, {}};
    for (const auto& d : r.designs) {
      const std::string col = schema::table(schema::design_group(d.name), schema::kPatients) + metric;
      if (!h5.exists(col)) continue;
      const auto values = h5.read_doubles(col);
      for (const auto& [dose, rows] : rows_by_dose(h5, schema::design_group(d.name))) {
        if (dose < 0 || static_cast<std::size_t>(dose) >= r.dose_levels.size()) continue;
        std::vector<double> v;
        for (std::size_t i : rows)
          if (std::isfinite(values[i])) v.push_back(values[i]);
        if (v.empty()) continue;
        std::sort(v.begin(), v.end());
        JsonObject o;
        o.str("x", dose_label(r.dose_levels[static_cast<std::size_t>(dose)])).str("series", d.name);
        o.num("n", static_cast<double>(v.size()));
        for (const auto& [key, p] : {std::pair{"q05", 0.05}, {"q25", 0.25}, {"q50", 0.5}, {"q75", 0.75}, {"q95", 0.95}})
          o.num(key, detail::sorted_quantile(v, p));
        c.rows.push_back(o.text());
      }
    }
    if (c.rows.empty()) continue;
    c.note = "Per design and dose: box 25-75 %, whiskers 5-95 %, black tick the median; every patient treated there.";
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

std::vector<HtmlChart> run_report_charts(const OcReport& r, const std::string& path, const HtmlOptions& options) {
  std::vector<HtmlChart> charts;
  bool dose_finding = false;
  for (const auto& d : r.designs) dose_finding = dose_finding || d.dose_finding;
  if (dose_finding) charts.push_back(selection_chart(r));
  charts.push_back(per_dose_chart(r, "patients", "Patients per dose", "mean patients per trial", &DoseOc::mean_patients, false));
  charts.push_back(per_dose_chart(r, "dlts", "DLTs per dose", "mean DLTs per trial", &DoseOc::mean_dlts, false));
  for (auto& c : forest_charts(r)) charts.push_back(std::move(c));
  charts.push_back(size_or_duration_chart(r));
  const core::H5Reader h5(path);
  for (auto& c : band_charts(r, h5, options)) charts.push_back(std::move(c));
  for (auto& c : exposure_charts(r, h5)) charts.push_back(std::move(c));
  return charts;
}

std::string html_run_report(const OcReport& r, const std::string& path, const HtmlOptions& options) {
  std::vector<std::pair<std::string, std::string>> facts{
      {"file", path},
      {"mode", r.mode},
      {"seed", std::to_string(r.seed)},
      {"replicates", std::to_string(r.replicates)},
      {"designs", std::to_string(r.designs.size())}};
  for (const auto& w : r.warnings) facts.emplace_back("warning", w);
  return html_page("twinsim report: " + r.scenario_name, facts, run_report_charts(r, path, options), options);
}

}  // namespace twinsim::trial
