// [reliability] A sweep folder under two processes at once, and result files
// that do not match their markers (issue 13, items 8 and 10). A second sweep
// into a folder being written used to delete the first one's live temporary
// file (`--resume` cleans stale ones) and make it fail; now it is refused,
// naming the process that holds the folder's lock. Shards of one count still
// run side by side; merge waits for all of them. A variant's file is checked
// (it opens, it was written to the end, it is this variant's) before --resume
// or merge trusts its .done marker.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <map>

#include "file_safety_support.hpp"
#include "twinsim/core/h5.hpp"

using namespace twinsim;

namespace {

std::string q(const std::string& s) { return test::quote(s); }

std::string hostname() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return host;
}

// "pid <pid> on host <host>, started <time>: twinsim sweep ..."
void check_names_holder(const std::string& output, pid_t pid) {
  INFO(output);
  CHECK(output.find("pid " + std::to_string(pid) + " on host " + hostname() + ", started 20") != std::string::npos);
}

std::map<std::string, std::string> contents(const std::string& dir, const std::string& ext) {
  std::map<std::string, std::string> out;
  for (const auto& f : test::files_in(dir, ext)) out[std::filesystem::path(f).filename().string()] = test::read_all(f);
  return out;
}

}  // namespace

TEST_CASE("sweep: a second sweep into a folder being written is refused, naming the first, which completes",
          "[reliability]") {
  test::TempDir dir("lock-second");
  // Eight variants of twice the usual size in Release: after the first one
  // is done, the other seven keep the folder locked while four processes try
  // it (with four of long_replicates(), an idle machine finished the sweep,
  // about 0.2 s a variant, before the merge attempt in a local CI run).
  const std::string replicates = test::kAddressSanitizer ? test::long_replicates() : "40000";
  const std::string sweep = test::safety_sweep(dir, "1, 2, 3, 4, 5, 6, 7, 8", replicates), out = dir.file("out");
  const pid_t first = test::spawn_cli({"sweep", sweep, "-o", out, "--threads", "1", "--quiet"}, dir.file("log"));
  // Wait until it is inside a variant: a temporary file exists.
  REQUIRE(test::wait_until([&] { return test::count_with(out, ".done") >= 1 && test::temp_in(out); }, first));
  for (const char* flags : {" --resume", " --force", " --shard 1/2 --resume"}) {
    const auto second = test::run_cli("sweep " + q(sweep) + " -o " + q(out) + " --quiet" + flags);
    INFO(flags << ": " << second.output);
    CHECK(second.exit_code == 2);
    CHECK(second.output.find("twinsim: error: output folder '" + out + "' is in use by another twinsim process (") !=
          std::string::npos);
    check_names_holder(second.output, first);
  }
  const auto merge = test::run_cli("merge " + q(out) + " -o " + q(dir.file("m.h5")));
  CHECK(merge.exit_code == 2);
  CHECK(merge.output.find("is being written by another twinsim process") != std::string::npos);
  check_names_holder(merge.output, first);
  // The first run lost nothing to the attempts.
  CHECK(test::wait_exit_code(first) == 0);
  INFO(test::read_all(dir.file("log")));
  CHECK(test::count_with(out, ".done") == 8);
  CHECK(test::count_with(out, ".h5") == 8);
  CHECK_FALSE(test::has_temp_file(out));
  CHECK(test::run_cli("merge " + q(out) + " -o " + q(dir.file("m.h5")) + " --quiet").exit_code == 0);
}

