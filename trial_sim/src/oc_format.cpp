#include "twinsim/trial/oc_format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "twinsim/core/config.hpp"
#include "twinsim/core/error.hpp"

namespace twinsim::trial {

namespace {

using Row = std::vector<std::string>;

// A design-level OC: key (csv/json), title (table), how to print it.
struct Metric {
  const char* key;
  const char* title;
  double scale;
  int decimals;
  const char* unit;
  Estimate DesignOc::*oc;
  Estimate DesignDifference::*diff;
};

const Metric kMetrics[] = {
    {"pcs", "PCS", 100.0, 1, " %", &DesignOc::pcs, &DesignDifference::pcs},
    {"p_no_selection", "no dose selected", 100.0, 1, " %", &DesignOc::p_no_selection,
     &DesignDifference::p_no_selection},
    {"above_target", "treated above target", 100.0, 1, " %", &DesignOc::above_target, &DesignDifference::above_target},
    {"mean_total_patients", "mean total N", 1.0, 2, "", &DesignOc::mean_total_patients,
     &DesignDifference::mean_total_patients},
    {"mean_total_dlts", "mean total DLTs", 1.0, 2, "", &DesignOc::mean_total_dlts, &DesignDifference::mean_total_dlts},
};

const Metric& metric(const std::string& key) {
  for (const auto& m : kMetrics)
    if (key == m.key) return m;
  throw core::UsageError("unknown metric '" + key + "'");
}

std::string fixed(double v, int decimals, bool sign = false) {
  char buf[64];
  std::snprintf(buf, sizeof buf, sign ? "%+.*f" : "%.*f", decimals, v);
  return buf;
}

// Shortest round-trip text for machine formats; "" for n/a.

// Display width of UTF-8 text ("±" is one column, two bytes).
std::size_t width(const std::string& s) {
  std::size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

// Aligned columns: first column left-aligned, the others right-aligned.
std::string render_text(const std::vector<Row>& rows, const std::string& indent) {
  std::vector<std::size_t> w;
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (w.size() <= i) w.push_back(0);
      w[i] = std::max(w[i], width(r[i]));
    }
  std::string out;
  for (const auto& r : rows) {
    std::string line = indent;
    for (std::size_t i = 0; i < r.size(); ++i) {
      const std::string pad(w[i] - width(r[i]), ' ');
      line += i == 0 ? r[i] + pad : "  " + pad + r[i];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + '\n';
  }
  return out;
}

std::string md_cell(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '|' ? std::string("\\|") : std::string(1, c);
  return o;
}

std::string render_markdown(const std::vector<Row>& rows) {
  std::string out;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    out += '|';
    for (const auto& c : rows[k]) out += ' ' + md_cell(c) + " |";
    out += '\n';
    if (k == 0) {
      out += '|';
      for (std::size_t i = 0; i < rows[0].size(); ++i) out += i == 0 ? "---|" : "---:|";
      out += '\n';
    }
  }
  return out;
}

std::string dose_label(double d) { return core::format_number(d); }

std::string truth_cell(const DoseOc& o) {
  if (!o.true_dlt_probability) return "-";
  std::string s = core::format_number(std::round(*o.true_dlt_probability * 1e4) / 1e4);
  if (o.true_dlt_probability_se && std::isfinite(*o.true_dlt_probability_se))
    s += " ± " + core::format_number(std::round(*o.true_dlt_probability_se * 1e4) / 1e4);
  return s;
}

std::string target_cell(const DesignOc& d) {
  if (!d.target) return "-";
  return core::format_number(*d.target) + (d.target_assumed ? " (assumed)" : "");
}

std::string target_dose_cell(const DesignOc& d) {
  return d.target_dose < 0 ? "-" : dose_label(d.doses[static_cast<std::size_t>(d.target_dose)].dose);
}

std::string design_title(const DesignOc& d) {
  std::string s = d.name + " (" + d.type;
  if (d.target) s += std::string(d.target_assumed ? ", assumed target " : ", target ") + core::format_number(*d.target);
  return s + "), " + std::to_string(d.trials) + " trials";
}

std::string target_note(const DesignOc& d, bool has_truth) {
  if (!d.target) return "no target DLT rate: PCS and treated above target are n/a (see --target)";
  if (!has_truth) return "no true DLT probabilities in the file: PCS and treated above target are n/a";
  return std::string(d.target_assumed ? "the design has no target of its own; " : "") + "true target dose: " +
         target_dose_cell(d) + " (true P(DLT) closest to " + core::format_number(*d.target) + "; marked *)";
}

std::vector<Row> dose_rows(const DesignOc& d, bool has_truth) {
  Row head{"dose"};
  if (has_truth) head.push_back("true P(DLT)");
  for (const char* h : {"P(select) %", "patients", "DLTs"}) head.push_back(h);
  std::vector<Row> rows{head};
  for (std::size_t i = 0; i < d.doses.size(); ++i) {
    const DoseOc& o = d.doses[i];
    Row r{dose_label(o.dose) + (static_cast<int>(i) == d.target_dose ? " *" : "")};
    if (has_truth) r.push_back(truth_cell(o));
    r.push_back(format_estimate(o.p_select, 100.0, 1, ""));
    r.push_back(format_estimate(o.mean_patients, 1.0, 2, ""));
    r.push_back(format_estimate(o.mean_dlts, 1.0, 2, ""));
    rows.push_back(r);
  }
  return rows;
}

std::vector<Row> summary_rows(const DesignOc& d) {
  std::vector<Row> rows{{"metric", "estimate ± MC SE"}};
  for (const auto& m : kMetrics) rows.push_back({m.title, format_estimate(d.*m.oc, m.scale, m.decimals, m.unit)});
  return rows;
}


std::string design_json(const DesignOc& d, const std::string& label, const std::string& file) {
  std::ostringstream o;
  o << "{\"label\": " << json_escape(label) << ", \"name\": " << json_escape(d.name)
    << ", \"file\": " << json_escape(file) << ", \"type\": " << json_escape(d.type)
    << ", \"target\": " << (d.target ? json_number(*d.target) : "null")
    << ", \"target_assumed\": " << (d.target_assumed ? "true" : "false") << ", \"trials\": " << d.trials
    << ", \"target_dose_index\": " << (d.target_dose >= 0 ? std::to_string(d.target_dose) : "null")
    << ",\n     \"doses\": [";
  for (std::size_t i = 0; i < d.doses.size(); ++i) {
    const DoseOc& x = d.doses[i];
    o << (i ? ",\n       " : "\n       ") << "{\"index\": " << i << ", \"dose\": " << json_number(x.dose)
      << ", \"true_dlt_probability\": " << (x.true_dlt_probability ? json_number(*x.true_dlt_probability) : "null")
      << ", \"p_select\": " << json_estimate(x.p_select) << ", \"mean_patients\": " << json_estimate(x.mean_patients)
      << ", \"mean_dlts\": " << json_estimate(x.mean_dlts) << "}";
  }
  o << "]";
  for (const auto& m : kMetrics) o << ",\n     \"" << m.key << "\": " << json_estimate(d.*m.oc);
  o << ",\n     \"warnings\": [";
  for (std::size_t i = 0; i < d.warnings.size(); ++i) o << (i ? ", " : "") << json_escape(d.warnings[i]);
  o << "]}";
  return o.str();
}

const char* kCsvHeader = "design,type,target,metric,dose_index,dose,true_dlt_probability,value,se";

void design_csv(const DesignOc& d, const std::string& label, std::string& out) {
  const std::string lead =
      csv_field(label) + ',' + csv_field(d.type) + ',' + (d.target ? csv_number(*d.target) : std::string()) + ',';
  for (std::size_t i = 0; i < d.doses.size(); ++i) {
    const DoseOc& x = d.doses[i];
    const std::string mid = std::to_string(i) + ',' + csv_number(x.dose) + ',' +
                            (x.true_dlt_probability ? csv_number(*x.true_dlt_probability) : std::string()) + ',';
    out += lead + "p_select," + mid + csv_number(x.p_select.value) + ',' + csv_number(x.p_select.se) + '\n';
    out += lead + "mean_patients," + mid + csv_number(x.mean_patients.value) + ',' + csv_number(x.mean_patients.se) + '\n';
    out += lead + "mean_dlts," + mid + csv_number(x.mean_dlts.value) + ',' + csv_number(x.mean_dlts.se) + '\n';
  }
  if (d.target) {
    const bool td = d.target_dose >= 0;
    const auto k = static_cast<std::size_t>(std::max(0, d.target_dose));
    out += lead + (d.target_assumed ? "assumed_target," : "target,");
    out += td ? std::to_string(k) + ',' + csv_number(d.doses[k].dose) + ',' : std::string(",,");
    out += (td && d.doses[k].true_dlt_probability ? csv_number(*d.doses[k].true_dlt_probability) : std::string()) + ',' +
           csv_number(*d.target) + ",\n";
  }
  for (const auto& m : kMetrics) {
    const Estimate& e = d.*m.oc;
    out += lead + m.key + ",,,," + csv_number(e.value) + ',' + csv_number(e.se) + '\n';
  }
}

}  // namespace

std::string render_text_table(const std::vector<std::vector<std::string>>& rows, const std::string& indent) {
  return render_text(rows, indent);
}
std::string render_markdown_table(const std::vector<std::vector<std::string>>& rows) { return render_markdown(rows); }

OcFormat parse_oc_format(const std::string& name) {
  if (name == "table") return OcFormat::kTable;
  if (name == "csv") return OcFormat::kCsv;
  if (name == "json") return OcFormat::kJson;
  if (name == "markdown") return OcFormat::kMarkdown;
  throw core::UsageError("unknown format '" + name + "' (expected table, csv, json or markdown)");
}

std::string json_escape(const std::string& s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      o += '\\';
      o += static_cast<char>(c);
    } else if (c < 0x20) {  // control characters as \u00XX
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      o += buf;
    } else {
      o += static_cast<char>(c);
    }
  }
  return o + '"';
}

