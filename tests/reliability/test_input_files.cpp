// [reliability] Input paths that are not regular files (a directory, a FIFO,
// a device) are refused with the reason before a byte is read, and never
// block; running out of memory says so, with how much was asked, exit 1.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "reliability_support.hpp"

using namespace twinsim;

namespace {

// A PK/PD scenario whose one fixed-arm trial keeps `patients` x `variables`
// time courses of 504 h on a grid of `grid_h` h.
std::string timecourse_scenario(int patients, const std::string& variables, const std::string& grid_h,
                                const std::string& population = "") {
  return "name: memory\ndose_levels: [100]\nmodel:\n  pk:\n    compartments: 1\n    absorption: first_order\n"
         "    parameters: {CL: 10, V: 50, KA: 1.0}\nregimen:\n  route: oral\n  interval_h: 24\n"
         "  doses_per_cycle: 21\n  cycle_length_h: 504\n" +
         population + "output:\n  timecourses: [" + variables + "]\n  grid_h: " + grid_h +
         "\ndesigns:\n  - {name: arm, type: fixed, dose: 100, patients: " + std::to_string(patients) + "}\n";
}

// The CLI under `timeout`: a command that blocks shows as exit 124.
test::CommandResult run_bounded(const std::string& args) {
  // --foreground: only the command is signalled, not the process group the
  // test runs in; -k: a process that ignores SIGTERM is killed after 5 s more.
  return test::run_command("timeout --foreground -k 5 20 " + test::quote(test::cli_path()) + " " + args);
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a scenario path that is a directory, FIFO or device is refused with the reason, without blocking",
          "[reliability]") {
  test::TempDir dir("input-files");
  const std::string fifo = dir.file("scenario.fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const std::string folder = dir.file("scenario.d");
  std::filesystem::create_directory(folder);
  // Before: a FIFO blocked `validate` and `run` until a writer came (forever
  // in a job script); a directory said "cannot read file"; /dev/zero was read
  // to the 16 MiB limit and called "NUL bytes".
  const struct {
    std::string path;
    std::string why;
  } cases[] = {{fifo, "is a FIFO (named pipe), not a regular file"},
               {folder, "is a directory, not a regular file"},
               {"/dev/zero", "is a character device, not a regular file"},
               {"/dev/null", "is a character device, not a regular file"}};
  for (const auto& c : cases) {
    for (const std::string command : {"validate", "run"}) {
      INFO(command << " " << c.path);
      const std::string out = dir.file("out.h5");
      const auto r = run_bounded(command + " " + test::quote(c.path) +
                                 (command == "run" ? " --quiet -o " + test::quote(out) : std::string()));
      INFO(r.output);
      CHECK(r.exit_code == 2);
      CHECK(contains(r.output, c.path + ": error: " + c.why));
      CHECK_FALSE(std::filesystem::exists(out));
    }
  }
  const auto missing = run_bounded("validate " + test::quote(dir.file("missing.yaml")));
  CHECK(missing.exit_code == 2);
  CHECK(contains(missing.output, "missing.yaml: error: does not exist"));
}

TEST_CASE("a sweep file or covariate CSV that is a FIFO is refused, without blocking", "[reliability]") {
  test::TempDir dir("input-files-fifo");
  const std::string fifo = dir.file("input.fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto sweep = run_bounded("sweep " + test::quote(fifo) + " -o " + test::quote(dir.file("out")) + " --quiet");
  INFO(sweep.output);
  CHECK(sweep.exit_code == 2);
  CHECK(contains(sweep.output, fifo + ": error: is a FIFO (named pipe), not a regular file"));

  const std::string yaml = dir.file("s.yaml");
  test::write_file(yaml, timecourse_scenario(3, "Cc", "1", "population:\n  csv: {file: input.fifo}\n"));
  const auto csv = run_bounded("validate " + test::quote(yaml));
  INFO(csv.output);
  CHECK(csv.exit_code == 2);
  CHECK(contains(csv.output,
                 "population.csv.file: covariate file '" + fifo + "' is a FIFO (named pipe), not a regular file"));
}

TEST_CASE("a trial that cannot fit in memory is refused before the run, with what it needs", "[reliability]") {
  test::TempDir dir("memory-preflight");
  const std::string yaml = dir.file("s.yaml"), out = dir.file("out.h5");
  // 100,000 patients x 2 time courses x 504,001 points: 751 GiB in one trial.
  test::write_file(yaml, timecourse_scenario(100000, "Cc, AUC", "0.001"));
  // An address-space limit makes "available" the same on every machine
  // (except under ASan, which needs terabytes of address space for itself).
  const std::string limit = test::kAddressSanitizer ? "" : "ulimit -v 2000000; ";
  const auto r = test::run_command(limit + "exec timeout --foreground -k 5 60 " + test::quote(test::cli_path()) +
                                   " run " + test::quote(yaml) + " --quiet -o " + test::quote(out));
  INFO(r.output);
  // Before: "twinsim: error: std::bad_alloc" after filling the limit, or
  // without a limit the kernel's OOM killer.
  CHECK(r.exit_code == 1);
  CHECK(contains(r.output,
                 "twinsim: error: out of memory: one trial of design 'arm' needs about 751.0 GiB (up to 100000 "
                 "patients x 2 time courses x 504001 time points x 8 bytes); "));
  CHECK(contains(r.output, "store fewer output.timecourses, use a coarser output.grid_h, or fewer patients"));
  CHECK_FALSE(std::filesystem::exists(out));
  CHECK_FALSE(test::has_temp_file(dir.path()));
}

TEST_CASE("running out of memory says so and how much was asked, exit 1, no file left", "[reliability]") {
  if (test::kAddressSanitizer) {
    WARN("skipped under AddressSanitizer: an address-space limit breaks its shadow memory");
    return;
  }
  test::TempDir dir("memory-out");
  const std::string yaml = dir.file("s.yaml"), out = dir.file("out.h5");
  // One trial of 2,000 patients x 50,401 points: 806 MB, under the 1 GiB
  // below which nothing is checked before the run; 390 MiB of address space.
  test::write_file(yaml, timecourse_scenario(2000, "Cc", "0.01"));
  const auto r = test::run_command("ulimit -v 400000; exec " + test::quote(test::cli_path()) + " run " +
                                   test::quote(yaml) + " --quiet --threads 1 -o " + test::quote(out));
  INFO(r.output);
  CHECK(r.exit_code == 1);
  // Before: "twinsim: error: std::bad_alloc".
  CHECK(contains(r.output, "twinsim: error: out of memory: a request for "));
  CHECK(contains(r.output, " could not be met (the address-space limit, ulimit -v, is 390.6 MiB)"));
  CHECK_FALSE(contains(r.output, "bad_alloc"));
  CHECK_FALSE(std::filesystem::exists(out));
  CHECK_FALSE(test::has_temp_file(dir.path()));
}
