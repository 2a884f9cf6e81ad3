// [e2e] The operating characteristics mean one thing in every output:
// correct selection in a scenario where every dose is too toxic, the
// acceptable-dose and early-stop rates, trial duration, and one target rule,
// with the same numbers in report, compare and the sweep summaries in every
// format (docs/report-compare.md, "Definitions").
#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include "test_support.hpp"
#include "twinsim/trial/report/oc_format.hpp"

using namespace twinsim;

namespace {

// Every dose above the overdose limit 1.4 x 0.25 = 0.35: the right answer is no dose.
const char* kAllToxic = R"(name: all-toxic
seed: 5
replicates: 1000
dose_levels: [1, 2, 3, 4]
toxicity:
  true_dlt_probabilities: [0.45, 0.55, 0.65, 0.75]
accrual: {patients_per_month: 2, dlt_window_days: 28}
designs:
  - {name: 3+3, type: three_plus_three}
  - {name: boin, type: boin, target: 0.25, cohort_size: 3, max_patients: 30}
  - {name: crm, type: crm, target: 0.25, skeleton: [0.10, 0.25, 0.40, 0.55], cohort_size: 3, max_patients: 30CRM_EXTRA}
)";

std::string scenario(const std::string& crm_extra) {
  std::string s = kAllToxic;
  s.replace(s.find("CRM_EXTRA"), 9, crm_extra);
  return s;
}

std::string q(const std::string& s) { return test::quote(s); }

std::string run_ok(const test::TempDir& dir, const std::string& name, const std::string& yaml) {
  const std::string y = dir.file(name + ".yaml"), out = dir.file(name + ".h5");
  test::write_file(y, yaml);
  const auto r = test::run_cli("run " + q(y) + " -o " + q(out) + " --quiet");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return out;
}

std::string cli_ok(const std::string& args) {
  const auto r = test::run_cli(args);
  INFO(args << "\n" << r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("twinsim: warning") == std::string::npos);
  return r.output;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> f;
  std::stringstream ss(line);
  std::string x;
  while (std::getline(ss, x, ',')) f.push_back(x);
  if (!line.empty() && line.back() == ',') f.push_back("");
  return f;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string l;
  while (std::getline(ss, l)) out.push_back(l);
  return out;
}

struct Val {
  std::string value, se;
  bool operator==(const Val& o) const { return value == o.value && se == o.se; }
};
using Table = std::map<std::string, std::map<std::string, Val>>;  // design -> metric key -> value

bool design_metric(const std::string& key) {
  for (const auto& m : trial::oc_metrics())
    if (key == m.key) return true;
  return false;
}

// report --format csv: design,type,target,metric,dose_index,dose,true_dlt_probability,value,se
Table report_csv(const std::string& text) {
  Table t;
  for (const auto& l : lines(text)) {
    const auto f = split(l);
    if (f.size() == 9 && design_metric(f[3])) t[f[0]][f[3]] = {f[7], f[8]};
  }
  return t;
}

// compare --format csv: design,reference,metric,dose_index,dose,value,se,difference,difference_se,pairing
Table compare_csv(const std::string& text, bool differences = false) {
  Table t;
  for (const auto& l : lines(text)) {
    const auto f = split(l);
    if (f.size() == 10 && design_metric(f[2])) t[f[0]][f[2]] = differences ? Val{f[7], f[8]} : Val{f[5], f[6]};
  }
  return t;
}