std::string csv_number(double v) { return std::isfinite(v) ? core::format_number(v) : std::string(); }
std::string json_number(double v) { return std::isfinite(v) ? core::format_number(v) : std::string("null"); }

std::string json_estimate(const Estimate& e) {
  if (!e.available()) return "null";
  return "{\"value\": " + json_number(e.value) + ", \"se\": " + json_number(e.se) + "}";
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
  return o + '"';
}

std::string format_estimate(const Estimate& e, double scale, int decimals, const std::string& unit, bool sign) {
  if (!e.available()) return "n/a";
  const double se = e.se * scale;
  int dec = decimals;
  if (std::isfinite(se) && se > 0)
    while (dec < decimals + 3 && se < 0.95 * std::pow(10.0, -dec)) ++dec;
  std::string s = fixed(e.value * scale, dec, sign) + unit + " ± ";
  s += std::isfinite(se) ? fixed(se, dec) + unit : std::string("n/a");
  return s;
}

std::string format_difference_line(const DesignDifference& d, const std::string& key) {
  const Metric& m = metric(key);
  return d.label + " - " + d.reference + " " + m.title + ": " +
         format_estimate(d.*m.diff, m.scale, m.decimals, m.unit, true) + (d.paired ? "" : " (unpaired)");
}

std::string format_report(const OcReport& rep, OcFormat format) {
  const bool has_truth = rep.truth.has_value();
  std::ostringstream o;
  switch (format) {
    case OcFormat::kTable:
    case OcFormat::kMarkdown: {
      const bool md = format == OcFormat::kMarkdown;
      o << (md ? "# " : "") << "Operating characteristics: " << rep.scenario_name << "\n\n"
        << (md ? "" : "  ") << "file " << rep.path << ", " << (rep.mode.empty() ? "?" : rep.mode) << " mode, seed "
        << rep.seed << ", " << rep.replicates << " replicates; estimates ± Monte-Carlo SE\n";
      for (const auto& d : rep.designs) {
        o << '\n' << (md ? "## design " : "design ") << design_title(d) << "\n\n";
        const std::string note = target_note(d, has_truth);
        o << (md ? render_markdown(dose_rows(d, has_truth)) + "\n" + render_markdown(summary_rows(d))
                 : render_text(dose_rows(d, has_truth), "  ") + '\n' + render_text(summary_rows(d), "  "))
          << (md ? "\n" : "  ") << note << '\n';
      }
      break;
    }
    case OcFormat::kCsv: {
      std::string out = std::string(kCsvHeader) + '\n';
      for (const auto& d : rep.designs) design_csv(d, d.name, out);
      return out;
    }
    case OcFormat::kJson: {
      o << "{\"file\": " << json_escape(rep.path) << ", \"scenario\": " << json_escape(rep.scenario_name)
        << ", \"mode\": " << json_escape(rep.mode) << ", \"schema_version\": " << rep.schema_version
        << ", \"seed\": " << rep.seed << ", \"replicates\": " << rep.replicates << ",\n \"dose_levels\": [";
      for (std::size_t i = 0; i < rep.dose_levels.size(); ++i) o << (i ? ", " : "") << json_number(rep.dose_levels[i]);
      o << "],\n \"designs\": [";
      for (std::size_t i = 0; i < rep.designs.size(); ++i)
        o << (i ? ",\n    " : "\n    ") << design_json(rep.designs[i], rep.designs[i].name, rep.path);
      o << "]}\n";
      break;
    }
  }
  return o.str();
}

