// [e2e] docs/hpc.md's SLURM job-array recipe, run as written: the job script,
// the submission with the merge job, and the resubmission of failed shards,
// with a stand-in sbatch (slurm_stub/sbatch) that runs the array tasks at once
// and lets two of them fail. The resubmitted tasks (--array=3,7) must still
// run shards 3 and 7 of 20, and the merge must then gather every variant.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "doc_blocks.hpp"
#include "test_support.hpp"
#include "twinsim/core/h5.hpp"

using namespace twinsim;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("docs/hpc.md: a failed array task is resubmitted alone and the merge then has every variant", "[e2e]") {
  const std::string doc = test::source_dir() + "/docs/hpc.md";
  test::TempDir dir("doc-hpc");
  const fs::path work = dir.path();
  fs::create_directories(work / "bin");
  fs::create_directories(work / "state");
  fs::create_directories(work / "sweeps");
  fs::create_symlink(test::cli_path(), work / "bin" / "twinsim");
  // 24 variants over the doc's 20 shards: shards 3 and 7 hold two each.
  std::string seeds;
  for (int i = 0; i < 24; ++i) seeds += (i ? ", " : "") + std::to_string(i + 1);
  test::write_file((work / "sweeps/my_sweep.yaml").string(),
                   "base:\n"
                   "  name: hpc-doc\n"
                   "  replicates: 20\n"
                   "  dose_levels: [1, 2, 3]\n"
                   "  toxicity: {true_dlt_probabilities: [0.1, 0.25, 0.5]}\n"
                   "  designs: [{name: boin, type: boin, target: 0.25}]\n"
                   "axes:\n"
                   "  seed: [" + seeds + "]\n");
  test::write_file((work / "sweep.sbatch").string(), test::doc_block(doc, "sweep.sbatch"));
  test::write_file((work / "submit.sh").string(), test::doc_block(doc, "submit"));
  test::write_file((work / "resubmit.sh").string(), test::doc_block(doc, "resubmit"));
  const std::string env = "cd " + test::quote(work.string()) + " && PATH=" +
                          test::quote((work / "bin").string() + ":" + test::source_dir() + "/tests/e2e/slurm_stub") +
                          ":$PATH SBATCH_STUB_DIR=" + test::quote((work / "state").string()) + " ";
  const fs::path merged = work / "results/my_sweep.h5";

  // First submission: tasks 3 and 7 are lost, so the merge job never runs.
  const auto submit = test::run_command(env + "STUB_FAIL_TASKS=3,7 bash submit.sh");
  INFO(submit.output);
  REQUIRE(submit.exit_code == 0);
  CHECK_FALSE(fs::exists(merged));
  CHECK(slurp(work / "state/never_ran") == "1002\n");  // the merge job
  for (int t = 0; t < 20; ++t) {
    if (t == 3 || t == 7) continue;
    INFO("task " << t);
    CHECK(slurp(work / ("state/job-1001_" + std::to_string(t) + ".out")).empty());  // --quiet, no error
  }

  // Resubmission: only shards 3 and 7, as an array of two tasks, then the merge.
  const auto resubmit = test::run_command(env + "bash resubmit.sh");
  INFO(resubmit.output);
  REQUIRE(resubmit.exit_code == 0);
  CHECK(resubmit.output.find("shards to redo: 3,7\n") != std::string::npos);
  INFO("task 3: " << slurp(work / "state/job-1003_3.out") << "task 7: " << slurp(work / "state/job-1003_7.out")
                  << "merge: " << slurp(work / "state/job-1004.out"));
  CHECK(slurp(work / "state/failed") == "1001\n1001\n");  // only the lost tasks of the first array
  CHECK(slurp(work / "state/job-1004.out") == "merged 24 variants into results/my_sweep.h5\n");
  REQUIRE(fs::exists(merged));
  CHECK(core::H5Reader(merged.string()).attribute_int("/", "n_variants") == 24);
  CHECK(fs::file_size(work / "results/my_sweep.txt") > 0);  // the compare table

  // Run again on a complete folder: nothing to redo, the merge is redone.
  const auto again = test::run_command(env + "bash resubmit.sh");
  INFO(again.output);
  CHECK(again.exit_code == 0);
  CHECK(again.output.find("shards to redo: none\n") != std::string::npos);
  CHECK(slurp(work / "state/job-1005.out") == "merged 24 variants into results/my_sweep.h5\n");
  CHECK(slurp(work / "state/failed") == "1001\n1001\n");
}