// The "key": {"value": v, "se": s} fields of each design object of report or
// compare json (objects open with {"label": and name the design in "name"),
// or of sweep json rows ({"variant": ... "design": ...).
Table json_designs(const std::string& text, const std::string& open = "{\"label\": ",
                   const std::string& name_key = "\"name\": \"") {
  Table t;
  const std::string end = text.find("\"differences\"") == std::string::npos ? std::string() : "\"differences\"";
  std::size_t p = 0;
  while ((p = text.find(open, p)) != std::string::npos) {
    const std::size_t name_at = text.find(name_key, p) + name_key.size();
    const std::string name = text.substr(name_at, text.find('"', name_at) - name_at);
    std::size_t stop = text.find(open, p + 1);
    if (!end.empty()) stop = std::min(stop, text.find(end));
    const std::string obj = text.substr(p, stop - p);
    for (const auto& m : trial::oc_metrics()) {
      const std::string k = "\"" + std::string(m.key) + "\": ";
      const std::size_t at = obj.find(k);
      REQUIRE(at != std::string::npos);
      const std::size_t v = at + k.size();
      if (obj.compare(v, 4, "null") == 0) {
        t[name][m.key] = {"", ""};
        continue;
      }
      const std::size_t a = obj.find("\"value\": ", v) + 9, b = obj.find(", \"se\": ", a);
      const std::size_t c = obj.find('}', b);
      std::string se = obj.substr(b + 8, c - b - 8);
      t[name][m.key] = {obj.substr(a, b - a), se == "null" ? "" : se};
    }
    p = stop == std::string::npos ? text.size() : stop;
  }
  return t;
}

trial::Estimate estimate(const Val& v) {
  trial::Estimate e;
  if (!v.value.empty()) e.value = std::stod(v.value);
  if (!v.se.empty()) e.se = std::stod(v.se);
  return e;
}

// A line of `text` that starts (after the indent) with `title` and ends with `value`.
bool has_row(const std::string& text, const std::string& title, const std::string& value) {
  for (const auto& l : lines(text)) {
    const std::size_t a = l.find_first_not_of(' ');
    if (a != std::string::npos && l.compare(a, title.size(), title) == 0 && l.size() >= value.size() &&
        l.compare(l.size() - value.size(), value.size(), value) == 0)
      return true;
  }
  return false;
}

// The table/markdown text of design `name` (from its heading to the next).
std::string section(const std::string& text, const std::string& heading) {
  const std::size_t a = text.find(heading);
  REQUIRE(a != std::string::npos);
  return text.substr(a, text.find("design ", a + heading.size()) - a);
}

}  // namespace

TEST_CASE("all doses too toxic: selecting no dose is the correct selection, for every design", "[e2e]") {
  test::TempDir dir("scoring-toxic");
  const Table plain = report_csv(cli_ok("report " + q(run_ok(dir, "plain", scenario(""))) + " --format csv"));
  for (const char* d : {"3+3", "boin", "crm"}) {
    INFO(d);
    // PCS is the fraction of trials that selected no dose; no dose is acceptable (0.45 > 0.25 + 0.05).
    CHECK(plain.at(d).at("pcs") == plain.at(d).at("p_no_selection"));
    CHECK(plain.at(d).at("p_acceptable").value == "0");
  }
  // CRM without a safety stop always recommends the lowest dose: it was "PCS 99.8 %", it is about 0 now.
  CHECK(std::stod(plain.at("crm").at("pcs").value) < 0.01);
  CHECK(std::stod(plain.at("boin").at("pcs").value) > 0.75);  // BOIN's elimination rule stops most trials
  // Stopped early = fewer than max_patients: CRM never (always 30), 3+3 has no max_patients (n/a).
  CHECK(plain.at("crm").at("p_stopped_early").value == "0");
  CHECK(plain.at("3+3").at("p_stopped_early").value.empty());
  // With the safety stop (escalation's stop_when_too_toxic on dose 1 at the target, confidence 0.8) CRM stops.
  const Table stop =
      report_csv(cli_ok("report " + q(run_ok(dir, "stop", scenario(", stop_overdose: true"))) + " --format csv"));
  CHECK(std::stod(stop.at("crm").at("pcs").value) > 0.9);
  CHECK(stop.at("crm").at("pcs") == stop.at("crm").at("p_no_selection"));
  CHECK(std::stod(stop.at("crm").at("p_stopped_early").value) > 0.9);
  // The other designs do not change.
  CHECK(stop.at("boin").at("pcs") == plain.at("boin").at("pcs"));
}

