// [e2e] twinsim sweep / merge: one process vs shards vs MPI give bit-identical
// OC datasets; a SIGKILLed sweep resumes to the same result; Ctrl-C stops
// cleanly; every example in configs/sweeps/ runs, merges and reports.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "sweep_support.hpp"
#include "twinsim/trial/sweep/sweep.hpp"
#include "twinsim/trial/sweep/sweep_mpi.hpp"

using namespace twinsim;

namespace {

std::string q(const std::string& s) { return test::quote(s); }

void require_ok(const test::CommandResult& r) {
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
}

// Same variant files, each with bit-identical OC datasets.
void check_same_variants(const std::string& a, const std::string& b) {
  const auto files = test::variant_files(a);
  REQUIRE_FALSE(files.empty());
  REQUIRE(test::variant_files(b) == files);
  for (const auto& f : files) {
    INFO(f);
    const auto x = test::oc_bits(a + "/" + f);
    REQUIRE(x.size() >= 20);
    CHECK(x == test::oc_bits(b + "/" + f));
  }
}

void check_same_merged(const std::string& a, const std::string& b) {
  const core::H5Reader ha(a), hb(b);
  const auto ids = ha.read_strings("/variant_table/id");
  REQUIRE(ids == hb.read_strings("/variant_table/id"));
  for (const auto& id : ids) {
    INFO(id);
    CHECK(test::oc_bits(a, "/variants/" + id) == test::oc_bits(b, "/variants/" + id));
  }
}

}  // namespace

TEST_CASE("sweep: one process and 3 shards + merge give bit-identical OC datasets", "[e2e][determinism]") {
  test::TempDir dir("sweep-shards");
  const std::string sweep = test::small_sweep(dir, 150, 2);  // 4 variants
  const std::string one = dir.file("one"), sharded = dir.file("sharded");
  require_ok(test::run_cli("sweep " + q(sweep) + " -o " + q(one) + " --threads 2 --quiet"));
  require_ok(test::run_cli("merge " + q(one) + " -o " + q(dir.file("one.h5")) + " --quiet"));
  for (int i = 0; i < 3; ++i) {
    if (i == 2) {  // two shards done: merge must refuse and list what is missing
      const auto m = test::run_cli("merge " + q(sharded) + " -o " + q(dir.file("early.h5")));
      INFO(m.output);
      CHECK(m.exit_code == 2);
      CHECK(m.output.find("1 of 4 variants missing (v002-") != std::string::npos);
      CHECK_FALSE(std::filesystem::exists(dir.file("early.h5")));
    }
    // Shard 1 names the sweep file by another path, as a job script might:
    // still the same sweep.
    const std::string path = i == 1 ? (std::filesystem::path(sweep).parent_path() / "." /
                                       std::filesystem::path(sweep).filename()).string()
                                    : sweep;
    require_ok(test::run_cli("sweep " + q(path) + " -o " + q(sharded) + " --shard " + std::to_string(i) +
                             "/3 --threads 1 --quiet"));
  }
  require_ok(test::run_cli("merge " + q(sharded) + " -o " + q(dir.file("sharded.h5")) + " --quiet"));
  check_same_variants(one, sharded);
  check_same_merged(dir.file("one.h5"), dir.file("sharded.h5"));

  // The merged file: variants table with one column per axis, report rows per
  // variant x design whose PCS is the variant file's oc/pcs.
  const core::H5Reader merged(dir.file("one.h5"));
  CHECK(merged.read_doubles("/variant_table/designs[boin].target") == std::vector<double>{0.25, 0.25, 0.3, 0.3});
  CHECK(merged.read_doubles("/variant_table/seed") == std::vector<double>{11, 12, 11, 12});
  const auto ids = merged.read_strings("/variant_table/id");
  const auto report = test::run_cli("report " + q(dir.file("one.h5")) + " --format csv");
  require_ok(report);
  const core::H5Reader v1(one + "/" + ids[1] + ".h5");
  const std::string pcs = core::format_number(v1.read_doubles("/designs/boin/oc/pcs").at(0));
  CHECK(report.output.find(ids[1] + ",0.25,12,boin,boin,0.25," + pcs + ",") != std::string::npos);
  // 3+3 has no target: with BOIN at 0.25 and CRM at 0.3 there is no shared
  // one (PCS empty); --target 0.3 scores it at the true 0.3 dose (index 3).
  const std::string no_target = ids[1] + ",0.25,12,3+3,three_plus_three,,,";
  CHECK(report.output.find(no_target) != std::string::npos);
  const auto scored = test::run_cli("report " + q(dir.file("one.h5")) + " --format csv --target 0.3");
  require_ok(scored);
  const std::string p3 = core::format_number(v1.read_doubles("/designs/3+3/oc/p_select").at(3));
  CHECK(scored.output.find(ids[1] + ",0.25,12,3+3,three_plus_three,0.3," + p3 + ",") != std::string::npos);
  const auto compare = test::run_cli("compare " + q(dir.file("one.h5")));
  require_ok(compare);
  CHECK(compare.output.find("PCS boin") != std::string::npos);
  CHECK(compare.output.find(ids[3]) != std::string::npos);
}

