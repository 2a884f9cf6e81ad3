#include "twinsim/trial/report/table_format.hpp"

#include "twinsim/core/config.hpp"

namespace twinsim::trial {

namespace {

// A boundary cell: the count, or "" / null where none applies.
std::string cell(int v, bool json) {
  if (v < 0 || v == INT_MAX) return json ? "null" : "";
  return std::to_string(v);
}

std::string json_array(const std::vector<std::string>& items) {
  std::string o = "[";
  for (std::size_t i = 0; i < items.size(); ++i) o += (i ? ", " : "") + items[i];
  return o + "]";
}

std::vector<std::vector<std::string>> boundary_rows(const DecisionTable& t) {
  std::vector<std::vector<std::string>> rows = {
      {"n", "escalate if DLTs <=", "de-escalate if DLTs >=", "eliminate if DLTs >=", "decisions for 0, 1, ... DLTs"}};
  for (const int n : t.row_ns()) {
    const auto i = static_cast<std::size_t>(n);
    std::string letters;
    for (int y = 0; y <= n; ++y) letters += std::string(y ? " " : "") + to_string(t.decision(n, y));
    rows.push_back({std::to_string(n), cell(t.escalate[i], false), cell(t.deescalate[i], false),
                    cell(t.eliminate[i], false), letters});
  }
  return rows;
}

std::string parameters_line(const DecisionTable& t) {
  std::string o;
  for (const auto& [key, value] : t.parameters) o += (o.empty() ? "" : ", ") + key + " = " + core::format_number(value);
  return o;
}

std::string rule_cell(int v, bool json) {
  if (v == RuleTable::kNoCount) return json ? "null" : "";
  return std::to_string(v);
}

std::string rules_json(const RuleTable& t) {
  std::string o;
  for (const auto& [key, value] : t.values) o += ", " + json_escape(key) + ": " + json_number(value);
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    std::vector<std::string> v;
    for (const auto& row : t.rows) v.push_back(rule_cell(row[c], true));
    o += ", " + json_escape(t.columns[c].key) + ": " + json_array(v);
  }
  return o + ", \"legend\": " + json_escape(t.legend);
}

std::string rules_text(const RuleTable& t, bool md) {
  std::string values;
  for (const auto& [key, value] : t.values) values += (values.empty() ? "" : ", ") + key + " = " + core::format_number(value);
  std::vector<std::vector<std::string>> rows(1);
  for (const auto& c : t.columns) rows[0].push_back(c.heading);
  for (const auto& r : t.rows) {
    rows.emplace_back();
    for (int v : r) rows.back().push_back(rule_cell(v, false));
  }
  const std::string lead = md ? "\n" : "  ";
  if (t.columns.empty()) return lead + values + "\n" + lead + t.legend + "\n";
  return lead + values + "\n" + (md ? "\n" + render_markdown_table(rows) : render_text_table(rows, "  ")) + lead +
         t.legend + "\n";
}

}  // namespace