TEST_CASE("trial duration: exact for a trial of fixed size, paired difference in compare", "[e2e]") {
  test::TempDir dir("scoring-duration");
  const std::string f = run_ok(dir, "d", scenario(""));
  // CRM treats 30 patients in 10 cohorts in every trial: (30 - 10) x 30.4375/2 + 10 x 28 = 584.375 days, SE 0.
  const Table rep = report_csv(cli_ok("report " + q(f) + " --format csv"));
  CHECK(rep.at("crm").at("mean_duration_days") == Val{"584.375", "0"});
  CHECK_THAT(cli_ok("report " + q(f)), Catch::Contains("mean duration (days)") && Catch::Contains("584.4 ± 0.0"));
  const std::string cmp = cli_ok("compare " + q(f));
  CHECK_THAT(cmp, Catch::Contains("crm - 3+3 mean duration (days): +") && Catch::Contains("boin - 3+3 mean duration"));
  // Paired: crm's duration is constant, so the SE of crm - 3+3 is the 3+3's own SE.
  const Table diff = compare_csv(cli_ok("compare " + q(f) + " --format csv"), true);
  CHECK(diff.at("crm").at("mean_duration_days").se == rep.at("3+3").at("mean_duration_days").se);
}

TEST_CASE("report, compare and the sweep summary show the same numbers in every format", "[e2e]") {
  test::TempDir dir("scoring-same");
  const std::string f = run_ok(dir, "s", scenario(", stop_overdose: true"));
  const Table csv = report_csv(cli_ok("report " + q(f) + " --format csv"));
  REQUIRE(csv.size() == 3);
  const std::string table = cli_ok("report " + q(f)), md = cli_ok("report " + q(f) + " --format markdown");
  CHECK(json_designs(cli_ok("report " + q(f) + " --format json")) == csv);
  CHECK(compare_csv(cli_ok("compare " + q(f) + " --format csv")) == csv);
  CHECK(json_designs(cli_ok("compare " + q(f) + " --format json")) == csv);
  const std::string cmp_table = cli_ok("compare " + q(f)), cmp_md = cli_ok("compare " + q(f) + " --format markdown");
  for (const auto& [design, metrics] : csv) {
    const std::string sec = section(table, "design " + design + " (");
    const std::string sec_md = section(md, "## design " + design + " (");
    for (const auto& m : trial::oc_metrics()) {
      const std::string shown = trial::format_metric(estimate(metrics.at(m.key)), m);
      INFO(design << " " << m.key << ": " << shown);
      CHECK(has_row(sec, std::string(m.title) + "  ", shown));
      CHECK_THAT(sec_md, Catch::Contains("| " + std::string(m.title) + " | " + shown + " |"));
      CHECK_THAT(cmp_table, Catch::Contains(shown));
      CHECK_THAT(cmp_md, Catch::Contains(shown));
    }
  }
  // 3+3 has no target: scored against the one its file's other designs share, in every command.
  CHECK(csv.at("3+3").at("pcs") == csv.at("3+3").at("p_no_selection"));
  CHECK_THAT(section(table, "design 3+3 ("), Catch::Contains("assumed target 0.25"));

  // The sweep summary of the same scenario (one variant) shows the variant file's numbers.
  test::write_file(dir.file("sweep.yaml"), "base: s.yaml\naxes:\n  replicates: [1000]\n");
  const std::string out = dir.file("out"), merged = dir.file("sweep.h5");
  cli_ok("sweep " + q(dir.file("sweep.yaml")) + " -o " + q(out) + " --quiet");
  cli_ok("merge " + q(out) + " -o " + q(merged) + " --quiet");
  const auto rows = lines(cli_ok("report " + q(merged) + " --format csv"));
  REQUIRE(rows.size() == 4);
  const auto head = split(rows[0]);
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto row = split(rows[r]);
    REQUIRE(row.size() == head.size());
    std::map<std::string, std::string> cell;
    for (std::size_t k = 0; k < head.size(); ++k) cell[head[k]] = row[k];
    const std::string variant_file = out + "/" + cell.at("variant") + ".h5";
    const Table own = report_csv(cli_ok("report " + q(variant_file) + " --format csv"));
    for (const auto& m : trial::oc_metrics()) {
      INFO(cell.at("design") << " " << m.key);
      CHECK(Val{cell.at(m.key), cell.at(std::string(m.key) + "_se")} == own.at(cell.at("design")).at(m.key));
      CHECK(Val{cell.at(m.key), cell.at(std::string(m.key) + "_se")} == csv.at(cell.at("design")).at(m.key));
    }
  }
  CHECK(json_designs(cli_ok("report " + q(merged) + " --format json"), "{\"variant\": ", "\"design\": \"") == csv);
  const std::string sweep_table = cli_ok("report " + q(merged));
  for (const auto& [design, metrics] : csv)
    for (const auto& m : trial::oc_metrics()) CHECK_THAT(sweep_table, Catch::Contains(trial::format_metric(estimate(metrics.at(m.key)), m)));
}

