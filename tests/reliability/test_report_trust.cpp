// [reliability] `report` and `compare` check what they read (issue 13, item 4):
// a result file whose truth is not a probability, whose attributes are out of
// range or whose tables contradict each other is refused with one line and
// exit 1 (README: a corrupt file given to report/compare); a stored OC that
// contradicts the tables is reported with a warning and the recomputed value;
// a truth the run could not estimate (every reference patient failed) is
// accepted as unknown, with a warning, and nothing is scored against it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "test_support.hpp"
#include "twinsim/core/config.hpp"
#include "twinsim/core/h5.hpp"

using namespace twinsim;

namespace {

const char* kScenario = R"(name: trust
seed: 4
replicates: 200
dose_levels: [10, 20, 40]
toxicity: {true_dlt_probabilities: [0.1, 0.25, 0.5]}
accrual: {patients_per_month: 3, dlt_window_days: 21}
designs:
  - {name: 3+3, type: three_plus_three}
  - {name: boin, type: boin, target: 0.25, max_patients: 18}
)";

// Changes applied while copying a result file.
struct Edits {
  std::map<std::string, std::vector<double>> doubles;       // dataset path -> new float64 values
  std::map<std::string, std::vector<std::int64_t>> ints;    // dataset path -> new int64 values
  std::map<std::string, std::map<std::string, double>> double_attributes;  // object -> name -> value
  std::map<std::string, std::map<std::string, std::int64_t>> int_attributes;
};

bool is_group(const core::H5Reader& h5, const std::string& path) {
  try {
    (void)h5.dims(path);
    return false;
  } catch (const std::exception&) {
    return true;
  }
}

void copy_tree(const core::H5Reader& r, core::H5Writer& w, const std::string& group, const Edits& e) {
  for (const auto& child : r.children(group)) {
    const std::string p = group + (group == "/" ? "" : "/") + child;
    if (is_group(r, p)) {
      w.create_group(p);
      copy_tree(r, w, p, e);
      continue;
    }
    const auto dims = r.dims(p);
    if (e.doubles.count(p)) {
      w.write(p, e.doubles.at(p));
    } else if (e.ints.count(p)) {
      w.write(p, e.ints.at(p));
    } else if (r.is_integer(p)) {
      const auto v = r.read_ints(p);
      if (dims.empty()) w.write_scalar(p, v.at(0)); else w.write(p, v, dims);
    } else {
      const auto v = r.read_doubles(p);
      if (dims.empty()) w.write_scalar(p, v.at(0)); else w.write(p, v, dims);
    }
  }
}

// A copy of `from` with the edits; the attributes twinsim writes are copied by name.
void copy_with(const std::string& from, const std::string& to, const Edits& e) {
  const core::H5Reader r(from);
  core::H5Writer w(to, true);
  for (const char* a : {"twinsim_version", "scenario_name", "scenario_file", "scenario_yaml", "mode", "created_utc"})
    w.attribute("/", a, r.attribute_string("/", a));
  for (const char* a : {"schema_version", "seed", "replicates"}) w.attribute("/", a, r.attribute_int("/", a));
  for (const char* a : {"scoring_overdose_factor", "scoring_acceptable_margin", "accrual_patients_per_month",
                        "accrual_dlt_window_days"})
    w.attribute("/", a, r.attribute_double("/", a));
  copy_tree(r, w, "/", e);
  for (const auto& [path, v] : e.doubles)  // datasets the run did not write (e.g. a PK/PD truth SE)
    if (!r.exists(path)) w.write(path, v);
  for (const auto& d : r.children("/designs")) {
    const std::string g = "/designs/" + d;
    w.attribute(g, "type", r.attribute_string(g, "type"));
    if (r.has_attribute(g, "target")) w.attribute(g, "target", r.attribute_double(g, "target"));
    if (r.has_attribute(g, "max_patients")) w.attribute(g, "max_patients", r.attribute_int(g, "max_patients"));
  }
  for (const auto& [object, attrs] : e.double_attributes)
    for (const auto& [name, v] : attrs) w.attribute(object, name, v);
  for (const auto& [object, attrs] : e.int_attributes)
    for (const auto& [name, v] : attrs) w.attribute(object, name, v);
  w.commit();
}

struct Fixture {
  test::TempDir dir{"trust"};
  std::string good;
  Fixture() {
    const std::string yaml = dir.file("s.yaml");
    good = dir.file("good.h5");
    test::write_file(yaml, kScenario);
    const auto r = test::run_cli("run " + test::quote(yaml) + " -o " + test::quote(good) + " --quiet");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
  }
  std::string edited(const std::string& name, const Edits& e) const {
    const std::string f = dir.file(name + ".h5");
    copy_with(good, f, e);
    return f;
  }
};

// report and compare both refuse the file with one line, exit 1, naming the problem.
void refused(const std::string& file, const std::string& what) {
  for (const char* cmd : {"report ", "compare "}) {
    const auto r = test::run_cli(cmd + test::quote(file));
    INFO(cmd << file << "\n" << r.output);
    CHECK(r.exit_code == 1);
    CHECK(r.output.rfind("twinsim: error: ", 0) == 0);
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
    CHECK_THAT(r.output, Catch::Contains(what));
  }
}

}  // namespace

