// [e2e] The install step (README "Installing"): `cmake --install` into a
// prefix gives a working PREFIX/bin/twinsim, and `make install PREFIX=...`
// installs there too.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "test_support.hpp"

using namespace twinsim;

TEST_CASE("cmake --install puts a working twinsim into PREFIX/bin", "[e2e]") {
  test::TempDir dir("install");
  const std::string prefix = dir.file("prefix with space");
  const auto inst = test::run_command(test::quote(TWINSIM_CMAKE_COMMAND) + " --install " +
                                      test::quote(TWINSIM_BINARY_DIR) + " --prefix " + test::quote(prefix));
  INFO(inst.output);
  REQUIRE(inst.exit_code == 0);
  const std::string bin = prefix + "/bin/twinsim";
  REQUIRE(std::filesystem::is_regular_file(bin));
  // Run from elsewhere by PATH, as a job script would.
  const auto v = test::run_command("cd / && PATH=" + test::quote(prefix + "/bin") + ":/usr/bin:/bin twinsim --version");
  INFO(v.output);
  CHECK(v.exit_code == 0);
  CHECK(v.output == test::run_cli("--version").output);
  CHECK(v.output.rfind("twinsim ", 0) == 0);
  const auto run = test::run_command(test::quote(bin) + " validate " +
                                     test::quote(test::source_dir() + "/configs/design_only_3p3_boin_crm.yaml"));
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(std::filesystem::is_regular_file(prefix + "/share/doc/twinsim/hpc.md"));
}

TEST_CASE("make install takes its prefix from PREFIX", "[e2e]") {
  // A dry run: the real one would configure and build again first.
  const auto r = test::run_command("make -n -C " + test::quote(test::source_dir()) + " install PREFIX=/opt/twinsim-x " +
                                   "BUILD_DIR=" + test::quote(TWINSIM_BINARY_DIR));
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("cmake --install " + std::string(TWINSIM_BINARY_DIR) + " --prefix /opt/twinsim-x") !=
        std::string::npos);
}

TEST_CASE("a project outside twinsim finds the installed package and links it", "[e2e]") {
  // install(EXPORT): PREFIX/lib/cmake/twinsim, found by find_package(twinsim).
  test::TempDir dir("package");
  const std::string prefix = dir.file("prefix");
  const std::string cmake = test::quote(TWINSIM_CMAKE_COMMAND);
  const auto inst =
      test::run_command(cmake + " --install " + test::quote(TWINSIM_BINARY_DIR) + " --prefix " + test::quote(prefix));
  INFO(inst.output);
  REQUIRE(inst.exit_code == 0);
  CHECK(std::filesystem::is_regular_file(prefix + "/lib/cmake/twinsim/twinsimConfig.cmake"));
  CHECK(std::filesystem::is_regular_file(prefix + "/include/twinsim/trial/io/schema.hpp"));

  const std::string build = dir.file("build");
  const auto conf = test::run_command(cmake + " -S " + test::quote(test::source_dir() + "/tests/e2e/package_consumer") +
                                      " -B " + test::quote(build) + " -DCMAKE_BUILD_TYPE=Release" +
                                      " -DCMAKE_PREFIX_PATH=" + test::quote(prefix));
  INFO(conf.output);
  REQUIRE(conf.exit_code == 0);
  const auto make = test::run_command(cmake + " --build " + test::quote(build));
  INFO(make.output);
  REQUIRE(make.exit_code == 0);

  const std::string out = dir.file("consumer.h5");
  const auto run = test::run_command(test::quote(build + "/consumer") + " " + test::quote(out));
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  // 40 trials of BOIN with at most 12 patients each.
  std::string design;
  long long trials = 0, patients = 0;
  std::istringstream in(run.output);
  in >> design >> trials >> patients;
  CHECK(design == "boin");
  CHECK(trials == 40);
  CHECK(patients > 0);
  CHECK(patients <= 40 * 12);
}
