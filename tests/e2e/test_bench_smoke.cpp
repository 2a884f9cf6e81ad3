// [e2e] Smoke test of the benchmark workloads (bench/*.yaml, issue 8): each one
// validates and runs through the CLI at a tiny size, so that `make bench`
// cannot rot while it is not part of `make test`. The full-size runs, the
// peers and the timing live in bench/run_bench.py (`make bench`).
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "test_support.hpp"
#include "twinsim/core/h5.hpp"

using namespace twinsim;

namespace {

std::string bench_dir() { return test::source_dir() + "/bench"; }

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Replaces `from` by `to` once; fails the test when `from` is missing.
std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("every bench workload validates and runs at a tiny size", "[e2e]") {
  const auto files = test::files_in(bench_dir(), ".yaml");
  // W1 (cohort, typical), W2 (3 designs), W3 (population, typical).
  REQUIRE(files.size() >= 7);
  for (const auto& path : files) {
    const std::string file = std::filesystem::path(path).filename().string();
    INFO(file);
    std::string text = read_text(path);
    // W3 estimates the true DLT curve from truth_cohort_size patients per dose: shrink it.
    const bool has_truth = text.find("truth_cohort_size:") != std::string::npos;
    if (has_truth) text = replace_once(text, "truth_cohort_size: 1000", "truth_cohort_size: 20");
    test::TempDir dir("bench-smoke");
    const std::string scenario = dir.file(file);
    test::write_file(scenario, text);

    const auto v = test::run_cli("validate " + test::quote(scenario));
    INFO(v.output);
    REQUIRE(v.exit_code == 0);

    const std::string out = dir.file("out.h5");
    const auto r = test::run_cli("run " + test::quote(scenario) + " -o " + test::quote(out) +
                                 " --replicates 5 --threads 2 --quiet");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    core::H5Reader h5(out);
    CHECK(h5.attribute_int("/", "replicates") == 5);
    if (has_truth) CHECK(h5.read_doubles("/truth/dlt_probability").size() == 5);
    // The cohort workloads really have between-subject variability.
    if (text.find("\npopulation:") != std::string::npos) {
      const auto cl = h5.read_doubles("/designs/" + h5.children("/designs").front() + "/patients/CL");
      REQUIRE(cl.size() >= 2);
      CHECK(cl[0] != cl[1]);
    }
  }
}

TEST_CASE("bench W1 typical patient: ANC nadir within 1e-4 of the tight reference", "[e2e]") {
  // 4.5936938503 at 504 h: issue 8, reproduced by bench/peers/reference.py
  // (SciPy DOP853 and LSODA at rtol 1e-10, atol 1e-12).
  const double reference = 4.5936938503;
  test::TempDir dir("bench-w1");
  const std::string out = dir.file("w1.h5");
  const auto r = test::run_cli("run " + test::quote(bench_dir() + "/w1_typical.yaml") + " -o " + test::quote(out) +
                               " --replicates 1 --quiet");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  core::H5Reader h5(out);
  const auto nadir = h5.read_doubles("/designs/w1/patients/anc_nadir");
  const auto when = h5.read_doubles("/designs/w1/patients/anc_nadir_time_h");
  REQUIRE(nadir.size() == 1);
  CHECK(std::abs(nadir[0] - reference) / reference <= 1e-4);
  CHECK(when[0] == Approx(504.0));
  CHECK(h5.dims("/designs/w1/timecourses/ANC")[1] == 505);
}

TEST_CASE("bench driver and peers are present and parse", "[e2e]") {
  for (const char* f : {"run_bench.py", "install-bench-deps.sh", "CMakeLists.txt", "peers/reference.py",
                        "peers/w1_model.py", "peers/w1_scipy.py", "peers/w1_desolve.R", "peers/w1_desolve.c",
                        "peers/w1_cvode_loop.cpp"}) {
    INFO(f);
    CHECK(std::filesystem::exists(bench_dir() + "/" + f));
  }
  if (!std::filesystem::exists("/usr/bin/python3")) return;
  // Syntax check only (no scipy needed, nothing written to the source tree).
  for (const char* f : {"run_bench.py", "peers/reference.py", "peers/w1_model.py", "peers/w1_scipy.py"}) {
    INFO(f);
    const auto r = test::run_command("/usr/bin/python3 -c \"import ast,sys; ast.parse(open(sys.argv[1]).read())\" " +
                                     test::quote(bench_dir() + "/" + f));
    INFO(r.output);
    CHECK(r.exit_code == 0);
  }
}
