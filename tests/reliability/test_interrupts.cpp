// [reliability] SIGINT, SIGTERM and SIGHUP (Ctrl-C, kill or scancel, a closed
// terminal) during run, merge and sweep (issue 13, item 9): the command stops
// at its next safe point, removes its temporary file, says so on stderr and
// exits 128 + the signal (130, 143, 129), instead of dying with the
// temporary file left behind and nothing said.
#include <catch2/catch.hpp>

#include "file_safety_support.hpp"
#include "twinsim/trial/sweep/sweep_merge.hpp"
#include "twinsim/trial/sweep/sweep_run.hpp"

using namespace twinsim;

namespace {

std::string q(const std::string& s) { return test::quote(s); }

struct Stopped {
  test::ChildEnd end;
  std::string log;
  double seconds = 0;  // from the signal to the exit
};

// Starts the CLI, waits until a temporary file exists in dir (it is writing),
// sends sig, and waits for the end.
Stopped interrupt(const test::TempDir& dir, const std::vector<std::string>& args, int sig, int delay_ms = 100) {
  const pid_t pid = test::spawn_cli(args, dir.file("log"));
  const bool writing = test::wait_until([&] { return test::has_temp_file(dir.path()); }, pid);
  std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
  const auto t0 = std::chrono::steady_clock::now();
  ::kill(pid, sig);
  Stopped s;
  s.end = test::wait_child(pid);
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  s.log = test::read_all(dir.file("log"));
  CHECK(writing);
  return s;
}

void check_stopped(const Stopped& s, int sig, const std::string& name, const std::string& what) {
  INFO(s.log);
  REQUIRE(s.end.exited);  // not killed by the signal: it was handled
  CHECK(s.end.code == 128 + sig);
  CHECK(s.log.find("twinsim: interrupted by " + name + ": " + what) != std::string::npos);
}

}  // namespace

TEST_CASE("run: SIGINT, SIGTERM and SIGHUP exit 130, 143, 129 with a message and no temporary file",
          "[reliability]") {
  const std::vector<std::pair<int, std::string>> signals{{SIGINT, "SIGINT"}, {SIGTERM, "SIGTERM"}, {SIGHUP, "SIGHUP"}};
  for (const auto& [sig, name] : signals) {
    test::TempDir dir("run-signal");
    const std::string yaml = dir.file("s.yaml"), out = dir.file("out.h5");
    test::write_file(yaml, test::kSafetyScenario);
    const Stopped s =
        interrupt(dir, {"run", yaml, "-o", out, "--replicates", "5000000", "--threads", "1", "--quiet"}, sig);
    check_stopped(s, sig, name,
                  "the run was stopped; nothing was written to '" + out + "' and its temporary file was removed");
    CHECK(s.seconds < 5);  // stops within a block of trials, not at the end
    CHECK_FALSE(std::filesystem::exists(out));
    CHECK_FALSE(test::has_temp_file(dir.path()));
  }
}

TEST_CASE("run: SIGTERM while the true DLT curve of a PK/PD scenario is estimated stops within seconds",
          "[reliability]") {
  test::TempDir dir("run-signal-truth");
  const std::string yaml = dir.file("s.yaml"), out = dir.file("out.h5");
  // 3,000 reference patients per dose before the first trial: without a stop
  // check inside the estimate, SIGTERM would wait for all of them.
  test::write_file(yaml, test::read_all(test::source_dir() + "/configs/pkpd_boin_vs_3p3.yaml"));
  const Stopped s = interrupt(dir, {"run", yaml, "-o", out, "--threads", "1", "--quiet"}, SIGTERM, 0);
  check_stopped(s, SIGTERM, "SIGTERM", "the run was stopped");
  CHECK(s.seconds < 2);
  CHECK_FALSE(std::filesystem::exists(out));
  CHECK_FALSE(test::has_temp_file(dir.path()));
}

TEST_CASE("merge: SIGTERM exits 143 with a message and no temporary file", "[reliability]") {
  test::TempDir dir("merge-signal");
  // 60 one-replicate variants, no patient tables: cheap to run, and the
  // merge copies for a fraction of a second.
  std::string seeds;
  for (int i = 0; i < 60; ++i) seeds += (i ? ", " : "") + std::to_string(i);
  const std::string sweep = dir.file("sweep.yaml"), folder = dir.file("out");
  test::write_file(sweep, "base:\n  name: many\n  seed: 3\n  replicates: 1\n  dose_levels: [1, 2]\n"
                          "  toxicity: {true_dlt_probabilities: [0.05, 0.10]}\n  output: {patients: false}\n"
                          "  designs:\n    - {name: 3+3, type: three_plus_three}\naxes:\n  seed: [" + seeds + "]\n");
  const auto ran = test::run_cli("sweep " + q(sweep) + " -o " + q(folder) + " --quiet");
  INFO(ran.output);
  REQUIRE(ran.exit_code == 0);
  const std::string out = dir.file("merged.h5");
  const Stopped s = interrupt(dir, {"merge", folder, "-o", out}, SIGTERM, 0);
  check_stopped(s, SIGTERM, "SIGTERM",
                "the merge was stopped; nothing was written to '" + out + "' and its temporary file was removed");
  CHECK_FALSE(std::filesystem::exists(out));
  CHECK_FALSE(test::has_temp_file(dir.path()));
  CHECK(test::run_cli("merge " + q(folder) + " -o " + q(out) + " --quiet").exit_code == 0);
}

TEST_CASE("merge_sweep: a stop request before a variant leaves no file", "[reliability]") {
  test::TempDir dir("merge-stop");
  const std::string sweep = test::safety_sweep(dir, "1, 2, 3", "20"), folder = dir.file("out");
  REQUIRE(test::run_cli("sweep " + q(sweep) + " -o " + q(folder) + " --quiet").exit_code == 0);
  int polls = 0;
  const std::string out = dir.file("merged.h5");
  CHECK_THROWS_AS(trial::merge_sweep(folder, out, false, [&] { return ++polls > 2; }), trial::Interrupted);
  CHECK(polls == 3);  // polled before each variant; the third said stop
  CHECK_FALSE(std::filesystem::exists(out));
  CHECK_FALSE(test::has_temp_file(dir.path()));
  CHECK(trial::merge_sweep(folder, out, false, [] { return false; }) == 3);
}

TEST_CASE("sweep: SIGTERM exits 143 and SIGHUP 129, each with its name in the message", "[reliability]") {
  const std::vector<std::pair<int, std::string>> signals{{SIGTERM, "SIGTERM"}, {SIGHUP, "SIGHUP"}};
  for (const auto& [sig, name] : signals) {
    test::TempDir dir("sweep-signal");
    const std::string sweep = test::safety_sweep(dir, "1, 2, 3, 4", test::long_replicates()), out = dir.file("out");
    const pid_t pid = test::spawn_cli({"sweep", sweep, "-o", out, "--threads", "1"}, dir.file("log"));
    REQUIRE(test::wait_until([&] { return test::count_with(out, ".done") >= 1; }, pid));
    ::kill(pid, sig);
    const test::ChildEnd end = test::wait_child(pid);
    const std::string log = test::read_all(dir.file("log"));
    INFO(log);
    REQUIRE(end.exited);
    CHECK(end.code == 128 + sig);
    CHECK(log.find("twinsim: interrupted by " + name + ": ") != std::string::npos);
    CHECK(log.find("continue with --resume") != std::string::npos);
    CHECK_FALSE(test::has_temp_file(out));
    CHECK(test::count_with(out, ".h5") == test::count_with(out, ".done"));
  }
}
