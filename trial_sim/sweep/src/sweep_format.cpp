// Text renderings of a merged sweep file (sweep_report.hpp). Same conventions
// as oc_format.hpp: table/markdown in percent with "± MC SE"; csv/json with
// fractions, estimate and SE in separate fields, n/a empty (csv) or null (json).
#include <algorithm>
#include <cmath>
#include <sstream>

#include "twinsim/core/value_text.hpp"
#include "twinsim/trial/sweep/sweep_report.hpp"

namespace twinsim::trial {

namespace {

using Row = std::vector<std::string>;


std::string target_cell(const SweepDesignOc& d) {
  if (!d.target) return "-";
  return core::format_number(*d.target) + (d.target_assumed ? " (assumed)" : "");
}

std::string render(const std::vector<Row>& rows, OcFormat format) {
  if (format == OcFormat::kMarkdown) return render_markdown_table(rows);
  if (format == OcFormat::kTable) return render_text_table(rows, "  ");
  std::string out;
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size(); ++i) out += (i ? "," : "") + csv_field(r[i]);
    out += '\n';
  }
  return out;
}

std::string heading(const SweepReport& r, OcFormat format, const char* what) {
  const bool md = format == OcFormat::kMarkdown;
  return std::string(md ? "# " : "") + what + ": " + r.path + "\n\n" + (md ? "" : "  ") + "sweep " + r.sweep_file +
         ", " + std::to_string(r.variants.size()) + " variants; estimates ± Monte-Carlo SE\n\n";
}

Row axis_header(const SweepReport& r) {
  Row h{"variant"};
  h.insert(h.end(), r.axes.begin(), r.axes.end());
  return h;
}

Row axis_cells(const SweepVariantOc& v) {
  Row c{v.id};
  c.insert(c.end(), v.values.begin(), v.values.end());
  return c;
}

std::string json_axes(const SweepReport& r, const SweepVariantOc& v) {
  std::string o = "{";
  for (std::size_t a = 0; a < r.axes.size(); ++a)
    o += (a ? ", " : "") + json_escape(r.axes[a]) + ": " + json_escape(v.values[a]);
  return o + "}";
}


// The names of all designs, in order of first appearance.
std::vector<std::string> design_names(const SweepReport& r) {
  std::vector<std::string> names;
  for (const auto& v : r.variants)
    for (const auto& d : v.designs)
      if (std::find(names.begin(), names.end(), d.name) == names.end()) names.push_back(d.name);
  return names;
}

const SweepDesignOc* find_design(const SweepVariantOc& v, const std::string& name) {
  for (const auto& d : v.designs)
    if (d.name == name) return &d;
  return nullptr;
}

// The design with the highest PCS: "" if none has one, or if the designs
// with one are scored against different targets (their PCS measure
// different things, so they are not ranked; `different` says so).
std::string best_design(const SweepVariantOc& v, bool& different) {
  const SweepDesignOc* best = nullptr;
  different = false;
  for (const auto& d : v.designs) {
    if (!d.pcs.available()) continue;
    if (best && !same_target(best->target, d.target)) different = true;
    if (!best || d.pcs.value > best->pcs.value) best = &d;
  }
  return best && !different ? best->name : std::string();
}

const char* kNotRanked = "not ranked: scored against different targets";

}  // namespace

