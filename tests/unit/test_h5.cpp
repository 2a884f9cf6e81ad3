#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
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

namespace {
// Values like simulation output: smooth, varied exponents, a NaN (failed solve).
std::vector<double> smooth_rows(std::size_t rows, std::size_t width, double phase) {
  std::vector<double> v(rows * width);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = 5.0 * std::exp(-0.01 * static_cast<double>(i)) + std::sin(phase + static_cast<double>(i));
  v[rows * width / 2] = std::nan("");
  return v;
}
}  // namespace

TEST_CASE("chunks compressed outside libhdf5 read back exactly and are no larger than libhdf5's own", "[unit]") {
  test::TempDir dir("h5chunk");
  constexpr std::size_t kWidth = 505, kRows = 129;  // the W1 time-course chunk: 129 patients x 505 h
  std::uint64_t state = 12345;
  const auto noise = [&state] {  // full-entropy mantissas, as in the low bytes of simulation output
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(state >> 11) * 0x1.0p-53;
  };
  struct Case {
    const char* name;
    std::vector<double> data;
  };
  std::vector<Case> cases = {{"smooth", smooth_rows(kRows, kWidth, 0.3)},
                             {"constant", std::vector<double>(kRows * kWidth, 5.0)},
                             {"noise", std::vector<double>(kRows * kWidth)}};
  for (auto& x : cases[2].data) x = noise();
  for (int level : {1, 4, 9}) {
    for (const auto& c : cases) {
      INFO(c.name << " at level " << level);
      const std::string ours = dir.file(std::string(c.name) + std::to_string(level) + "-ours.h5");
      const std::string lib = dir.file(std::string(c.name) + std::to_string(level) + "-lib.h5");
      {
        core::H5Writer w(ours, false);
        w.set_compression(level);
        w.create_table("/t", core::H5Writer::Type::kFloat64, kWidth, kRows);
        std::vector<core::CompressedChunk> chunk(1);
        std::vector<unsigned char> scratch;
        core::compress_chunk(c.data.data(), c.data.size(), level, scratch, chunk[0].bytes);
        w.append_chunks("/t", kRows, chunk);
        w.commit();
        core::H5Writer l(lib, false);
        l.set_compression(level);
        l.create_table("/t", core::H5Writer::Type::kFloat64, kWidth, kRows);
        l.append("/t", c.data.data(), kRows);
        l.commit();
      }
      const core::H5Reader r(ours);
      const auto back = r.read_doubles("/t");
      REQUIRE(back.size() == c.data.size());
      CHECK(std::memcmp(back.data(), c.data.data(), back.size() * sizeof(double)) == 0);  // NaN included
      const double our_bytes = static_cast<double>(r.raw_chunk("/t", 0).size());
      const double lib_bytes = static_cast<double>(core::H5Reader(lib).raw_chunk("/t", 0).size());
      INFO("ours " << our_bytes << " B, libhdf5 " << lib_bytes << " B, raw " << 8.0 * kRows * kWidth << " B");
      // Stored planes cost at most what deflate would have saved on them (3 %
      // of a plane) plus block headers; the compressible planes are deflated alike.
      CHECK(our_bytes <= lib_bytes * 1.03 + 64);
      if (std::string(c.name) == "constant") CHECK(our_bytes < 0.01 * 8.0 * kRows * kWidth);
    }
  }
}

TEST_CASE("append_chunks stores whole chunks that read back as the values, then plain rows", "[unit]") {
  test::TempDir dir("h5chunk2");
  const std::string path = dir.file("out.h5");
  constexpr std::size_t kWidth = 11, kRows = 4;
  const auto data = smooth_rows(3 * kRows + 3, kWidth, 0.5);  // three whole chunks and a partial one
  {
    core::H5Writer w(path, false);
    w.set_compression(1);
    w.create_table("/t", core::H5Writer::Type::kFloat64, kWidth, kRows);
    std::vector<core::CompressedChunk> chunks(3);
    std::vector<unsigned char> scratch;
    for (std::size_t c = 0; c < 3; ++c) {
      chunks[c].first_row = c * kRows;
      core::compress_chunk(data.data() + c * kRows * kWidth, kRows * kWidth, 1, scratch, chunks[c].bytes);
    }
    w.append_chunks("/t", kRows, {chunks[0]});
    // A chunk that does not continue the table is refused, not written over.
    CHECK_THROWS_AS(w.append_chunks("/t", kRows, {chunks[0]}), core::RuntimeError);
    CHECK_THROWS_AS(w.append_chunks("/t", kRows, {chunks[2]}), core::RuntimeError);
    w.append_chunks("/t", kRows, {chunks[1], chunks[2]});
    w.append("/t", data.data() + 3 * kRows * kWidth, 3);
    // After a partial chunk, whole chunks no longer line up.
    CHECK_THROWS_AS(w.append_chunks("/t", kRows, {chunks[0]}), core::RuntimeError);
    w.commit();
  }
  core::H5Reader r(path);
  CHECK(r.dims("/t") == std::vector<std::uint64_t>{3 * kRows + 3, kWidth});
  const auto back = r.read_doubles("/t");
  REQUIRE(back.size() == data.size());
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (std::isnan(data[i]))
      CHECK(std::isnan(back[i]));
    else
      CHECK(back[i] == data[i]);
  }
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
