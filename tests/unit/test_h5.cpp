#include <catch2/catch.hpp>

#include <filesystem>

#include "test_support.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/core/h5.hpp"

using namespace twinsim;

TEST_CASE("H5Writer writes atomically and round-trips datasets and attributes", "[unit]") {
  test::TempDir dir("h5");
  const std::string path = dir.file("out.h5");
  {
    core::H5Writer w(path, false);
    w.write("/a/b/x", std::vector<double>{1.5, 2.5, 3.5});
    w.write("/a/m", std::vector<double>{1, 2, 3, 4, 5, 6}, {2, 3});
    w.write("/names", std::vector<std::string>{"alpha", "be"});
    w.write_scalar("/s", 4.25);
    w.create_table("/t", core::H5Writer::Type::kInt64, 0, 2);
    const std::int64_t rows1[] = {1, 2, 3};
    const std::int64_t rows2[] = {4};
    w.append("/t", rows1, 3);
    w.append("/t", rows2, 1);
    w.attribute("/", "who", std::string("twinsim"));
    w.attribute("/a/b/x", "scale", 2.0);
    // Nothing under the final name until commit.
    CHECK_FALSE(std::filesystem::exists(path));
    w.commit();
  }
  REQUIRE(std::filesystem::exists(path));
  core::H5Reader r(path);
  CHECK(r.read_doubles("/a/b/x") == std::vector<double>{1.5, 2.5, 3.5});
  CHECK(r.dims("/a/m") == std::vector<std::uint64_t>{2, 3});
  CHECK(r.read_strings("/names") == std::vector<std::string>{"alpha", "be"});
  CHECK(r.read_doubles("/s") == std::vector<double>{4.25});
  CHECK(r.read_ints("/t") == std::vector<std::int64_t>{1, 2, 3, 4});
  CHECK(r.attribute_string("/", "who") == "twinsim");
  CHECK(r.attribute_double("/a/b/x", "scale") == 2.0);
  CHECK(r.exists("/a/b"));
  CHECK_FALSE(r.exists("/nope/x"));
}

TEST_CASE("an abandoned writer leaves no file, and existing files need overwrite", "[unit]") {
  test::TempDir dir("h5b");
  const std::string path = dir.file("out.h5");
  {
    core::H5Writer w(path, false);
    w.write("/x", std::vector<double>{1});
  }  // destroyed without commit, as on an exception
  CHECK(std::filesystem::is_empty(dir.path()));
  test::write_file(path, "precious");
  CHECK_THROWS_AS(core::H5Writer(path, false), core::UsageError);
  {
    core::H5Writer w(path, true);
    w.commit();
  }
  CHECK(core::H5Reader(path).children("/").empty());
}

TEST_CASE("the reader refuses files that are not HDF5", "[unit]") {
  test::TempDir dir("h5c");
  test::write_file(dir.file("junk.h5"), "this is not hdf5");
  CHECK_THROWS_AS(core::H5Reader(dir.file("junk.h5")), core::RuntimeError);
  CHECK_THROWS_AS(core::H5Reader(dir.file("missing.h5")), core::RuntimeError);
}

TEST_CASE("H5IntColumn reads row blocks of a 1-D dataset and refuses ranges past its end", "[unit]") {
  test::TempDir dir("h5");
  const std::string path = dir.file("cols.h5");
  {
    core::H5Writer w(path, false);
    w.create_table("/t", core::H5Writer::Type::kInt64, 0, 4);  // chunks of 4 rows; blocks cross them
    std::vector<std::int64_t> rows(10);
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<std::int64_t>(10 * i);
    w.append("/t", rows.data(), rows.size());
    w.write("/m", std::vector<std::int64_t>{1, 2, 3, 4}, {2, 2});
    w.commit();
  }
  const core::H5Reader r(path);
  const core::H5IntColumn col(r, "/t");
  CHECK(col.rows() == 10);
  std::vector<std::int64_t> out;
  col.read(3, 4, out);
  CHECK(out == std::vector<std::int64_t>{30, 40, 50, 60});
  col.read(9, 1, out);
  CHECK(out == std::vector<std::int64_t>{90});
  col.read(10, 0, out);
  CHECK(out.empty());
  CHECK_THROWS_WITH(col.read(8, 3, out), Catch::Contains("rows 8..11 of '/t' are past its end (10 rows)"));
  CHECK_THROWS_WITH(core::H5IntColumn(r, "/m"), Catch::Contains("'/m' is not a 1-D dataset"));
  CHECK_THROWS_WITH(core::H5IntColumn(r, "/missing"), Catch::Contains("no dataset '/missing'"));
}
