// [e2e] Runs the CLI on every scenario in configs/ and checks the HDF5 file.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include "test_support.hpp"
#include "twinsim/core/h5.hpp"
#include "twinsim/trial/designs/design.hpp"
#include "twinsim/trial/results/oc_metrics.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

using namespace twinsim;

namespace {
std::vector<std::string> configs() { return test::files_in(test::source_dir() + "/configs", ".yaml"); }
}  // namespace

TEST_CASE("every config validates and runs, writing the DESIGN.md layout", "[e2e]") {
  const auto files = configs();
  REQUIRE_FALSE(files.empty());
  for (const auto& cfg : files) {
    INFO(cfg);
    const auto v = test::run_cli("validate " + test::quote(cfg));
    INFO(v.output);
    REQUIRE(v.exit_code == 0);

    const trial::Scenario s = trial::load_scenario_file(cfg);
    test::TempDir dir("e2e");
    const std::string out = dir.file("out.h5");
    // Keep the suite fast: at most 200 replicates per config here.
    const std::string reps = s.replicates > 200 ? " --replicates 200" : "";
    const auto r = test::run_cli("run " + test::quote(cfg) + " -o " + test::quote(out) + reps + " --quiet");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    REQUIRE(std::filesystem::exists(out));
    // No temporary file left behind.
    CHECK(test::files_in(dir.path().string(), ".h5").size() == 1);

    core::H5Reader h5(out);
    CHECK(h5.attribute_string("/", "scenario_name") == s.name);
    CHECK(h5.attribute_int("/", "schema_version") == 1);
    CHECK(h5.attribute_string("/", "scenario_yaml") == s.source_text);
    CHECK(h5.attribute_int("/", "seed") == static_cast<std::int64_t>(s.seed));
    CHECK_FALSE(h5.attribute_string("/", "twinsim_version").empty());
    CHECK(h5.attribute_string("/", "created_utc").size() == 20);
    CHECK(h5.read_doubles("/dose_levels") == s.dose_levels);
    const std::int64_t R = std::min<std::int64_t>(s.replicates, 200);
    CHECK(h5.attribute_int("/", "replicates") == R);
    for (const auto& d : s.designs) {
      const std::string g = "/designs/" + d.name;
      INFO(g);
      CHECK(h5.attribute_string(g, "type") == d.type);
      const auto trials = h5.read_ints(g + "/trials/trial");
      REQUIRE(static_cast<std::int64_t>(trials.size()) == R);
      const auto n_pat = h5.read_ints(g + "/trials/n_patients");
      std::int64_t total = 0;
      for (auto n : n_pat) total += n;
      const auto dose_index = h5.read_ints(g + "/patients/dose_index");
      CHECK(static_cast<std::int64_t>(dose_index.size()) == total);
      const auto mean_patients = h5.read_doubles(g + "/oc/mean_patients");
      double sum_mean = 0;
      for (double m : mean_patients) sum_mean += m;
      CHECK(sum_mean == Approx(static_cast<double>(total) / R));
      const auto p_select = h5.read_doubles(g + "/oc/p_select");
      double psum = h5.read_doubles(g + "/oc/p_no_selection")[0];
      for (double p : p_select) psum += p;
      CHECK(psum == Approx(1.0));
      if (const auto obj = d.design->obd_objective(); obj && s.pkpd_mode()) {
        // An OBD design in PK/PD mode is scored against the reference
        // cohort's estimated efficacy truth, which the file holds.
        REQUIRE(h5.exists("/truth/response_probability"));
        const auto pt = h5.read_doubles("/truth/dlt_probability");
        const auto pe = h5.read_doubles("/truth/response_probability");
        const auto both = h5.read_doubles("/truth/dlt_and_response_probability");
        const auto t = trial::true_obd(pt, pe, both, {obj->phi_t, obj->phi_e, obj->u1, obj->u2, obj->u3, obj->u4});
        REQUIRE(t.scored);
        CHECK(h5.read_ints(g + "/oc/true_obd_dose")[0] == t.obd);
        CHECK(h5.read_doubles(g + "/oc/true_utility") == t.utility);
        for (double se : h5.read_doubles(g + "/oc/true_utility_se")) CHECK((se > 0 && se < 5));
        for (std::size_t k = 0; k < pe.size(); ++k) CHECK((both[k] <= std::min(pt[k], pe[k]) && pe[k] >= 0));
      }
      if (s.pkpd_mode()) {
        const auto status = h5.read_ints(g + "/patients/solve_status");
        const auto cmax = h5.read_doubles(g + "/patients/cmax");
        for (std::size_t i = 0; i < cmax.size(); ++i) {
          CHECK(status[i] == 0);
          CHECK(std::isfinite(cmax[i]));
          CHECK(cmax[i] > 0);
        }
        for (const auto& var : s.output.timecourses) {
          const auto dims = h5.dims(g + "/timecourses/" + var);
          REQUIRE(dims.size() == 2);
          CHECK(static_cast<std::int64_t>(dims[0]) == total);
          CHECK(dims[1] == h5.dims(g + "/timecourses/time")[0]);
        }
      }
    }
  }
}