TEST_CASE("sweep: shards of one count run side by side, an overlapping shard of another count is refused",
          "[reliability]") {
  test::TempDir dir("lock-shards");
  // Even variants are long (long_replicates()), odd ones short: shard 0/2
  // runs the long ones while the others try the folder.
  const std::string sweep = test::safety_sweep(dir, "1, 2, 3", test::long_replicates() + ", 20"), out = dir.file("out");
  const pid_t slow = test::spawn_cli({"sweep", sweep, "-o", out, "--shard", "0/2", "--threads", "1", "--quiet"},
                                     dir.file("log"));
  REQUIRE(test::wait_until([&] { return test::temp_in(out); }, slow));
  // 0/3 runs variants 0 and 3; variant 0 is shard 0/2's.
  const auto overlapping = test::run_cli("sweep " + q(sweep) + " -o " + q(out) + " --shard 0/3 --quiet");
  INFO(overlapping.output);
  CHECK(overlapping.exit_code == 2);
  CHECK(overlapping.output.find("shard 0/3 shares variants with shard 0/2, which is running into") !=
        std::string::npos);
  check_names_holder(overlapping.output, slow);
  const auto same = test::run_cli("sweep " + q(sweep) + " -o " + q(out) + " --shard 0/2 --resume --quiet");
  CHECK(same.exit_code == 2);
  check_names_holder(same.output, slow);
  const auto early = test::run_cli("merge " + q(out) + " -o " + q(dir.file("m.h5")));
  CHECK(early.exit_code == 2);
  check_names_holder(early.output, slow);
  // Another sweep's shard may not replace the manifest shard 0/2 works under.
  std::string other_text = test::read_all(sweep);
  other_text.replace(other_text.find("seed: [1, 2, 3]"), 15, "seed: [7, 8, 9]");
  test::write_file(dir.file("other.yaml"), other_text);
  const auto replace = test::run_cli("sweep " + q(dir.file("other.yaml")) + " -o " + q(out) +
                                     " --shard 1/2 --force --quiet");
  INFO(replace.output);
  CHECK(replace.exit_code == 2);
  CHECK(replace.output.find("holds another sweep whose shards are running (") != std::string::npos);
  check_names_holder(replace.output, slow);
  // The other shard of the same count is not held up.
  const auto other = test::run_cli("sweep " + q(sweep) + " -o " + q(out) + " --shard 1/2 --threads 1 --quiet");
  INFO(other.output);
  CHECK(other.exit_code == 0);
  int status = 0;
  CHECK(::waitpid(slow, &status, WNOHANG) == 0);  // shard 0/2 was still running all along
  CHECK(test::wait_exit_code(slow) == 0);
  CHECK(test::count_with(out, ".done") == 6);
  const auto merged = test::run_cli("merge " + q(out) + " -o " + q(dir.file("m.h5")) + " --quiet");
  INFO(merged.output);
  CHECK(merged.exit_code == 0);
}

TEST_CASE("sweep --resume reruns a variant whose file is truncated or another's under an intact marker",
          "[reliability]") {
  test::TempDir dir("resume-verify");
  const std::string sweep = test::safety_sweep(dir, "1, 2", "50"), out = dir.file("out"), ref = dir.file("ref");
  REQUIRE(test::run_cli("sweep " + q(sweep) + " -o " + q(ref) + " --quiet").exit_code == 0);
  REQUIRE(test::run_cli("sweep " + q(sweep) + " -o " + q(out) + " --quiet").exit_code == 0);
  const auto h5 = test::files_in(out, ".h5");
  REQUIRE(h5.size() == 2);
  const auto markers = contents(out, ".done");
  // Variant 0: cut to half its size (a copy that stopped, a disk fault).
  const std::string bytes = test::read_all(h5[0]);
  test::write_file(h5[0], bytes.substr(0, bytes.size() / 2));
  // Variant 1: a valid result file, but variant 0's.
  std::filesystem::copy_file(dir.file("ref/") + std::filesystem::path(h5[0]).filename().string(), h5[1],
                             std::filesystem::copy_options::overwrite_existing);
  CHECK(contents(out, ".done") == markers);  // the markers still vouch for both

  const auto merge = test::run_cli("merge " + q(out) + " -o " + q(dir.file("m.h5")));
  INFO(merge.output);
  CHECK(merge.exit_code == 2);
  CHECK(merge.output.find("its result file cannot be read") != std::string::npos);
  CHECK(merge.output.find("--resume`, then merge") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("m.h5")));

  const auto resumed = test::run_cli("sweep " + q(sweep) + " -o " + q(out) + " --resume");
  INFO(resumed.output);
  REQUIRE(resumed.exit_code == 0);
  const std::string id0 = std::filesystem::path(h5[0]).stem().string();
  const std::string id1 = std::filesystem::path(h5[1]).stem().string();
  CHECK(resumed.output.find("twinsim: note: variant " + id0 + ": its result file cannot be read (") !=
        std::string::npos);
  CHECK(resumed.output.find("twinsim: note: variant " + id1 + ": its result file is of another variant or run") !=
        std::string::npos);
  CHECK(resumed.output.find("2 run, 0 already complete") != std::string::npos);
  for (const auto& f : test::files_in(ref, ".h5")) {
    const std::string name = std::filesystem::path(f).filename().string();
    const core::H5Reader a(f), b(out + "/" + name);
    CHECK(a.attribute_string("/", "sweep_variant_hash") == b.attribute_string("/", "sweep_variant_hash"));
    CHECK(a.read_doubles("/designs/boin/oc/p_select") == b.read_doubles("/designs/boin/oc/p_select"));
  }
  const auto again = test::run_cli("sweep " + q(sweep) + " -o " + q(out) + " --resume");
  CHECK(again.output.find("twinsim: note:") == std::string::npos);
  CHECK(again.output.find("0 run, 2 already complete") != std::string::npos);
  CHECK(test::run_cli("merge " + q(out) + " -o " + q(dir.file("m.h5")) + " --quiet").exit_code == 0);
}