std::string format_boundaries(const std::vector<DesignTable>& designs, OcFormat format) {
  std::string out;
  if (format == OcFormat::kJson) {
    out = "{\"designs\": [";
    for (std::size_t k = 0; k < designs.size(); ++k) {
      const DesignTable& d = designs[k];
      out += std::string(k ? ",\n  " : "\n  ") + "{\"name\": " + json_escape(d.name) + ", \"type\": " + json_escape(d.type);
      if (!d.table) {
        out += d.rules ? rules_json(*d.rules) + "}" : ", \"table\": null, \"reason\": " + json_escape(d.why_none) + "}";
        continue;
      }
      const DecisionTable& t = *d.table;
      std::vector<std::string> n, e, de, el, dec;
      for (const int row : t.row_ns()) {
        const auto i = static_cast<std::size_t>(row);
        n.push_back(std::to_string(row));
        e.push_back(cell(t.escalate[i], true));
        de.push_back(cell(t.deescalate[i], true));
        el.push_back(cell(t.eliminate[i], true));
        std::vector<std::string> letters;
        for (int y = 0; y <= row; ++y) letters.push_back(json_escape(to_string(t.decision(row, y))));
        dec.push_back(json_array(letters));
      }
      out += ", \"n\": " + json_array(n) + ", \"escalate_if_dlt_at_most\": " + json_array(e) +
             ", \"deescalate_if_dlt_at_least\": " + json_array(de) + ", \"eliminate_if_dlt_at_least\": " + json_array(el);
      for (const auto& [key, value] : t.parameters) out += ", " + json_escape(key) + ": " + json_number(value);
      out += ", \"decisions\": " + json_array(dec) + (d.rules ? rules_json(*d.rules) : "") + "}";
    }
    return out + "\n]}\n";
  }
  if (format == OcFormat::kCsv) {
    out = "design,type,n,escalate_if_dlt_at_most,deescalate_if_dlt_at_least,eliminate_if_dlt_at_least\n";
    for (const DesignTable& d : designs) {
      if (!d.table) continue;
      for (const int row : d.table->row_ns()) {
        const auto i = static_cast<std::size_t>(row);
        out += csv_field(d.name) + "," + csv_field(d.type) + "," + std::to_string(row) + "," +
               cell(d.table->escalate[i], false) + "," + cell(d.table->deescalate[i], false) + "," +
               cell(d.table->eliminate[i], false) + "\n";
      }
    }
    return out;
  }
  const bool md = format == OcFormat::kMarkdown;
  for (const DesignTable& d : designs) {
    out += (md ? "### " : "") + d.name + " (" + d.type + ")\n";
    if (!d.table) {
      out += d.rules ? rules_text(*d.rules, md) + "\n"
                     : (md ? "\n" : "  ") + std::string("no decision table: ") + d.why_none + "\n\n";
      continue;
    }
    const std::string params = parameters_line(*d.table);
    if (!params.empty()) out += (md ? "\n" : "  ") + params + "\n";
    out += md ? "\n" + render_markdown_table(boundary_rows(*d.table)) : render_text_table(boundary_rows(*d.table), "  ");
    if (d.rules) out += rules_text(*d.rules, md);
    out += "\n";
  }
  if (!md) out += "E escalate, S stay, D de-escalate, DE de-escalate and eliminate the dose and all above\n";
  return out;
}

std::string path_string(const std::vector<PathCohort>& path) {
  std::string o;
  for (const PathCohort& c : path) {
    if (!o.empty()) o += ' ';
    o += std::to_string(c.dose + 1);
    o += std::string(static_cast<std::size_t>(c.size - c.dlts), 'N') + std::string(static_cast<std::size_t>(c.dlts), 'T');
  }
  return o;
}

namespace {

std::string level(const std::vector<double>& levels, int d) {
  return d >= 0 && static_cast<std::size_t>(d) < levels.size() ? core::format_number(levels[static_cast<std::size_t>(d)])
                                                                : "";
}

std::string next_text(const PathNode& node, const std::vector<double>& levels) {
  if (node.next.stop)
    return node.selected < 0 ? "stop, no dose selected"
                             : "stop, select dose " + std::to_string(node.selected + 1) + " (" + level(levels, node.selected) + ")";
  return "dose " + std::to_string(node.next.dose + 1) + " (" + level(levels, node.next.dose) + "), " +
         std::to_string(node.next.cohort_size) + " patients";
}

}  // namespace