TEST_CASE("run never overwrites without --force and exits 2", "[e2e]") {
  const std::string cfg = configs().front();
  test::TempDir dir("force");
  const std::string out = dir.file("out.h5");
  test::write_file(out, "precious");
  const auto r = test::run_cli("run " + test::quote(cfg) + " -o " + test::quote(out) + " --quiet");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("exists; pass --force") != std::string::npos);
  std::ifstream in(out);
  std::string content;
  std::getline(in, content);
  CHECK(content == "precious");
  const auto forced = test::run_cli("run " + test::quote(cfg) + " -o " + test::quote(out) + " --quiet --force");
  CHECK(forced.exit_code == 0);
  CHECK_NOTHROW(core::H5Reader(out));
}

TEST_CASE("an unwritable output folder is a runtime failure with exit 1 and no file", "[e2e]") {
  const auto r = test::run_cli("run " + test::quote(configs().front()) + " -o /nonexistent-dir/out.h5 --quiet");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("cannot create output file") != std::string::npos);
}

TEST_CASE("the result file opens in h5py with the provenance attributes", "[e2e]") {
  if (test::run_command("/usr/bin/python3 -c 'import h5py'").exit_code != 0) {
    WARN("python3-h5py is not installed; scripts/install-deps.sh installs it");
    return;
  }
  test::TempDir dir("h5py");
  const std::string out = dir.file("out.h5");
  REQUIRE(test::run_cli("run " + test::quote(configs().front()) + " -o " + test::quote(out) + " --quiet").exit_code == 0);
  const std::string script =
      "import h5py,sys\n"
      "f=h5py.File(sys.argv[1],'r')\n"
      "for k in ['twinsim_version','scenario_name','seed','replicates','created_utc','scenario_yaml','schema_version']:\n"
      "    assert k in f.attrs, k\n"
      "assert f['dose_levels'].ndim==1\n"
      "g=f['designs'][list(f['designs'])[0]]\n"
      "assert g['patients/dose_index'].shape[0]==g['patients/trial'].shape[0]\n"
      "print('h5py ok')\n";
  test::write_file(dir.file("check.py"), script);
  const auto r = test::run_command("/usr/bin/python3 " + test::quote(dir.file("check.py")) + " " + test::quote(out));
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("h5py ok") != std::string::npos);
}

TEST_CASE("models lists every disposition with parameters and units", "[e2e]") {
  const auto r = test::run_cli("models");
  REQUIRE(r.exit_code == 0);
  for (const char* s : {"one_compartment", "two_compartment", "three_compartment", "CL", "L/h", "V1", "Q3",
                        "KA", "1/h", "MTT_ABS", "D1", "VMAX", "mg/h", "KM", "mg/L", "TLAG", "dA1/dt"})
    CHECK(r.output.find(s) != std::string::npos);
  const auto v = test::run_cli("--version");
  CHECK(v.exit_code == 0);
  CHECK(v.output.rfind("twinsim ", 0) == 0);
}