std::string format_sweep_report(const SweepReport& r, OcFormat format) {
  const bool human = format == OcFormat::kTable || format == OcFormat::kMarkdown;
  if (format == OcFormat::kJson) {
    std::ostringstream o;
    o << "{\"file\": " << json_escape(r.path) << ", \"sweep_file\": " << json_escape(r.sweep_file)
      << ",\n \"rows\": [";
    bool first = true;
    for (const auto& v : r.variants)
      for (const auto& d : v.designs) {
        o << (first ? "\n    " : ",\n    ") << "{\"variant\": " << json_escape(v.id)
          << ", \"axes\": " << json_axes(r, v) << ", \"design\": " << json_escape(d.name)
          << ", \"type\": " << json_escape(d.type) << ", \"target\": " << (d.target ? json_number(*d.target) : "null")
          << ", \"target_assumed\": " << (d.target_assumed ? "true" : "false") << ", \"trials\": " << d.trials;
        for (const auto& m : oc_metrics()) o << ", \"" << m.key << "\": " << json_estimate(d.*m.field);
        o << "}";
        first = false;
      }
    o << "]}\n";
    return o.str();
  }
  std::vector<Row> rows{axis_header(r)};
  for (const char* c : {"design", "type", "target"}) rows[0].push_back(c);
  for (const auto& m : oc_metrics()) {
    rows[0].push_back(human ? m.title : m.key);
    if (!human) rows[0].push_back(std::string(m.key) + "_se");
  }
  for (const auto& v : r.variants)
    for (const auto& d : v.designs) {
      Row row = axis_cells(v);
      row.push_back(d.name);
      row.push_back(d.type);
      row.push_back(human ? target_cell(d) : (d.target ? csv_number(*d.target) : std::string()));
      for (const auto& m : oc_metrics()) {
        const Estimate& e = d.*m.field;
        if (human) {
          row.push_back(format_metric(e, m));
        } else {
          row.push_back(csv_number(e.value));
          row.push_back(csv_number(e.se));
        }
      }
      rows.push_back(row);
    }
  return (human ? heading(r, format, "Sweep operating characteristics") : std::string()) + render(rows, format);
}

std::string format_sweep_comparison(const SweepReport& r, OcFormat format) {
  const bool human = format == OcFormat::kTable || format == OcFormat::kMarkdown;
  const auto names = design_names(r);
  if (format == OcFormat::kJson) {
    std::ostringstream o;
    o << "{\"file\": " << json_escape(r.path) << ", \"metric\": \"pcs\",\n \"rows\": [";
    for (std::size_t i = 0; i < r.variants.size(); ++i) {
      const auto& v = r.variants[i];
      o << (i ? ",\n    " : "\n    ") << "{\"variant\": " << json_escape(v.id) << ", \"axes\": " << json_axes(r, v)
        << ", \"pcs\": {";
      for (std::size_t k = 0; k < names.size(); ++k) {
        const SweepDesignOc* d = find_design(v, names[k]);
        o << (k ? ", " : "") << json_escape(names[k]) << ": " << (d ? json_estimate(d->pcs) : "null");
      }
      bool different = false;
      const std::string best = best_design(v, different);
      o << "}, \"best\": " << (best.empty() ? "null" : json_escape(best))
        << ", \"best_note\": " << (different ? json_escape(kNotRanked) : "null") << "}";
    }
    o << "]}\n";
    return o.str();
  }
  std::vector<Row> rows{axis_header(r)};
  for (const auto& n : names) {
    rows[0].push_back(human ? "PCS " + n : "pcs_" + n);
    if (!human) rows[0].push_back("pcs_" + n + "_se");
  }
  rows[0].push_back(human ? "highest PCS" : "best");
  for (const auto& v : r.variants) {
    Row row = axis_cells(v);
    for (const auto& n : names) {
      const SweepDesignOc* d = find_design(v, n);
      const Estimate e = d ? d->pcs : Estimate{};
      if (human) {
        row.push_back(format_metric(e, oc_metric("pcs")));
      } else {
        row.push_back(csv_number(e.value));
        row.push_back(csv_number(e.se));
      }
    }
    bool different = false;
    const std::string best = best_design(v, different);
    row.push_back(!best.empty() || !human ? best : different ? kNotRanked : "-");
    rows.push_back(row);
  }
  std::string out = human ? heading(r, format, "Sweep comparison (PCS by design)") : std::string();
  out += render(rows, format);
  if (human)
    out += std::string(format == OcFormat::kMarkdown ? "\n" : "\n  ") +
           "Differences between designs are not paired here (the merged file keeps the OC summaries only);\n" +
           (format == OcFormat::kMarkdown ? "" : "  ") +
           "for paired differences run `twinsim compare` on a variant's own file (OUTDIR/<id>.h5).\n";
  return out;
}

}  // namespace twinsim::trial
