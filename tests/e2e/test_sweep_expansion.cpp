// [e2e] Expanding a large sweep (every variant is built and validated before
// anything runs) answers SIGTERM and SIGINT at once: exit 130, nothing written.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "sweep_support.hpp"
#include "test_support.hpp"

using namespace twinsim;

TEST_CASE("sweep: a signal during expansion stops it at once, before the output folder exists", "[e2e]") {
  test::TempDir dir("sweep-expand-signal");
  // 6000 variants with a CRM design: seconds of expansion (~0.5 ms per variant).
  std::string seeds;
  for (int i = 0; i < 6000; ++i) seeds += (i ? ", " : "") + std::to_string(i + 1);
  const std::string sweep = dir.file("big.yaml");
  test::write_file(sweep, "base:\n"
                          "  name: big\n"
                          "  replicates: 10\n"
                          "  dose_levels: [1, 2, 3, 4, 5]\n"
                          "  toxicity: {true_dlt_probabilities: [0.05, 0.10, 0.20, 0.30, 0.50]}\n"
                          "  designs:\n"
                          "    - {name: crm, type: crm, target: 0.3, skeleton: [0.05, 0.12, 0.25, 0.40, 0.55]}\n"
                          "axes:\n"
                          "  seed: [" + seeds + "]\n");
  for (const int sig : {SIGTERM, SIGINT}) {
    INFO("signal " << sig);
    const std::string out = dir.file("out-" + std::to_string(sig));
    const std::string log = dir.file("log-" + std::to_string(sig));
    const pid_t pid = test::spawn_cli({"sweep", sweep, "-o", out, "--quiet"}, log);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // past start-up, well inside the expansion
    const auto t0 = std::chrono::steady_clock::now();
    ::kill(pid, sig);
    const int code = test::wait_exit_code(pid);
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::ifstream in(log);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    INFO(text);
    CHECK(code == 128 + sig);  // 143 SIGTERM, 130 SIGINT, as run and merge
    CHECK(waited < 1.0);  // one variant's build, not the remaining thousands
    CHECK(text.find("twinsim: interrupted while expanding the sweep; nothing was written") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(out));
  }
}
