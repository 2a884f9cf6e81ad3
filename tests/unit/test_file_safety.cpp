// [unit] core::FileLock (flock semantics the sweep folder relies on) and
// core::checked_output_path (what an output name may replace).
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "test_support.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/core/file_safety.hpp"

using namespace twinsim;
using core::FileLock;

TEST_CASE("FileLock: shared locks coexist, an exclusive one excludes both kinds, release frees it", "[unit]") {
  test::TempDir dir("file-lock");
  const std::string path = dir.file("x.lock");
  using Mode = FileLock::Mode;
  using Status = FileLock::Status;
  CHECK_FALSE(FileLock::held(path));  // no file yet
  {
    FileLock a(path, Mode::kShared), b(path, Mode::kShared);
    CHECK(a.status() == Status::kAcquired);
    CHECK(b.status() == Status::kAcquired);
    CHECK(FileLock::held(path));
    CHECK(FileLock(path, Mode::kExclusive).status() == Status::kBusy);
  }
  CHECK_FALSE(FileLock::held(path));
  {
    FileLock x(path, Mode::kExclusive);
    REQUIRE(x.status() == Status::kAcquired);
    CHECK(FileLock(path, Mode::kShared).status() == Status::kBusy);
    CHECK(FileLock(path, Mode::kExclusive).status() == Status::kBusy);
    x.describe_holder("twinsim sweep s.yaml -o out");
    const std::string who = FileLock::holder(path);
    CHECK(who.rfind("pid " + std::to_string(::getpid()) + " on host ", 0) == 0);
    CHECK(who.find(", started 20") != std::string::npos);
    CHECK(who.substr(who.size() - 27) == "twinsim sweep s.yaml -o out");
  }
  CHECK(FileLock(path, Mode::kExclusive).status() == Status::kAcquired);
  CHECK(FileLock::holder(dir.file("absent.lock")).empty());
}

TEST_CASE("FileLock: a lock file that is not a regular file is an error, not a lock", "[unit]") {
  test::TempDir dir("file-lock-kind");
  const std::string fifo = dir.file("fifo.lock");
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  CHECK_THROWS_WITH(FileLock(fifo, FileLock::Mode::kExclusive),
                    Catch::Contains("is a FIFO (named pipe), not a regular file"));
  std::filesystem::create_symlink(dir.file("elsewhere"), dir.file("link.lock"));
  CHECK_THROWS_AS(FileLock(dir.file("link.lock"), FileLock::Mode::kShared), core::RuntimeError);
  CHECK_FALSE(std::filesystem::exists(dir.file("elsewhere")));  // not created through the link
}

TEST_CASE("checked_output_path: absent or regular files pass, the rest is refused whatever overwrite says",
          "[unit]") {
  test::TempDir dir("checked-output");
  const std::string file = dir.file("a.h5"), input = dir.file("s.yaml");
  CHECK(core::checked_output_path(file, false) == file);  // absent
  test::write_file(file, "x");
  test::write_file(input, "y");
  CHECK_THROWS_WITH(core::checked_output_path(file, false), Catch::Contains("exists; pass --force"));
  CHECK(core::checked_output_path(file, true, {{"scenario file", input}}) == file);
  // The same file by another name: refused before the "exists" message, so
  // --force is never suggested for it.
  std::filesystem::create_hard_link(input, dir.file("h.yaml"));
  for (bool overwrite : {false, true})
    CHECK_THROWS_WITH(core::checked_output_path(dir.file("h.yaml"), overwrite, {{"scenario file", input}}),
                      Catch::Contains("is the scenario file '" + input + "' (the same file)"));
  // A link to a regular file resolves to it.
  std::filesystem::create_symlink(file, dir.file("l.h5"));
  CHECK(core::checked_output_path(dir.file("l.h5"), true) == std::filesystem::canonical(file).string());
  CHECK_THROWS_AS(core::checked_output_path(dir.path().string(), true), core::UsageError);
  CHECK(core::file_kind(S_IFDIR) == "a directory");
  CHECK(core::file_kind(S_IFSOCK) == "a socket");
  CHECK(core::file_kind(S_IFBLK) == "a block device");
}
