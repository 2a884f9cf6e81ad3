// Exposure per arm in the report and comparison formats (exposure_format.hpp).
#include "exposure_format.hpp"

#include <sstream>

#include "twinsim/core/value_text.hpp"
#include "twinsim/trial/report/oc_format.hpp"

namespace twinsim::trial {

namespace {

std::string dose_cell(const DesignOc& d, const ExposureOc& r) {
  return r.dose_index < 0 ? std::string("all doses")
                          : core::format_number(d.doses[static_cast<std::size_t>(r.dose_index)].dose);
}

std::string estimate_cell(const Estimate& e) { return format_estimate(e, 1.0, 3, ""); }

}  // namespace

std::string exposure_title(std::size_t metric) {
  const ExposureMetric& m = exposure_metrics()[metric];
  return std::string(m.title) + " (" + m.unit + ")";
}

std::vector<std::vector<std::string>> exposure_rows(const DesignOc& d) {
  if (d.exposure.empty()) return {};
  std::vector<std::vector<std::string>> rows{{"exposure per patient", "dose", "patients", "mean ± MC SE",
                                              "geometric mean ± MC SE"}};
  for (const auto& r : d.exposure.rows)
    rows.push_back({exposure_title(r.metric), dose_cell(d, r), std::to_string(r.patients), estimate_cell(r.mean),
                    r.geometric_mean.available() ? estimate_cell(r.geometric_mean) : std::string("n/a")});
  return rows;
}

void exposure_csv(const DesignOc& d, const std::string& lead, std::string& out) {
  for (const auto& r : d.exposure.rows) {
    const std::string col = exposure_metrics()[r.metric].column;
    const std::string mid = r.dose_index < 0 ? std::string(",,,")
                                             : std::to_string(r.dose_index) + ',' +
                                                   csv_number(d.doses[static_cast<std::size_t>(r.dose_index)].dose) + ",,";
    out += lead + col + "_mean," + mid + csv_number(r.mean.value) + ',' + csv_number(r.mean.se) + '\n';
    out += lead + col + "_geomean," + mid + csv_number(r.geometric_mean.value) + ',' +
           csv_number(r.geometric_mean.se) + '\n';
  }
}

std::string exposure_json(const DesignOc& d) {
  std::ostringstream o;
  o << ",\n     \"exposure\": [";
  for (std::size_t i = 0; i < d.exposure.rows.size(); ++i) {
    const ExposureOc& r = d.exposure.rows[i];
    const ExposureMetric& m = exposure_metrics()[r.metric];
    o << (i ? ",\n       " : "\n       ") << "{\"metric\": " << json_escape(m.column)
      << ", \"unit\": " << json_escape(m.unit)
      << ", \"dose_index\": " << (r.dose_index < 0 ? std::string("null") : std::to_string(r.dose_index))
      << ", \"patients\": " << r.patients << ", \"mean\": " << json_estimate(r.mean)
      << ", \"geometric_mean\": " << json_estimate(r.geometric_mean) << "}";
  }
  o << "]";
  return o.str();
}

std::vector<std::string> exposure_difference_lines(const DesignDifference& d) {
  std::vector<std::string> lines;
  const std::string tail = d.paired ? "" : " (unpaired)";
  for (const auto& e : d.exposure) {
    const std::string t = exposure_title(e.metric);
    lines.push_back(d.label + " - " + d.reference + " mean " + t + ": " +
                    format_estimate(e.mean_difference, 1.0, 3, "", true) + tail);
    if (e.gmr.available())
      lines.push_back(d.label + " / " + d.reference + " geometric mean ratio " + exposure_metrics()[e.metric].title +
                      ": " + format_estimate(e.gmr, 1.0, 3, "") + tail);
  }
  return lines;
}

void exposure_difference_csv(const DesignOc& d, const DesignDifference* diff, const std::string& lead,
                             std::string& out) {
  for (std::size_t m = 0; m < exposure_metrics().size(); ++m) {
    const ExposureOc* r = d.exposure.overall(m);
    if (!r) continue;
    const std::string col = exposure_metrics()[m].column;
    const ExposureDifference* e = nullptr;
    if (diff)
      for (const auto& x : diff->exposure)
        if (x.metric == m) e = &x;
    const std::string pairing = !diff ? "reference" : diff->paired ? "paired" : "unpaired";
    out += lead + col + "_mean,,," + csv_number(r->mean.value) + ',' + csv_number(r->mean.se) + ',' +
           (e ? csv_number(e->mean_difference.value) + ',' + csv_number(e->mean_difference.se) : std::string(",")) +
           ',' + pairing + '\n';
    if (e && e->gmr.available())
      out += lead + col + "_gmr,,," + csv_number(e->gmr.value) + ',' + csv_number(e->gmr.se) + ",,," + pairing + '\n';
  }
}

std::string exposure_difference_json(const DesignDifference& d) {
  std::ostringstream o;
  o << ", \"exposure\": [";
  for (std::size_t i = 0; i < d.exposure.size(); ++i) {
    const ExposureDifference& e = d.exposure[i];
    o << (i ? ", " : "") << "{\"metric\": " << json_escape(exposure_metrics()[e.metric].column)
      << ", \"mean_difference\": " << json_estimate(e.mean_difference)
      << ", \"geometric_mean_ratio\": " << json_estimate(e.gmr) << "}";
  }
  o << "]";
  return o.str();
}

}  // namespace twinsim::trial