std::string format_comparison(const Comparison& c, OcFormat format) {
  std::ostringstream o;
  const std::size_t n = c.designs.size();
  if (n == 0) return {};
  const std::string ref = c.labels[0];
  // Per-dose rows are labelled by dose when every file has the same levels.
  bool same_doses = true;
  for (const auto* f : c.files) same_doses = same_doses && f->dose_levels == c.files[0]->dose_levels;
  std::size_t max_doses = 0;
  for (const auto* d : c.designs) max_doses = std::max(max_doses, d->doses.size());

  switch (format) {
    case OcFormat::kTable:
    case OcFormat::kMarkdown: {
      const bool md = format == OcFormat::kMarkdown;
      std::vector<Row> side{Row{"metric"}};
      for (const auto& l : c.labels) side[0].push_back(l);
      auto dose_row = [&](const std::string& what, std::size_t k, Estimate DoseOc::*field, double scale, int dec) {
        Row r{what + " dose " + (same_doses ? dose_label(c.files[0]->dose_levels[k]) : "#" + std::to_string(k + 1))};
        for (const auto* d : c.designs)
          r.push_back(k < d->doses.size() ? format_estimate(d->doses[k].*field, scale, dec, "") : "-");
        side.push_back(r);
      };
      Row target{"target DLT rate"}, target_dose{"true target dose"};
      for (const auto* d : c.designs) {
        target.push_back(target_cell(*d));
        target_dose.push_back(target_dose_cell(*d));
      }
      side.push_back(target);
      side.push_back(target_dose);
      for (std::size_t k = 0; k < max_doses; ++k) dose_row("P(select) %", k, &DoseOc::p_select, 100.0, 1);
      for (std::size_t k = 0; k < max_doses; ++k) dose_row("patients", k, &DoseOc::mean_patients, 1.0, 2);
      for (const auto& m : kMetrics) {
        Row r{m.title};
        for (const auto* d : c.designs) r.push_back(format_estimate(d->*m.oc, m.scale, m.decimals, m.unit));
        side.push_back(r);
      }
      o << (md ? "# Design comparison\n\n" : "Design comparison (estimates ± Monte-Carlo SE)\n\n");
      o << (md ? render_markdown(side) : render_text(side, "  "));
      if (n > 1) {
        o << '\n' << (md ? "## " : "") << "Differences from the reference design " << ref
          << "\n\n";
        if (md) o << "| design | metric | difference ± SE | pairing |\n|---|---|---:|---|\n";
        for (const auto& d : c.differences) {
          const std::string pairing = d.paired ? "paired (same virtual patients, common random numbers)"
                                               : "unpaired: " + d.unpaired_reason;
          if (!md) o << "  " << d.label << " vs " << d.reference << ": " << pairing << '\n';
          for (const auto& m : kMetrics) {
            if (md)
              o << "| " << md_cell(d.label + " - " + d.reference) << " | " << m.title << " | "
                << format_estimate(d.*m.diff, m.scale, m.decimals, m.unit, true) << " | "
                << md_cell(d.paired ? "paired" : "unpaired: " + d.unpaired_reason) << " |\n";
            else
              o << "    " << format_difference_line(d, m.key) << '\n';
          }
        }
      }
      break;
    }
    case OcFormat::kCsv: {
      o << "design,reference,metric,dose_index,dose,value,se,difference,difference_se,pairing\n";
      for (std::size_t i = 0; i < n; ++i) {
        const DesignOc& d = *c.designs[i];
        const std::string lead = csv_field(c.labels[i]) + ',' + csv_field(ref) + ',';
        if (d.target)
          o << lead << (d.target_assumed ? "assumed_target," : "target,")
            << (d.target_dose >= 0 ? std::to_string(d.target_dose) + ',' + target_dose_cell(d) : std::string(","))
            << ',' << csv_number(*d.target) << ",,,,\n";
        for (std::size_t k = 0; k < d.doses.size(); ++k) {
          const std::string mid = std::to_string(k) + ',' + csv_number(d.doses[k].dose) + ',';
          o << lead << "p_select," << mid << csv_number(d.doses[k].p_select.value) << ',' << csv_number(d.doses[k].p_select.se)
            << ",,,\n";
          o << lead << "mean_patients," << mid << csv_number(d.doses[k].mean_patients.value) << ','
            << csv_number(d.doses[k].mean_patients.se) << ",,,\n";
        }
        for (const auto& m : kMetrics) {
          const Estimate& e = d.*m.oc;
          o << lead << m.key << ",,," << csv_number(e.value) << ',' << csv_number(e.se) << ',';
          if (i == 0) {
            o << ",,reference\n";
          } else {
            const DesignDifference& diff = c.differences[i - 1];
            const Estimate& de = diff.*m.diff;
            o << csv_number(de.value) << ',' << csv_number(de.se) << ',' << (diff.paired ? "paired" : "unpaired") << '\n';
          }
        }
      }
      break;
    }
    case OcFormat::kJson: {
      o << "{\"reference\": " << json_escape(ref) << ",\n \"files\": [";
      std::vector<const OcReport*> seen;
      for (const auto* f : c.files) {
        if (std::find(seen.begin(), seen.end(), f) != seen.end()) continue;
        o << (seen.empty() ? "" : ", ") << "{\"file\": " << json_escape(f->path)
          << ", \"scenario\": " << json_escape(f->scenario_name) << ", \"seed\": " << f->seed
          << ", \"replicates\": " << f->replicates << "}";
        seen.push_back(f);
      }
      o << "],\n \"designs\": [";
      for (std::size_t i = 0; i < n; ++i)
        o << (i ? ",\n    " : "\n    ") << design_json(*c.designs[i], c.labels[i], c.files[i]->path);
      o << "],\n \"differences\": [";
      for (std::size_t i = 0; i < c.differences.size(); ++i) {
        const DesignDifference& d = c.differences[i];
        o << (i ? ",\n    " : "\n    ") << "{\"design\": " << json_escape(d.label)
          << ", \"reference\": " << json_escape(d.reference) << ", \"paired\": " << (d.paired ? "true" : "false")
          << ", \"unpaired_reason\": " << (d.paired ? "null" : json_escape(d.unpaired_reason));
        for (const auto& m : kMetrics) o << ", \"" << m.key << "\": " << json_estimate(d.*m.diff);
        o << "}";
      }
      o << "]}\n";
      break;
    }
  }
  return o.str();
}

}  // namespace twinsim::trial