TEST_CASE("designs scored against different targets are neither ranked nor differenced", "[e2e]") {
  test::TempDir dir("scoring-targets");
  const std::string yaml = R"(name: two-targets
seed: 2
replicates: 400
dose_levels: [1, 2, 3, 4, 5]
toxicity: {true_dlt_probabilities: [0.05, 0.10, 0.20, 0.30, 0.50]}
designs:
  - {name: 3+3, type: three_plus_three}
  - {name: boin, type: boin, target: 0.25}
  - {name: crm, type: crm, target: 0.30, skeleton: [0.05, 0.12, 0.25, 0.40, 0.55]}
)";
  const std::string f = run_ok(dir, "t", yaml);
  // No shared target: the 3+3 is not scored, in report as in compare.
  const Table rep = report_csv(cli_ok("report " + q(f) + " --format csv"));
  CHECK(rep.at("3+3").at("pcs").value.empty());
  CHECK(compare_csv(cli_ok("compare " + q(f) + " --format csv")).at("3+3").at("pcs").value.empty());
  // crm (0.30) - boin (0.25): PCS not differenced, N is.
  const std::string cmp = cli_ok("compare " + q(f));
  CHECK_THAT(cmp, Catch::Contains("crm - 3+3 mean total N: +"));
  // With --target 0.25 the 3+3 is scored; crm - 3+3 PCS then compares 0.30 with 0.25: n/a, with the reason.
  const std::string cmp25 = cli_ok("compare " + q(f) + " --target 0.25");
  CHECK_THAT(cmp25, Catch::Contains("boin - 3+3 PCS: +") || Catch::Contains("boin - 3+3 PCS: -"));
  CHECK_THAT(cmp25, Catch::Contains("crm - 3+3 PCS: n/a (scored against different targets (0.3 vs 0.25))"));
  CHECK_THAT(cli_ok("compare " + q(f) + " --target 0.25 --format json"),
             Catch::Contains("\"not_comparable\": \"scored against different targets (0.3 vs 0.25)\""));
  // A sweep over the seed: the summary does not name a "best" design across the two targets.
  test::write_file(dir.file("sweep.yaml"), "base: t.yaml\naxes:\n  seed: [1, 2]\n");
  const std::string out = dir.file("out"), merged = dir.file("sweep.h5");
  cli_ok("sweep " + q(dir.file("sweep.yaml")) + " -o " + q(out) + " --quiet");
  cli_ok("merge " + q(out) + " -o " + q(merged) + " --quiet");
  CHECK_THAT(cli_ok("compare " + q(merged)), Catch::Contains("not ranked: scored against different targets"));
  const auto rows = lines(cli_ok("compare " + q(merged) + " --format csv"));
  REQUIRE(rows.size() == 3);
  for (std::size_t r = 1; r < rows.size(); ++r) CHECK(split(rows[r]).back().empty());  // best: none
}