TEST_CASE("sweep: mpirun -n 2 gives the same OC datasets as one process", "[e2e][determinism][mpi]") {
  if (!trial::mpi_built()) {
    WARN("SKIPPED: twinsim was built without MPI (configure with -DTWINSIM_MPI=ON)");
    return;
  }
  test::TempDir dir("sweep-mpi");
  const std::string sweep = test::small_sweep(dir, 150, 3);  // 6 variants
  const std::string one = dir.file("one"), mpi = dir.file("mpi");
  require_ok(test::run_cli("sweep " + q(sweep) + " -o " + q(one) + " --threads 2 --quiet"));
  ::setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
  ::setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
  const auto r = test::run_command("mpirun --allow-run-as-root --oversubscribe -n 2 " + q(test::cli_path()) +
                                   " sweep " + q(sweep) + " -o " + q(mpi) + " --threads 1");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("2 MPI ranks") != std::string::npos);
  CHECK(r.output.find("6 run, 0 already complete") != std::string::npos);
  check_same_variants(one, mpi);
  require_ok(test::run_cli("merge " + q(one) + " -o " + q(dir.file("one.h5")) + " --quiet"));
  require_ok(test::run_cli("merge " + q(mpi) + " -o " + q(dir.file("mpi.h5")) + " --quiet"));
  check_same_merged(dir.file("one.h5"), dir.file("mpi.h5"));
}

TEST_CASE("sweep: SIGKILL part-way then --resume ends identical to an uninterrupted run", "[e2e]") {
  test::TempDir dir("sweep-kill");
  const std::string sweep = test::small_sweep(dir, 1000, 4);  // 8 variants
  const std::string full = dir.file("full"), killed = dir.file("killed");
  require_ok(test::run_cli("sweep " + q(sweep) + " -o " + q(full) + " --threads 1 --quiet"));

  const pid_t pid = test::spawn_cli({"sweep", sweep, "-o", killed, "--threads", "1", "--quiet"}, dir.file("log"));
  REQUIRE(test::wait_for_markers(killed, 1, pid));
  ::kill(pid, SIGKILL);
  CHECK(test::wait_exit_code(pid) == 128 + SIGKILL);
  const std::size_t done = test::count_markers(killed);
  INFO("complete at the kill: " << done);
  REQUIRE(done < 8);  // killed part-way

  const auto merge = test::run_cli("merge " + q(killed) + " -o " + q(dir.file("m.h5")));
  CHECK(merge.exit_code == 2);
  CHECK(merge.output.find("incomplete") != std::string::npos);
  const auto again = test::run_cli("sweep " + q(sweep) + " -o " + q(killed) + " --quiet");
  CHECK(again.exit_code == 2);
  CHECK(again.output.find("--resume") != std::string::npos);

  const auto resumed = test::run_cli("sweep " + q(sweep) + " -o " + q(killed) + " --resume --threads 1");
  require_ok(resumed);
  CHECK(resumed.output.find(std::to_string(8 - done) + " run, " + std::to_string(done) + " already complete") !=
        std::string::npos);
  CHECK_FALSE(test::has_temp_files(killed));
  check_same_variants(full, killed);
  // Resuming a complete sweep runs nothing.
  const auto noop = test::run_cli("sweep " + q(sweep) + " -o " + q(killed) + " --resume");
  CHECK(noop.output.find("0 run, 8 already complete") != std::string::npos);
}