std::string format_pathways(const std::vector<DesignPathways>& designs, const std::vector<double>& levels,
                            OcFormat format) {
  std::string out;
  if (format == OcFormat::kJson) {
    out = "{\"designs\": [";
    for (std::size_t k = 0; k < designs.size(); ++k) {
      const DesignPathways& d = designs[k];
      out += std::string(k ? ",\n  " : "\n  ") + "{\"name\": " + json_escape(d.name) + ", \"type\": " +
             json_escape(d.type) + ", \"cohorts\": " + std::to_string(d.cohorts) + ", \"nodes\": [";
      for (std::size_t i = 0; i < d.nodes.size(); ++i) {
        const PathNode& n = d.nodes[i];
        out += std::string(i ? ",\n    " : "\n    ") + "{\"node\": " + std::to_string(i) +
               ", \"parent\": " + (n.parent < 0 ? "null" : std::to_string(n.parent)) +
               ", \"depth\": " + std::to_string(n.path.size()) + ", \"path\": " + json_escape(path_string(n.path));
        if (!n.path.empty()) {
          const PathCohort& c = n.path.back();
          out += ", \"dose_index\": " + std::to_string(c.dose) + ", \"patients\": " + std::to_string(c.size) +
                 ", \"dlts\": " + std::to_string(c.dlts);
        }
        out += std::string(", \"stop\": ") + (n.next.stop ? "true" : "false");
        if (n.next.stop) {
          out += ", \"selected_dose_index\": " + (n.selected < 0 ? std::string("null") : std::to_string(n.selected));
        } else {
          out += ", \"next_dose_index\": " + std::to_string(n.next.dose) + ", \"next_dose\": " +
                 json_number(levels.at(static_cast<std::size_t>(n.next.dose))) +
                 ", \"next_cohort_size\": " + std::to_string(n.next.cohort_size);
        }
        out += "}";
      }
      out += "\n  ]}";
    }
    return out + "\n]}\n";
  }
  if (format == OcFormat::kCsv) {
    out = "design,node,parent,depth,path,dose_index,patients,dlts,stop,next_dose_index,next_cohort_size,selected_dose_index\n";
    for (const DesignPathways& d : designs) {
      for (std::size_t i = 0; i < d.nodes.size(); ++i) {
        const PathNode& n = d.nodes[i];
        const bool root = n.path.empty();
        out += csv_field(d.name) + "," + std::to_string(i) + "," + (n.parent < 0 ? "" : std::to_string(n.parent)) + "," +
               std::to_string(n.path.size()) + "," + path_string(n.path) + "," +
               (root ? "," : std::to_string(n.path.back().dose) + ",") +
               (root ? "," : std::to_string(n.path.back().size) + ",") + (root ? "" : std::to_string(n.path.back().dlts)) +
               "," + (n.next.stop ? "1" : "0") + "," + (n.next.stop ? "" : std::to_string(n.next.dose)) + "," +
               (n.next.stop ? "" : std::to_string(n.next.cohort_size)) + "," +
               (n.next.stop && n.selected >= 0 ? std::to_string(n.selected) : "") + "\n";
      }
    }
    return out;
  }
  const bool md = format == OcFormat::kMarkdown;
  for (const DesignPathways& d : designs) {
    out += (md ? "### " : "") + d.name + " (" + d.type + "): the next " + std::to_string(d.cohorts) + " cohorts\n";
    if (md) {
      std::vector<std::vector<std::string>> rows = {{"path", "DLTs in the last cohort", "next"}};
      for (const PathNode& n : d.nodes)
        rows.push_back({n.path.empty() ? "start" : path_string(n.path),
                        n.path.empty() ? "" : std::to_string(n.path.back().dlts) + "/" + std::to_string(n.path.back().size),
                        next_text(n, levels)});
      out += "\n" + render_markdown_table(rows) + "\n";
      continue;
    }
    for (const PathNode& n : d.nodes) {
      out += std::string(2 + 2 * n.path.size(), ' ');
      if (n.path.empty()) {
        out += "start";
      } else {
        const PathCohort& c = n.path.back();
        out += std::to_string(c.dlts) + "/" + std::to_string(c.size) + " DLTs at dose " + std::to_string(c.dose + 1);
      }
      out += " -> " + next_text(n, levels) + (n.path.empty() ? "" : "   [" + path_string(n.path) + "]") + "\n";
    }
    out += "\n";
  }
  return out;
}

}  // namespace twinsim::trial
