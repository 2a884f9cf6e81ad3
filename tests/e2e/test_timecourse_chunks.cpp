// Time courses are compressed by the simulation threads in whole chunks
// (TimecoursePacker), with rows carried from block to block and a partial
// last chunk. Whatever the block size, thread count or compression, the data
// must be the same as written uncompressed through libhdf5.
#include <catch2/catch.hpp>

#include <string>

#include "h5_compare.hpp"
#include "test_support.hpp"
#include "twinsim/core/h5.hpp"
#include "twinsim/trial/io/hdf5_sink.hpp"
#include "twinsim/trial/runner/run.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

using namespace twinsim;

namespace {
// A 0.1 h grid over 504 h: 5041 times, so a chunk holds 13 patients. 43
// trials of 5 patients = 215 patients = 16 whole chunks and 7 rows. IIV keeps
// the rows distinct, so a misplaced row changes the data.
std::string scenario(int compression) {
  return R"(name: tc-chunks
seed: 5
replicates: 43
dose_levels: [100]
model:
  pk:
    compartments: 1
    absorption: first_order
    elimination: linear
    parameters: {CL: 10, V: 50, KA: 1.0}
population:
  iiv: {parameters: [CL, V], cv: [0.3, 0.3]}
regimen: {route: oral, interval_h: 24, doses_per_cycle: 21, cycle_length_h: 504, cycles: 1}
output:
  timecourses: [Cc, AUC]
  grid_h: 0.1
  compression: )" + std::to_string(compression) + R"(
designs:
  - {name: arm, type: fixed, dose: 100, patients: 5}
)";
}

void run(const std::string& yaml, const std::string& out, int threads, std::size_t block_bytes) {
  const trial::Scenario s = trial::load_scenario_text(yaml, "tc-chunks.yaml");
  trial::RunOptions opt;
  opt.threads = threads;
  opt.block_bytes = block_bytes;
  trial::Hdf5Sink sink(out, false, trial::scenario_inputs(s));
  trial::run(s, sink, opt);
}
}  // namespace

TEST_CASE("time courses compressed in whole chunks across blocks equal the uncompressed ones", "[e2e]") {
  REQUIRE(trial::timecourse_chunk_rows(5041) == 13);
  test::TempDir dir("tc-chunks");
  run(scenario(0), dir.file("plain.h5"), 1, 64u << 20);
  // Blocks of one trial (5 patients, less than a chunk): every chunk is made
  // of carried rows; blocks of 3 trials (15 patients): chunks straddle blocks.
  run(scenario(1), dir.file("one.h5"), 2, 100u << 10);
  run(scenario(1), dir.file("three.h5"), 1, 3 * 2 * (128 + 5 * (256 + 8 * 2 * 5041)));
  run(scenario(1), dir.file("whole.h5"), 2, 64u << 20);
  const core::H5Reader plain(dir.file("plain.h5"));
  REQUIRE(plain.dims("/designs/arm/timecourses/Cc") == std::vector<std::uint64_t>{215, 5041});
  for (const char* name : {"one.h5", "three.h5", "whole.h5"}) {
    INFO(name);
    const core::H5Reader packed(dir.file(name));
    CHECK(packed.dims("/designs/arm/timecourses/AUC") == std::vector<std::uint64_t>{215, 5041});
    test::compare_groups(plain, packed, "/designs/arm/timecourses");
    test::compare_groups(packed, plain, "/designs/arm/timecourses");
  }
}
