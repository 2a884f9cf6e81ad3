// A small HDF5 layer: core/src/h5_*.cpp are the only files that include hdf5.h.
//
// H5Writer writes to a temporary file next to the final path and renames it
// into place on commit(), so a crash, a full disk or an exception never leaves
// a truncated file under the final name. Call all methods from one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "twinsim/core/file_safety.hpp"
#include "twinsim/core/h5_chunk.hpp"

namespace twinsim::core {

class H5Writer {
 public:
  // Fails with UsageError if final_path exists and !overwrite, or, whatever
  // overwrite says, if it is not a regular file or is one of `inputs`
  // (core::checked_output_path; a symbolic link is written through);
  // RuntimeError if the temporary file cannot be created.
  H5Writer(const std::string& final_path, bool overwrite, std::vector<InputFile> inputs = {});
  ~H5Writer();  // removes the temporary file unless commit() succeeded
  H5Writer(const H5Writer&) = delete;
  H5Writer& operator=(const H5Writer&) = delete;

  // Datasets; intermediate groups are created. dims empty = 1-D of data.size().
  // Arrays with more than `chunk_threshold` elements are chunked and deflated.
  void write(const std::string& path, const std::vector<double>& data,
             const std::vector<std::uint64_t>& dims = {});
  void write(const std::string& path, const std::vector<std::int64_t>& data,
             const std::vector<std::uint64_t>& dims = {});
  void write(const std::string& path, const std::vector<std::string>& data);
  void write_scalar(const std::string& path, double value);
  void write_scalar(const std::string& path, std::int64_t value);
  void create_group(const std::string& path);

  // Extendible, chunked, compressed datasets filled block by block, so results
  // stream to disk instead of being held whole. width 0 makes a 1-D dataset;
  // width w > 0 makes a [rows, w] dataset. append() adds whole rows.
  enum class Type { kFloat64, kInt64 };
  // Deflate level 0-9 of datasets created from now on (0: no filters). Level 1
  // by default: higher levels cost several times the CPU for a few percent
  // smaller files on simulation output.
  void set_compression(int level);
  void create_table(const std::string& path, Type type, std::uint64_t width, std::uint64_t chunk_rows);
  void append(const std::string& path, const double* data, std::uint64_t rows);
  void append(const std::string& path, const std::int64_t* data, std::uint64_t rows);
  // Appends whole chunks compressed by compress_chunk() at compression() to a
  // float64 table of chunk_rows-row chunks, extending it by chunk_rows rows per
  // chunk. The table must end on a chunk boundary and chunks[0].first_row
  // must be its current row count, so a partial chunk can only come last
  // (through append()).
  void append_chunks(const std::string& path, std::uint64_t chunk_rows, const std::vector<CompressedChunk>& chunks);
  int compression() const { return compression_; }

  // Attributes on an existing object ("/" for the root).
  void attribute(const std::string& object, const std::string& name, const std::string& value);
  void attribute(const std::string& object, const std::string& name, double value);
  void attribute(const std::string& object, const std::string& name, std::int64_t value);

  // Flushes, closes and atomically renames to the final path.
  void commit();

  const std::string& temp_path() const { return temp_path_; }

 private:
  std::int64_t file_ = -1;
  std::string final_path_;
  std::string temp_path_;
  bool overwrite_ = false;
  std::vector<InputFile> inputs_;
  bool committed_ = false;
  int compression_ = 1;
};

class H5Column;

// Read access for report/compare and for tests.
class H5Reader {
 public:
  explicit H5Reader(const std::string& path);  // RuntimeError if not a readable HDF5 file
  ~H5Reader();
  H5Reader(const H5Reader&) = delete;
  H5Reader& operator=(const H5Reader&) = delete;

  bool exists(const std::string& path) const;
  std::vector<std::string> children(const std::string& group) const;
  std::vector<std::uint64_t> dims(const std::string& path) const;
  // True for an integer dataset (copying keeps int64 as int64).
  bool is_integer(const std::string& path) const;
  std::vector<double> read_doubles(const std::string& path) const;
  std::vector<std::int64_t> read_ints(const std::string& path) const;
  std::vector<std::string> read_strings(const std::string& path) const;
  std::string attribute_string(const std::string& object, const std::string& name) const;
  double attribute_double(const std::string& object, const std::string& name) const;
  std::int64_t attribute_int(const std::string& object, const std::string& name) const;
  bool has_attribute(const std::string& object, const std::string& name) const;
  // The stored (filtered) bytes of the chunk that starts at row `first_row`
  // of a chunked table, as in the file; for tests of H5Writer::append_chunks.
  std::vector<unsigned char> raw_chunk(const std::string& path, std::uint64_t first_row) const;
  const std::string& path() const { return path_; }

 private:
  friend class H5Column;
  std::int64_t file_ = -1;
  std::string path_;
};

// One 1-D dataset of an open file read as int64 or float64 in blocks of rows, so that
// report/compare can summarise tables of any length in bounded memory. The
// dataset is opened and checked once (the same corrupt-chunk checks as the
// whole-dataset reads above); the H5Reader must outlive the column.
class H5Column {
 public:
  // RuntimeError if the dataset is missing, not 1-D or corrupt.
  H5Column(const H5Reader& file, const std::string& path);
  ~H5Column();
  H5Column(const H5Column&) = delete;
  H5Column& operator=(const H5Column&) = delete;

  std::uint64_t rows() const { return rows_; }
  // Rows [first, first + n) into out (resized to n). RuntimeError if the
  // range goes past the end or the rows cannot be read as integers.
  void read(std::uint64_t first, std::uint64_t n, std::vector<std::int64_t>& out) const;
  // The same as float64 (an integer column converts).
  void read(std::uint64_t first, std::uint64_t n, std::vector<double>& out) const;

 private:
  std::int64_t dataset_ = -1;
  std::uint64_t rows_ = 0;
  std::string file_path_;
  std::string path_;
};

// The name the trial tables' readers use for their integer columns.
using H5IntColumn = H5Column;

}  // namespace twinsim::core
