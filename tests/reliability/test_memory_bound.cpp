// [reliability] Memory stays bounded as replicates grow: results are streamed
// to HDF5 block by block (RunOptions::block_bytes), so a run with 10x the
// replicates (and 10x the patients) has about the same peak RSS; report and
// compare read the tables back in blocks of trials and keep only sums
// (trial_sim/io/src/oc_stream.cpp), so they do too. The bounds are stated in
// docs/performance.md ("Memory").
#include <catch2/catch.hpp>

#include <filesystem>

#include "reliability_support.hpp"

using namespace twinsim;

namespace {
// 2000 patients per trial: each block of results holds about 128 trials, so
// even the smaller run streams more than one block.
const char* kWide = R"(name: memory-bound
seed: 3
replicates: 1
dose_levels: [1, 2]
toxicity: {true_dlt_probabilities: [0.2, 0.3]}
designs:
  - {name: wide-arm, type: fixed, dose: 1, patients: 2000}
)";
}  // namespace

namespace {
// `twinsim run yaml --replicates n` on 2 threads into dir/r<n>.h5.
test::ChildResult run_replicates(const test::TempDir& dir, const std::string& yaml, int replicates) {
  const std::string out = dir.file("r" + std::to_string(replicates) + ".h5");
  const auto r = test::run_child({test::cli_path(), "run", yaml, "-o", out, "--quiet", "--threads", "2",
                                  "--replicates", std::to_string(replicates)},
                                 dir.file("log"));
  INFO(test::read_all(dir.file("log")));
  REQUIRE(r.exit_code == 0);
  return r;
}
}  // namespace

TEST_CASE("10x the replicates does not use anywhere near 10x the peak memory", "[reliability]") {
  if (test::kAddressSanitizer) {
    WARN("skipped under AddressSanitizer: its shadow memory and quarantine dominate RSS");
    return;
  }
  test::TempDir dir("memory");
  const std::string yaml = dir.file("s.yaml");
  test::write_file(yaml, kWide);
  const auto small = run_replicates(dir, yaml, 200);   //   400 000 patients
  const auto large = run_replicates(dir, yaml, 2000);  // 4 000 000 patients
  INFO("peak RSS: " << small.max_rss_kib << " KiB for 200 replicates, " << large.max_rss_kib
                    << " KiB for 2000 replicates");
  // Holding the results whole would need more than 4e6 patients x 100 bytes = 400 MB.
  CHECK(large.max_rss_kib < small.max_rss_kib * 3 / 2);
  CHECK(large.max_rss_kib < 400 * 1024);
}

TEST_CASE("report and compare on 10x the replicates use about the same peak memory", "[reliability]") {
  if (test::kAddressSanitizer) {
    WARN("skipped under AddressSanitizer: its shadow memory and quarantine dominate RSS");
    return;
  }
  test::TempDir dir("memory-report");
  const std::string config = test::source_dir() + "/configs/design_only_3p3_boin_crm.yaml";
  // Three designs, about 25 patients per trial: 20,000 trials are 1.5 million
  // patient rows, 200,000 trials 15 million. Holding per-trial values, as
  // report and compare once did, took 40 and 224 MB.
  run_replicates(dir, config, 20000);
  run_replicates(dir, config, 200000);
  const std::string small_file = dir.file("r20000.h5"), large_file = dir.file("r200000.h5");
  for (const char* command : {"report", "compare"}) {
    auto peak = [&](const std::string& h5) {
      const auto r = test::run_child({test::cli_path(), command, h5}, dir.file("out"));
      INFO(test::read_all(dir.file("out")));
      REQUIRE(r.exit_code == 0);
      return r.max_rss_kib;
    };
    const long small = peak(small_file), large = peak(large_file);
    INFO(command << " peak RSS: " << small << " KiB for 20,000 trials, " << large << " KiB for 200,000");
    CHECK(large < small * 5 / 4);
    CHECK(large < 100 * 1024);
  }
}