TEST_CASE("report: the unedited copy reads without a warning", "[reliability]") {
  const Fixture f;
  const auto r = test::run_cli("report " + test::quote(f.edited("same", {})));
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, !Catch::Contains("warning"));
}

TEST_CASE("report refuses true DLT probabilities that are not probabilities", "[reliability]") {
  const Fixture f;
  Edits nan, big, neg, se;
  nan.doubles["/truth/dlt_probability"] = {0.1, std::nan(""), 0.5};
  big.doubles["/truth/dlt_probability"] = {0.1, 0.25, 7.5};
  neg.doubles["/truth/dlt_probability"] = {-0.1, 0.25, 0.5};
  refused(f.edited("nan", nan), "/truth/dlt_probability[1] = nan is not a probability in [0, 1]");
  refused(f.edited("big", big), "/truth/dlt_probability[2] = 7.5 is not a probability in [0, 1]");
  refused(f.edited("neg", neg), "/truth/dlt_probability[0] = -0.1 is not a probability in [0, 1]");
  Edits short_truth;
  short_truth.doubles["/truth/dlt_probability"] = {0.1, 0.25};
  refused(f.edited("short", short_truth), "/truth/dlt_probability does not have one value per dose level (3)");
  se.doubles["/truth/dlt_probability_se"] = {0.01, -1, 0.01};
  refused(f.edited("se", se), "/truth/dlt_probability_se[1] = -1 is not the standard error of a probability");
  Edits dose;
  dose.doubles["/dose_levels"] = {10, INFINITY, 40};
  refused(f.edited("dose", dose), "/dose_levels[1] = inf is not a dose");
}

TEST_CASE("report refuses attributes out of range and tables that contradict them", "[reliability]") {
  const Fixture f;
  Edits target, factor, margin, ppm, maxp, cohorts;
  target.double_attributes["/designs/boin"]["target"] = 7.5;
  refused(f.edited("target", target), "design 'boin': attribute target = 7.5 is not a DLT rate in (0, 1)");
  factor.double_attributes["/"]["scoring_overdose_factor"] = 0.5;
  refused(f.edited("factor", factor), "attribute scoring_overdose_factor = 0.5 must be >= 1");
  margin.double_attributes["/"]["scoring_acceptable_margin"] = NAN;
  refused(f.edited("margin", margin), "attribute scoring_acceptable_margin = nan must be in [0, 1)");
  ppm.double_attributes["/"]["accrual_patients_per_month"] = -3;
  refused(f.edited("ppm", ppm), "attribute accrual_patients_per_month = -3 must be > 0");
  maxp.int_attributes["/designs/boin"]["max_patients"] = 2;
  refused(f.edited("maxp", maxp), "is more than the design's max_patients 2");
  const core::H5Reader h5(f.good);
  auto c = h5.read_ints("/designs/boin/trials/n_cohorts");
  c[0] = 1000;
  cohorts.ints["/designs/boin/trials/n_cohorts"] = c;
  refused(f.edited("cohorts", cohorts), "trial 0: trials/n_cohorts 1000 is not a cohort count");
}

TEST_CASE("report warns when a stored OC contradicts the tables and shows the recomputed one", "[reliability]") {
  const Fixture f;
  const core::H5Reader h5(f.good);
  const double pcs = h5.read_doubles("/designs/boin/oc/pcs").at(0);
  Edits e;
  e.doubles["/designs/boin/oc/pcs"] = {0.99};
  e.doubles["/designs/boin/oc/mean_duration_days"] = {1.0};
  const std::string file = f.edited("pcs", e);
  const auto r = test::run_cli("report " + test::quote(file) + " --format csv");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("twinsim: warning: '" + file + "': design 'boin': oc/pcs = 0.99 but trials/ "
                                       "and patients/ give " + core::format_number(pcs)));
  CHECK_THAT(r.output, Catch::Contains("design 'boin': oc/mean_duration_days = 1 but"));
  CHECK_THAT(r.output, Catch::Contains("boin,boin,0.25,pcs,,,," + core::format_number(pcs) + ","));
}

TEST_CASE("a truth the run could not estimate is unknown: warned, not scored", "[reliability]") {
  const Fixture f;
  Edits e;
  e.doubles["/truth/dlt_probability"] = {0.1, std::nan(""), 0.5};
  // As a PK/PD run writes it when every reference patient of a dose failed to solve.
  e.int_attributes["/truth/dlt_probability"] = {{"cohort_size", 100}, {"failed_patients", 100}};
  const std::string file = f.edited("unknown", e);
  const auto r = test::run_cli("report " + test::quote(file) + " --format json");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.output, Catch::Contains("true P(DLT) of dose 20 is unknown (every reference patient failed to solve)"));
  CHECK_THAT(r.output, Catch::Contains("\"pcs\": null") && Catch::Contains("\"scored\": false"));
  CHECK_THAT(r.output, !Catch::Contains("\"scored\": true"));
}
