// `twinsim report` and `twinsim compare` in the four formats. Every
// design-level row, column and field comes from oc_metrics(), so each format
// shows the same OCs under the same definitions.
#include "twinsim/trial/report/oc_format.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "exposure_format.hpp"
#include "twinsim/core/value_text.hpp"

namespace twinsim::trial {

namespace {

using Row = std::vector<std::string>;

std::string dose_label(double d) { return core::format_number(d); }
std::string number(double v) { return core::format_number(std::round(v * 1e4) / 1e4); }

std::string truth_cell(const DoseOc& o) {
  if (!o.true_dlt_probability) return "-";
  std::string s = number(*o.true_dlt_probability);
  if (o.true_dlt_probability_se && std::isfinite(*o.true_dlt_probability_se))
    s += " ± " + number(*o.true_dlt_probability_se);
  return s;
}

std::string target_cell(const DesignOc& d) {
  if (!d.target) return "-";
  return core::format_number(*d.target) + (d.target_assumed ? " (assumed)" : "");
}

// The correct selection: a dose, "no dose", or "-" when not scored.
std::string correct_cell(const DesignOc& d) {
  if (!d.scored) return "-";
  return d.target_dose < 0 ? std::string("no dose") : dose_label(d.doses[static_cast<std::size_t>(d.target_dose)].dose);
}

std::string design_title(const DesignOc& d, bool exact) {
  std::string s = d.name + " (" + d.type;
  if (d.target) s += std::string(d.target_assumed ? ", assumed target " : ", target ") + core::format_number(*d.target);
  return s + "), " + (exact ? std::string("every trial enumerated") : std::to_string(d.trials) + " trials");
}

// What the ± after every estimate is.
std::string uncertainty_label(const OcReport& rep) {
  if (!rep.exact) return "estimates ± Monte-Carlo SE";
  return rep.truth_se ? "exact over trials; ± SE from the estimated true DLT curve (delta method)"
                      : "exact, no Monte-Carlo error (SE 0)";
}

// Notes under a design's table: what it is scored against and what "stopped early" means.
std::vector<std::string> design_notes(const DesignOc& d, bool has_truth) {
  std::vector<std::string> notes;
  if (!d.dose_finding) {
    notes.push_back("fixed arm: it selects no dose, so PCS, acceptable dose and treated above target are n/a");
  } else if (!d.target) {
    notes.push_back("no target DLT rate: PCS, acceptable dose and treated above target are n/a (see --target)");
  } else if (!has_truth || !d.scored) {
    notes.push_back(std::string(has_truth ? "a true DLT probability is unknown" : "no true DLT probabilities in the file") +
                    ": PCS, acceptable dose and treated above target are n/a");
  } else {
    const std::string t = core::format_number(*d.target);
    const std::string limit = number(d.overdose_limit) + " = " + core::format_number(d.scoring.overdose_factor) +
                              " × " + t;
    std::string n = d.target_assumed ? "the design has no target of its own; " : "";
    if (d.objective == DesignObjective::obd) {
      // PCS of an OBD design is against the true OBD; the MTD below is the toxicity yardstick only.
      std::string obd = "OBD design: PCS = P(select the true OBD); true OBD: ";
      if (!d.obd_dose) obd += "unknown (no efficacy truth): PCS n/a";
      else if (*d.obd_dose < 0) obd += "no dose (none has true P(DLT) <= target and P(E) >= lower_efficacy)";
      else obd += dose_label(d.doses[static_cast<std::size_t>(*d.obd_dose)].dose) + " (index " +
                  std::to_string(*d.obd_dose) + ", highest true utility among admissible doses)";
      notes.push_back(obd);
      if (d.obd_dose && d.true_utility.size() == d.doses.size()) {
        // PK/PD mode: the utilities are the reference cohort's estimates.
        const bool est = d.true_utility_se.size() == d.doses.size();
        std::string u = est ? "true utility per dose (reference cohort, ± SE): " : "true utility per dose: ";
        for (std::size_t k = 0; k < d.doses.size(); ++k)
          u += (k ? ", " : "") + number(d.true_utility[k]) + (est ? " ± " + number(d.true_utility_se[k]) : "");
        notes.push_back(u);
      }
      n += "MTD (toxicity yardstick for acceptable / above target): ";
    }
    if (d.target_dose < 0)
      n += "correct selection: no dose (every true P(DLT) is above the overdose limit " + limit + ")";
    else
      n += "correct selection: " + correct_cell(d) + " (true P(DLT) closest to " + t +
           " among doses at most the overdose limit " + limit + "; marked *)";
    notes.push_back(n);
    std::string acc;
    for (const auto& x : d.doses)
      if (x.acceptable) acc += (acc.empty() ? "" : ", ") + dose_label(x.dose);
    notes.push_back("acceptable doses (true P(DLT) within " + t + " ± " +
                    core::format_number(d.scoring.acceptable_margin) + "): " + (acc.empty() ? "none" : acc));
  }
  if (d.sums.planned_patients > 0)
    notes.push_back("stopped early: fewer than max_patients = " + std::to_string(d.sums.planned_patients) +
                    " patients");
  return notes;
}

std::vector<Row> dose_rows(const DesignOc& d, bool has_truth) {
  Row head{"dose"};
  if (has_truth) head.push_back("true P(DLT)");
  for (const char* h : {"P(select) %", "patients", "DLTs"}) head.push_back(h);
  std::vector<Row> rows{head};
  for (std::size_t i = 0; i < d.doses.size(); ++i) {
    const DoseOc& o = d.doses[i];
    Row r{dose_label(o.dose) + (d.scored && static_cast<int>(i) == d.target_dose ? " *" : "")};
    if (has_truth) r.push_back(truth_cell(o));
    r.push_back(format_estimate(o.p_select, 100.0, 1, ""));
    r.push_back(format_estimate(o.mean_patients, 1.0, 2, ""));
    r.push_back(format_estimate(o.mean_dlts, 1.0, 2, ""));
    rows.push_back(r);
  }
  return rows;
}

std::vector<Row> summary_rows(const DesignOc& d, bool exact) {
  std::vector<Row> rows{{"metric", exact ? "exact ± SE" : "estimate ± MC SE"}};
  for (const auto& m : oc_metrics()) rows.push_back({m.title, format_metric(d.*m.field, m)});
  return rows;
}

std::string optional_json(bool has, double v) { return has ? json_number(v) : std::string("null"); }

std::string design_json(const DesignOc& d, const std::string& label, const std::string& file) {
  std::ostringstream o;
  o << "{\"label\": " << json_escape(label) << ", \"name\": " << json_escape(d.name)
    << ", \"file\": " << json_escape(file) << ", \"type\": " << json_escape(d.type)
    << ", \"target\": " << optional_json(d.target.has_value(), d.target.value_or(0))
    << ", \"target_assumed\": " << (d.target_assumed ? "true" : "false") << ", \"trials\": " << d.trials
    << ", \"max_patients\": " << optional_json(d.sums.planned_patients > 0, static_cast<double>(d.sums.planned_patients))
    << ",\n     \"scored\": " << (d.scored ? "true" : "false") << ", \"correct_selection\": "
    << (!d.scored ? "null" : d.target_dose < 0 ? "\"no_dose\"" : "\"dose\"")
    << ", \"target_dose_index\": " << (d.scored && d.target_dose >= 0 ? std::to_string(d.target_dose) : "null")
    << ", \"overdose_factor\": " << json_number(d.scoring.overdose_factor)
    << ", \"overdose_limit\": " << optional_json(d.scored, d.overdose_limit)
    << ", \"acceptable_margin\": " << json_number(d.scoring.acceptable_margin)
    << ", \"objective\": \"" << to_string(d.objective) << "\""
    << ", \"obd_dose_index\": " << (d.obd_dose && *d.obd_dose >= 0 ? std::to_string(*d.obd_dose) : "null")
    << ",\n     \"doses\": [";
  for (std::size_t i = 0; i < d.doses.size(); ++i) {
    const DoseOc& x = d.doses[i];
    o << (i ? ",\n       " : "\n       ") << "{\"index\": " << i << ", \"dose\": " << json_number(x.dose)
      << ", \"true_dlt_probability\": " << (x.true_dlt_probability ? json_number(*x.true_dlt_probability) : "null")
      << ", \"acceptable\": " << (d.scored ? (x.acceptable ? "true" : "false") : "null")
      << ", \"p_select\": " << json_estimate(x.p_select) << ", \"mean_patients\": " << json_estimate(x.mean_patients)
      << ", \"mean_dlts\": " << json_estimate(x.mean_dlts) << "}";
  }
  o << "]";
  for (const auto& m : oc_metrics()) o << ",\n     \"" << m.key << "\": " << json_estimate(d.*m.field);
  o << exposure_json(d);
  o << ",\n     \"warnings\": [";
  for (std::size_t i = 0; i < d.warnings.size(); ++i) o << (i ? ", " : "") << json_escape(d.warnings[i]);
  o << "]}";
  return o.str();
}

// The csv rows every format's csv shares about scoring: target (or
// assumed_target) with the correct selection as its dose (-1: no dose),
// overdose_limit, max_patients, and per dose "acceptable" (1/0).
// `tail` fills the columns after value (se, ... ).
std::string scoring_csv(const DesignOc& d, const std::string& lead, bool with_truth, const std::string& tail) {
  std::string out;
  auto dose_cols = [&](int k) {
    if (k < 0) return std::string("-1,,") + (with_truth ? "," : "");
    const DoseOc& x = d.doses[static_cast<std::size_t>(k)];
    return std::to_string(k) + ',' + csv_number(x.dose) + ',' +
           (with_truth ? (x.true_dlt_probability ? csv_number(*x.true_dlt_probability) : std::string()) + ',' : "");
  };
  const std::string no_dose = with_truth ? ",,," : ",,";
  if (d.target) {
    out += lead + (d.target_assumed ? "assumed_target," : "target,") + (d.scored ? dose_cols(d.target_dose) : no_dose) +
           csv_number(*d.target) + tail;
    if (d.scored) out += lead + "overdose_limit," + no_dose + csv_number(d.overdose_limit) + tail;
    for (std::size_t k = 0; d.scored && k < d.doses.size(); ++k)
      out += lead + "acceptable," + dose_cols(static_cast<int>(k)) + (d.doses[k].acceptable ? "1" : "0") + tail;
  }
  if (d.sums.planned_patients > 0)
    out += lead + "max_patients," + no_dose + std::to_string(d.sums.planned_patients) + tail;
  return out;
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
  out += scoring_csv(d, lead, true, ",\n");
  for (const auto& m : oc_metrics()) {
    const Estimate& e = d.*m.field;
    out += lead + m.key + ",,,," + csv_number(e.value) + ',' + csv_number(e.se) + '\n';
  }
  exposure_csv(d, lead, out);
}

std::string difference_note(const DesignDifference& d, const OcMetric& m) {
  const Estimate& e = d.*m.field;
  return !e.available() && m.target_dependent && !d.not_comparable.empty() ? " (" + d.not_comparable + ")"
                                                                           : std::string();
}

}  // namespace

std::string format_difference_line(const DesignDifference& d, const std::string& key) {
  const OcMetric& m = oc_metric(key);
  return d.label + " - " + d.reference + " " + m.title + ": " + format_metric(d.*m.field, m, true) +
         difference_note(d, m) + (d.paired ? "" : " (unpaired)");
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
        << rep.seed << ", " << rep.replicates << " replicates; " << uncertainty_label(rep) << "\n";
      for (const auto& d : rep.designs) {
        o << '\n' << (md ? "## design " : "design ") << design_title(d, rep.exact) << "\n\n";
        o << (md ? render_markdown_table(dose_rows(d, has_truth)) + "\n" + render_markdown_table(summary_rows(d, rep.exact))
                 : render_text_table(dose_rows(d, has_truth), "  ") + '\n' + render_text_table(summary_rows(d, rep.exact), "  "));
        if (md) o << '\n';
        for (const auto& n : design_notes(d, has_truth)) o << (md ? "- " : "  ") << n << '\n';
        const auto exposure = exposure_rows(d);
        if (!exposure.empty())
          o << '\n' << (md ? render_markdown_table(exposure) : render_text_table(exposure, "  "))
            << (md ? "\n- " : "  ") << "exposure: per patient from patients/, failed solves left out; the SE treats the trial as the unit\n";
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
      o << "],\n \"warnings\": [";
      for (std::size_t i = 0; i < rep.warnings.size(); ++i) o << (i ? ", " : "") << json_escape(rep.warnings[i]);
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
      Row target{"target DLT rate"}, correct{"correct selection"};
      for (const auto* d : c.designs) {
        target.push_back(target_cell(*d));
        correct.push_back(correct_cell(*d));
      }
      side.push_back(target);
      side.push_back(correct);
      for (std::size_t k = 0; k < max_doses; ++k) dose_row("P(select) %", k, &DoseOc::p_select, 100.0, 1);
      for (std::size_t k = 0; k < max_doses; ++k) dose_row("patients", k, &DoseOc::mean_patients, 1.0, 2);
      for (const auto& m : oc_metrics()) {
        Row r{m.title};
        for (const auto* d : c.designs) r.push_back(format_metric(d->*m.field, m));
        side.push_back(r);
      }
      for (std::size_t m = 0; m < exposure_metrics().size(); ++m) {
        Row r{"mean " + exposure_title(m)};
        bool any = false;
        for (const auto* d : c.designs) {
          const ExposureOc* e = d->exposure.overall(m);
          any = any || e;
          r.push_back(e ? format_estimate(e->mean, 1.0, 3, "") : "-");
        }
        if (any) side.push_back(r);
      }
      const bool any_exact = std::any_of(c.files.begin(), c.files.end(), [](const OcReport* f) { return f->exact; });
      o << (md ? "# Design comparison\n\n"
               : any_exact ? "Design comparison (estimates ± SE: Monte-Carlo for simulated files; for exact files 0, or "
                             "from the estimated true DLT curve)\n\n"
                           : "Design comparison (estimates ± Monte-Carlo SE)\n\n");
      o << (md ? render_markdown_table(side) : render_text_table(side, "  "));
      if (n > 1) {
        o << '\n' << (md ? "## " : "") << "Differences from the reference design " << ref << "\n\n";
        if (md) o << "| design | metric | difference ± SE | pairing |\n|---|---|---:|---|\n";
        for (const auto& d : c.differences) {
          const std::string pairing = d.paired ? "paired (same virtual patients, common random numbers)"
                                               : "unpaired: " + d.unpaired_reason;
          if (!md) o << "  " << d.label << " vs " << d.reference << ": " << pairing << '\n';
          for (const auto& m : oc_metrics()) {
            if (md)
              o << "| " << markdown_cell(d.label + " - " + d.reference) << " | " << m.title << " | "
                << markdown_cell(format_metric(d.*m.field, m, true) + difference_note(d, m)) << " | "
                << markdown_cell(d.paired ? "paired" : "unpaired: " + d.unpaired_reason) << " |\n";
            else
              o << "    " << format_difference_line(d, m.key) << '\n';
          }
          for (const auto& line : exposure_difference_lines(d))
            o << (md ? "| " + markdown_cell(line) + " | exposure | | " + (d.paired ? "paired" : "unpaired") + " |"
                     : "    " + line)
              << '\n';
        }
      }
      break;
    }
    case OcFormat::kCsv: {
      o << "design,reference,metric,dose_index,dose,value,se,difference,difference_se,pairing\n";
      for (std::size_t i = 0; i < n; ++i) {
        const DesignOc& d = *c.designs[i];
        const std::string lead = csv_field(c.labels[i]) + ',' + csv_field(ref) + ',';
        o << scoring_csv(d, lead, false, ",,,,\n");
        for (std::size_t k = 0; k < d.doses.size(); ++k) {
          const std::string mid = std::to_string(k) + ',' + csv_number(d.doses[k].dose) + ',';
          o << lead << "p_select," << mid << csv_number(d.doses[k].p_select.value) << ','
            << csv_number(d.doses[k].p_select.se) << ",,,\n";
          o << lead << "mean_patients," << mid << csv_number(d.doses[k].mean_patients.value) << ','
            << csv_number(d.doses[k].mean_patients.se) << ",,,\n";
        }
        for (const auto& m : oc_metrics()) {
          const Estimate& e = d.*m.field;
          o << lead << m.key << ",,," << csv_number(e.value) << ',' << csv_number(e.se) << ',';
          if (i == 0) {
            o << ",,reference\n";
          } else {
            const DesignDifference& diff = c.differences[i - 1];
            const Estimate& de = diff.*m.field;
            o << csv_number(de.value) << ',' << csv_number(de.se) << ',' << (diff.paired ? "paired" : "unpaired") << '\n';
          }
        }
        std::string exposure;
        exposure_difference_csv(d, i == 0 ? nullptr : &c.differences[i - 1], lead, exposure);
        o << exposure;
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
          << ", \"unpaired_reason\": " << (d.paired ? "null" : json_escape(d.unpaired_reason))
          << ", \"not_comparable\": " << (d.not_comparable.empty() ? "null" : json_escape(d.not_comparable));
        for (const auto& m : oc_metrics()) o << ", \"" << m.key << "\": " << json_estimate(d.*m.field);
        o << exposure_difference_json(d) << "}";
      }
      o << "]}\n";
      break;
    }
  }
  return o.str();
}

}  // namespace twinsim::trial
