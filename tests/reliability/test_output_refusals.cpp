// [reliability] What an output name may replace (issue 13, items 6 and 7):
// only a regular file that is none of the command's inputs. A device, FIFO,
// socket or directory under -o, or a symbolic link to one, is refused with or
// without --force (as root, `-o /dev/null --force` used to replace the
// device node); so is -o naming the scenario, the population CSV or a file a
// merge reads, compared by device and inode (./a.yaml, a hard link, a
// symbolic link). Each refusal: exit 2, one line, the file untouched.
#include <catch2/catch.hpp>

#include <sys/sysmacros.h>

#include "file_safety_support.hpp"
#include "twinsim/core/h5.hpp"

using namespace twinsim;

namespace {

std::string q(const std::string& s) { return test::quote(s); }

test::CommandResult run_to(const std::string& yaml, const std::string& out, const std::string& extra) {
  return test::run_cli("run " + q(yaml) + " -o " + q(out) + " --quiet" + extra);
}

// out is refused with and without --force, stays of the same type, and no
// temporary file is left beside it.
void check_refused(const std::string& yaml, const std::string& out, const std::string& why) {
  const unsigned type = test::file_type(out);
  for (const char* extra : {"", " --force"}) {
    const auto r = run_to(yaml, out, extra);
    INFO(out << extra << ": " << r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.rfind("twinsim: error: output '" + out + "' is ", 0) == 0);
    CHECK(r.output.find(why) != std::string::npos);
    CHECK(test::file_type(out) == type);
  }
  CHECK_FALSE(test::has_temp_file(std::filesystem::path(out).parent_path()));
}

}  // namespace

TEST_CASE("run: a FIFO, socket, directory or link to a device as -o is refused with or without --force",
          "[reliability]") {
  test::TempDir dir("out-kinds");
  const std::string yaml = dir.file("s.yaml");
  test::write_file(yaml, test::kSafetyScenario);
  const std::string fifo = dir.file("fifo.h5"), sock = dir.file("sock.h5"), sub = dir.file("sub.h5"),
                    dev = dir.file("null.h5"), dangling = dir.file("dangling.h5");
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  const int fd = test::make_socket(sock);
  REQUIRE(fd >= 0);
  std::filesystem::create_directory(sub);
  std::filesystem::create_symlink("/dev/null", dev);
  std::filesystem::create_symlink(dir.file("nowhere.h5"), dangling);
  check_refused(yaml, fifo, "a FIFO (named pipe), not a regular file; twinsim replaces only regular files");
  check_refused(yaml, sock, "a socket, not a regular file");
  check_refused(yaml, sub, "a directory, not a regular file");
  check_refused(yaml, dev, "a symbolic link to '/dev/null', a character device, not a regular file");
  check_refused(yaml, dangling, "which does not exist");
  ::close(fd);
  // A device node itself (root can make one; elsewhere the link above stands in).
  const std::string node = dir.file("node.h5");
  if (::mknod(node.c_str(), S_IFCHR | 0600, makedev(1, 3)) == 0) {
    check_refused(yaml, node, "a character device, not a regular file");
    CHECK(test::file_type(node) == S_IFCHR);
  } else {
    WARN("mknod not permitted here: the device node case is covered by the link to /dev/null only");
  }
}

TEST_CASE("run: a symbolic link to a regular file is written through and stays a link", "[reliability]") {
  test::TempDir dir("out-link");
  const std::string yaml = dir.file("s.yaml"), target = dir.file("target.h5"), link = dir.file("link.h5");
  test::write_file(yaml, test::kSafetyScenario);
  test::write_file(target, "old results");
  std::filesystem::create_symlink(target, link);
  const auto refused = run_to(yaml, link, "");
  CHECK(refused.exit_code == 2);
  CHECK(refused.output.find("exists; pass --force") != std::string::npos);
  const auto r = run_to(yaml, link, " --force --seed 5");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(std::filesystem::is_symlink(link));
  CHECK(core::H5Reader(target).attribute_int("/", "seed") == 5);
  CHECK_FALSE(test::has_temp_file(dir.path()));
}

