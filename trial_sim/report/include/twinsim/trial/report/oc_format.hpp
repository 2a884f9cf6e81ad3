// Text renderings of operating characteristics (oc_report.hpp) for
// `twinsim report` and `twinsim compare`.
//
// table and markdown are for people: probabilities in percent, each estimate
// followed by "± MC SE". csv and json are for programs: probabilities as
// fractions in [0, 1], estimate and SE in separate fields, n/a as an empty
// field (csv) or null (json). csv is tidy: one header line, one row per
// (design, metric[, dose]).
#pragma once

#include <string>
#include <vector>

#include "twinsim/trial/results/oc_report.hpp"

namespace twinsim::trial {

enum class OcFormat { kTable, kCsv, kJson, kMarkdown };

// "table" | "csv" | "json" | "markdown"; throws core::UsageError otherwise.
OcFormat parse_oc_format(const std::string& name);

std::string format_report(const OcReport& report, OcFormat format);
std::string format_comparison(const Comparison& comparison, OcFormat format);

// "boin - 3+3 PCS: +18.2 % ± 0.5 %" (with " (unpaired)" when not paired).
// metric: an OcMetric::key of oc_metrics().
std::string format_difference_line(const DesignDifference& d, const std::string& metric);

// Aligned text and markdown tables; rows[0] is the header (sweep reports use them too).
std::string render_text_table(const std::vector<std::vector<std::string>>& rows, const std::string& indent);
std::string render_markdown_table(const std::vector<std::vector<std::string>>& rows);
std::string markdown_cell(const std::string& s);  // '|' escaped

// Helpers, exposed for tests.
std::string json_escape(const std::string& s);  // with the surrounding quotes
std::string csv_field(const std::string& s);      // quoted when needed
std::string csv_number(double v);                 // empty when not finite
std::string json_number(double v);                // null when not finite
std::string json_estimate(const Estimate& e);     // {"value": v, "se": s} or null
// value ± se with enough decimals to show the SE (at least `decimals`).
std::string format_estimate(const Estimate& e, double scale, int decimals, const std::string& unit,
                            bool sign = false);
// An OC as tables show it (its scale, decimals and unit).
std::string format_metric(const Estimate& e, const OcMetric& m, bool sign = false);

}  // namespace twinsim::trial
