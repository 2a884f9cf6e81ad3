// [reliability] `twinsim simulate --data -o OUT.h5` writes its file as `run -o`
// does (issue 15 item 5): an existing file is replaced only with --force; a
// device, FIFO or directory, the scenario or the data set itself never, with
// or without --force; a simulation that fails, a data set refused while
// simulating or a full disk leave no file under the final name and no
// temporary file beside it.
#include <catch2/catch.hpp>

#include <filesystem>

#include "file_safety_support.hpp"
#include "twinsim/core/h5.hpp"

using namespace twinsim;

namespace {

std::string q(const std::string& s) { return test::quote(s); }

const char* kModel =
    "name: simulate-safety\ndose_levels: [100]\nmodel:\n"
    "  pk: {compartments: 1, absorption: first_order, parameters: {CL: 10, V: 50, KA: 1}}\n"
    "regimen: {route: oral, interval_h: 24, doses_per_cycle: 1, cycle_length_h: 24}\n"
    "designs:\n  - {name: arm, type: fixed, dose: 100, patients: 1}\n";

const char* kData = "ID,TIME,AMT,CMT,EVID\n1,0,100,1,1\n1,2,0,2,0\n1,4,0,2,0\n";

struct Files {
  test::TempDir dir{"simulate-out"};
  std::string yaml = dir.file("m.yaml"), csv = dir.file("d.csv");
  Files() {
    test::write_file(yaml, kModel);
    test::write_file(csv, kData);
  }
  test::CommandResult simulate(const std::string& out, const std::string& extra = "",
                               const std::string& data = "") const {
    return test::run_cli("simulate " + q(yaml) + " --data " + q(data.empty() ? csv : data) + " -o " + q(out) + extra);
  }
};

}  // namespace

TEST_CASE("simulate -o: an existing file is replaced only with --force", "[reliability][simulate]") {
  const Files f;
  const std::string out = f.dir.file("out.h5");
  test::write_file(out, "old results");
  const auto refused = f.simulate(out);
  INFO(refused.output);
  CHECK(refused.exit_code == 2);
  CHECK(refused.output == "twinsim: error: output file '" + out + "' exists; pass --force to overwrite it\n");
  CHECK(test::read_all(out) == "old results");
  const auto r = f.simulate(out, " --force");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(core::H5Reader(out).read_doubles("/simulate/observations/TIME") == std::vector<double>{2, 4});
  CHECK_FALSE(test::has_temp_file(f.dir.path()));
}

TEST_CASE("simulate -o: a FIFO, directory, link to a device, the scenario or the data set is refused with --force",
          "[reliability][simulate]") {
  const Files f;
  const std::string fifo = f.dir.file("fifo.h5"), sub = f.dir.file("sub.h5"), dev = f.dir.file("null.h5");
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  std::filesystem::create_directory(sub);
  std::filesystem::create_symlink("/dev/null", dev);
  std::filesystem::create_hard_link(f.csv, f.dir.file("hard.csv"));
  const std::vector<std::pair<std::string, std::string>> cases{
      {fifo, "is a FIFO (named pipe), not a regular file"},
      {sub, "is a directory, not a regular file"},
      {dev, "is a symbolic link to '/dev/null', a character device, not a regular file"},
      {f.yaml, "is the scenario file '" + f.yaml + "' (the same file)"},
      {f.csv, "is the data set '" + f.csv + "' (the same file)"},
      {f.dir.file("hard.csv"), "is the data set '" + f.csv + "' (the same file)"},
  };
  for (const auto& [out, why] : cases) {
    const unsigned type = test::file_type(out);
    for (const char* extra : {"", " --force"}) {
      const auto r = f.simulate(out, extra);
      INFO(out << extra << ": " << r.output);
      CHECK(r.exit_code == 2);
      CHECK(r.output.rfind("twinsim: error: output '" + out + "' ", 0) == 0);
      CHECK(r.output.find(why) != std::string::npos);
      CHECK(test::file_type(out) == type);
    }
  }
  CHECK(test::read_all(f.csv) == kData);
  CHECK(test::read_all(f.yaml) == kModel);
  CHECK_FALSE(test::has_temp_file(f.dir.path()));
}

TEST_CASE("simulate -o: a data set refused while simulating leaves no file and an existing one untouched",
          "[reliability][simulate]") {
  const Files f;
  // SS 2 passes the reader and is refused by the simulation itself.
  const std::string bad = f.dir.file("ss2.csv"), out = f.dir.file("out.h5"), old = f.dir.file("old.h5");
  test::write_file(bad, "ID,TIME,AMT,CMT,II,SS\n1,0,100,1,24,0\n1,24,100,1,24,2\n1,30,0,2,0,0\n");
  const auto r = f.simulate(out, "", bad);
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find(bad + ":3:") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out));
  REQUIRE(f.simulate(old).exit_code == 0);
  const std::string before = test::read_all(old);
  CHECK(f.simulate(old, " --force", bad).exit_code == 2);
  CHECK(test::read_all(old) == before);
  CHECK_FALSE(test::has_temp_file(f.dir.path()));
}

TEST_CASE("simulate -o: a file-size limit (full disk) exits 1 and leaves no file", "[reliability][simulate]") {
  const Files f;
  // 20000 observations: about 1 MB of columns, past a 64 KiB limit.
  std::string big = "ID,TIME,AMT,CMT,EVID\n1,0,100,1,1\n";
  for (int j = 1; j <= 20000; ++j) big += "1," + std::to_string(j * 0.01) + ",0,2,0\n";
  const std::string data = f.dir.file("big.csv"), out = f.dir.file("out.h5");
  test::write_file(data, big);
  const auto r = test::run_command("bash -c " + q("ulimit -f 64; exec " + test::cli_path() + " simulate " + f.yaml +
                                                  " --data " + data + " -o " + out));
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("File too large") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out));
  CHECK_FALSE(test::has_temp_file(f.dir.path()));
  CHECK(f.simulate(out, "", data).exit_code == 0);  // the limit, not the data set, failed it
  CHECK(std::filesystem::file_size(out) > 64 * 1024);
}