TEST_CASE("sweep: Ctrl-C stops cleanly with exit code 130 and no partial file", "[e2e]") {
  test::TempDir dir("sweep-int");
  const std::string sweep = test::small_sweep(dir, 1000, 4);
  const std::string out = dir.file("out");
  const pid_t pid = test::spawn_cli({"sweep", sweep, "-o", out, "--threads", "1"}, dir.file("log"));
  REQUIRE(test::wait_for_markers(out, 1, pid));
  ::kill(pid, SIGINT);
  CHECK(test::wait_exit_code(pid) == 130);
  std::string log;
  {
    std::ifstream in(dir.file("log"));
    log.assign(std::istreambuf_iterator<char>(in), {});
  }
  INFO(log);
  CHECK(log.find("twinsim: interrupted by SIGINT:") != std::string::npos);
  CHECK_FALSE(test::has_temp_files(out));
  // Every result file under a final name is vouched for by its marker.
  CHECK(test::variant_files(out).size() == test::count_markers(out));
}

TEST_CASE("sweep: every example in configs/sweeps runs and merges and reports and a variant re-runs alone",
          "[e2e]") {
  const auto examples = test::files_in(test::source_dir() + "/configs/sweeps", ".yaml");
  REQUIRE(examples.size() >= 3);
  for (const auto& ex : examples) {
    INFO(ex);
    test::TempDir dir("sweep-example");
    const std::string out = dir.file("out"), merged = dir.file("sweep.h5");
    require_ok(test::run_cli("sweep " + q(ex) + " -o " + q(out) + " --quiet"));
    require_ok(test::run_cli("merge " + q(out) + " -o " + q(merged) + " --quiet"));
    const trial::Sweep s = trial::load_sweep_file(ex);
    const auto report = test::run_cli("report " + q(merged));
    require_ok(report);
    for (const auto& v : s.variants) CHECK(report.output.find(v.id) != std::string::npos);
    require_ok(test::run_cli("compare " + q(merged) + " --format json"));

    // The provenance is enough to re-run a variant alone with `twinsim run`.
    const auto& v = s.variants.back();
    const std::string file = out + "/" + v.id + ".h5";
    const core::H5Reader h5(file);
    const std::string yaml = h5.attribute_string("/", "scenario_yaml");
    CHECK(yaml == v.scenario_yaml);
    test::write_file(dir.file("alone.yaml"), yaml);
    require_ok(test::run_cli("run " + q(dir.file("alone.yaml")) + " -o " + q(dir.file("alone.h5")) + " --quiet"));
    CHECK(test::oc_bits(dir.file("alone.h5")) == test::oc_bits(file));
  }
}

TEST_CASE("sweep: a folder of another sweep is refused unless --force which redoes the variants", "[e2e]") {
  test::TempDir dir("sweep-other");
  const std::string out = dir.file("out");
  const std::string first = test::small_sweep(dir, 30, 1);
  std::filesystem::create_directories(out);
  test::write_file(out + "/notes.txt", "not a sweep");
  const auto unrelated = test::run_cli("sweep " + q(first) + " -o " + q(out));
  CHECK(unrelated.exit_code == 2);
  CHECK(unrelated.output.find("not part of this sweep (notes.txt)") != std::string::npos);
  std::filesystem::remove(out + "/notes.txt");
  require_ok(test::run_cli("sweep " + q(first) + " -o " + q(out) + " --quiet"));
  // In the sweep's own folder other files (here the merged file) are fine.
  require_ok(test::run_cli("merge " + q(out) + " -o " + q(out + "/merged.h5") + " --quiet"));
  require_ok(test::run_cli("sweep " + q(first) + " -o " + q(out) + " --resume --quiet"));
  const std::string second = test::small_sweep(dir, 40, 1);  // same file name, other replicates
  const auto refused = test::run_cli("sweep " + q(second) + " -o " + q(out) + " --resume");
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find("holds another sweep") != std::string::npos);
  require_ok(test::run_cli("sweep " + q(second) + " -o " + q(out) + " --force --quiet"));
  require_ok(test::run_cli("merge " + q(out) + " -o " + q(dir.file("m.h5")) + " --quiet"));
  const core::H5Reader m(dir.file("m.h5"));
  for (const auto& id : m.read_strings("/variant_table/id"))
    CHECK(m.attribute_int("/variants/" + id, "replicates") == 40);
  // merge never overwrites without --force.
  const auto again = test::run_cli("merge " + q(out) + " -o " + q(dir.file("m.h5")));
  CHECK(again.exit_code == 2);
}