TEST_CASE("run: -o naming the scenario (any spelling, hard or symbolic link) or the population CSV is refused",
          "[reliability]") {
  test::TempDir dir("out-input");
  const std::string yaml = dir.file("s.yaml"), csv = dir.file("cov.csv");
  test::write_file(yaml, test::kSafetyScenario);
  std::filesystem::create_hard_link(yaml, dir.file("hard.yaml"));
  std::filesystem::create_symlink(yaml, dir.file("soft.yaml"));
  const std::string text = test::read_all(yaml);
  const std::string cd = "cd " + q(dir.path().string()) + " && " + q(test::cli_path());
  for (const std::string& out :
       std::vector<std::string>{"s.yaml", "./s.yaml", "hard.yaml", "soft.yaml", dir.file("s.yaml")}) {
    const auto r = test::run_command(cd + " run s.yaml -o " + q(out) + " --quiet --force");
    INFO(out << ": " << r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("is the scenario file 's.yaml' (the same file); twinsim never writes over one of its "
                        "inputs, with or without --force") != std::string::npos);
    CHECK(test::read_all(yaml) == text);
  }
  // The population CSV is known only once the scenario is read: refused by
  // the result writer, before anything is simulated.
  test::write_file(csv, "WT,AGE\n70,50\n80,60\n");
  const std::string pk = dir.file("pk.yaml");
  test::write_file(pk, R"(name: csv-input
seed: 1
replicates: 2
dose_levels: [100]
model:
  pk: {compartments: 1, absorption: none, elimination: linear, parameters: {CL: 10, V: 50}}
population:
  csv: {file: cov.csv}
regimen: {route: iv_bolus, interval_h: 24, doses_per_cycle: 1, cycle_length_h: 24, cycles: 1}
designs:
  - {name: arm, type: fixed, dose: 100, patients: 2}
)");
  const std::string before = test::read_all(csv);
  const auto r = run_to(pk, csv, " --force");
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("is the population CSV (population.csv.file)") != std::string::npos);
  CHECK(test::read_all(csv) == before);
  CHECK_FALSE(test::has_temp_file(dir.path()));
  REQUIRE(run_to(pk, dir.file("ok.h5"), "").exit_code == 0);  // the scenario itself is fine
}

TEST_CASE("merge: -o naming a variant's file, its marker, the manifest or a FIFO is refused with --force",
          "[reliability]") {
  test::TempDir dir("merge-out");
  const std::string sweep = test::safety_sweep(dir, "11, 12", "50"), out = dir.file("out");
  const auto ran = test::run_cli("sweep " + q(sweep) + " -o " + q(out) + " --quiet");
  INFO(ran.output);
  REQUIRE(ran.exit_code == 0);
  const auto h5 = test::files_in(out, ".h5");
  const auto done = test::files_in(out, ".done");
  REQUIRE(h5.size() == 2);
  const std::string fifo = dir.file("fifo.h5");
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  std::filesystem::create_hard_link(h5[1], dir.file("hard.h5"));
  const std::vector<std::pair<std::string, std::string>> cases{
      {h5[0], "is the result file of variant "},
      {dir.file("hard.h5"), "is the result file of variant "},
      {done[0], "is the completion marker of variant "},
      {out + "/manifest.tsv", "is the sweep manifest"},
      {out, "is a directory, not a regular file"},
      {fifo, "is a FIFO (named pipe), not a regular file"}};
  for (const auto& [target, why] : cases) {
    const std::string before = std::filesystem::is_regular_file(target) ? test::read_all(target) : "";
    const auto r = test::run_cli("merge " + q(out) + " -o " + q(target) + " --force");
    INFO(target << ": " << r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(why) != std::string::npos);
    if (!before.empty()) CHECK(test::read_all(target) == before);
  }
  CHECK(test::file_type(fifo) == S_IFIFO);
  CHECK_FALSE(test::has_temp_file(out));
  CHECK(test::run_cli("merge " + q(out) + " -o " + q(dir.file("m.h5")) + " --quiet").exit_code == 0);
}

TEST_CASE("sweep: a variant's file that is a FIFO or a directory is refused with --resume and with --force",
          "[reliability]") {
  test::TempDir dir("sweep-kinds");
  const std::string sweep = test::safety_sweep(dir, "11, 12", "50"), out = dir.file("out");
  REQUIRE(test::run_cli("sweep " + q(sweep) + " -o " + q(out) + " --quiet").exit_code == 0);
  const auto h5 = test::files_in(out, ".h5");
  REQUIRE(h5.size() == 2);
  for (int kind = 0; kind < 2; ++kind) {
    std::filesystem::remove(h5[0]);
    std::filesystem::remove(h5[0].substr(0, h5[0].size() - 3) + ".done");
    if (kind == 0) REQUIRE(::mkfifo(h5[0].c_str(), 0644) == 0);
    if (kind == 1) std::filesystem::create_directories(h5[0] + "/inside");
    const unsigned type = test::file_type(h5[0]);
    for (const char* flag : {" --resume", " --force"}) {
      const auto r = test::run_cli("sweep " + q(sweep) + " -o " + q(out) + " --quiet" + flag);
      INFO(kind << flag << ": " << r.output);
      CHECK(r.exit_code == 2);
      CHECK(r.output.find("' is " + std::string(kind == 0 ? "a FIFO (named pipe)" : "a directory") +
                          ", not a regular file; twinsim does not remove or replace it") != std::string::npos);
      CHECK(test::file_type(h5[0]) == type);
    }
    std::filesystem::remove_all(h5[0]);
  }
  CHECK(test::run_cli("sweep " + q(sweep) + " -o " + q(out) + " --quiet --resume").exit_code == 0);
  CHECK(test::count_with(out, ".done") == 2);
}
