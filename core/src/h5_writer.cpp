// Writing HDF5 result files (C API, 1.10+); see h5_detail.hpp.
#include "twinsim/core/h5.hpp"

#include <hdf5.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fcntl.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <stdexcept>

#include "twinsim/core/config.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/core/file_safety.hpp"
#include "h5_detail.hpp"

namespace twinsim::core {

using namespace h5detail;

namespace {

// Data and name durable before a caller (e.g. a sweep's completion marker)
// relies on the file: rename alone does not order the data writes before it.
void sync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) return;  // best effort: a failure to sync is not a failure to write
  (void)::fsync(fd);
  ::close(fd);
}
std::string folder_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string(".") : (slash == 0 ? std::string("/") : path.substr(0, slash));
}

hid_t link_create_plist() {
  quiet_hdf5_errors();
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  return lcpl;
}

// The operating system's reason for the last failed call, e.g. ": File too
// large" under `ulimit -f` or ": No space left on device"; empty when HDF5
// failed for a reason of its own. Callers clear errno before the HDF5 call,
// so a stale value from an unrelated call is never reported.
std::string os_reason() {
  return errno != 0 ? std::string(": ") + std::strerror(errno) : std::string();
}

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw RuntimeError("HDF5: cannot " + what + " '" + path + "'" + os_reason());
}

void set_filters(hid_t dcpl, int level) {
  if (level <= 0) return;
  H5Pset_shuffle(dcpl);
  H5Pset_deflate(dcpl, static_cast<unsigned>(level));
}

void write_dataset(hid_t file, const std::string& path, hid_t mem_type, const void* data,
                   const std::vector<std::uint64_t>& dims_in, std::size_t n, int compression) {
  quiet_hdf5_errors();
  errno = 0;
  std::vector<hsize_t> dims(dims_in.begin(), dims_in.end());
  if (dims.empty()) dims.push_back(static_cast<hsize_t>(n));
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  Handle lcpl(link_create_plist(), H5Pclose);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  constexpr std::size_t kChunkThreshold = 4096;
  if (n > kChunkThreshold) {
    // Chunks of about 64k elements along the last dimension, whole rows otherwise.
    std::vector<hsize_t> chunk(dims);
    std::size_t elems = 1;
    for (std::size_t i = dims.size(); i-- > 0;) {
      if (elems * chunk[i] > 65536) chunk[i] = std::max<hsize_t>(1, 65536 / elems);
      elems *= chunk[i];
    }
    H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data());
    set_filters(dcpl.get(), compression);
  }
  Handle ds(H5Dcreate2(file, path.c_str(), mem_type, space.get(), lcpl.get(), dcpl.get(), H5P_DEFAULT),
            H5Dclose);
  if (!ds.ok()) fail("create dataset", path);
  if (n > 0 && H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    fail("write dataset", path);
  if (!ds.close_now()) fail("write dataset (disk full?)", path);
}

void write_attribute(hid_t file, const std::string& object, const std::string& name, hid_t type,
                     const void* value) {
  quiet_hdf5_errors();
  errno = 0;
  Handle obj(open_object(file, object), H5Oclose);
  if (!obj.ok()) fail("open object for attribute", object);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  if (H5Aexists(obj.get(), name.c_str()) > 0) H5Adelete(obj.get(), name.c_str());
  Handle attr(H5Acreate2(obj.get(), name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
  if (!attr.ok() || H5Awrite(attr.get(), type, value) < 0) fail("write attribute", object + "@" + name);
}

}  // namespace

H5Writer::H5Writer(const std::string& final_path, bool overwrite, std::vector<InputFile> inputs)
    : overwrite_(overwrite), inputs_(std::move(inputs)) {
  quiet_hdf5_errors();
  // Before any work: a device, FIFO, folder or input file under the output
  // name is refused even with overwrite (docs/reliability.md).
  final_path_ = checked_output_path(final_path, overwrite, inputs_);
  // Same folder as the final file, so rename() is atomic (same file system).
  std::random_device rd;
  temp_path_ = final_path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rd() % 1000000);
  // Format 1.8+ stores large attributes (the full scenario text) densely.
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_LATEST);
  errno = 0;
  file_ = H5Fcreate(temp_path_.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl.get());
  if (file_ < 0)
    throw RuntimeError("cannot create output file '" + temp_path_ + "'" + os_reason() + " (is the folder writable?)");
}

H5Writer::~H5Writer() {
  quiet_hdf5_errors();
  // A file whose writes failed cannot be closed cleanly (H5Fclose retries the
  // failed flush); it is abandoned, unlinked below, and its memory goes with
  // the process, which exits with an error next.
  if (file_ >= 0 && H5Fflush(static_cast<hid_t>(file_), H5F_SCOPE_LOCAL) >= 0) H5Fclose(static_cast<hid_t>(file_));
  if (!committed_) std::remove(temp_path_.c_str());
}

void H5Writer::write(const std::string& path, const std::vector<double>& data,
                     const std::vector<std::uint64_t>& dims) {
  quiet_hdf5_errors();
  write_dataset(file_, path, H5T_NATIVE_DOUBLE, data.data(), dims, data.size(), compression_);
}

void H5Writer::write(const std::string& path, const std::vector<std::int64_t>& data,
                     const std::vector<std::uint64_t>& dims) {
  quiet_hdf5_errors();
  write_dataset(file_, path, H5T_NATIVE_INT64, data.data(), dims, data.size(), compression_);
}

void H5Writer::write(const std::string& path, const std::vector<std::string>& data) {
  quiet_hdf5_errors();
  std::size_t width = 1;
  for (const auto& s : data) width = std::max(width, s.size() + 1);
  std::vector<char> buf(width * data.size(), '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i].copy(&buf[i * width], data[i].size());
  Handle type(string_type(width), H5Tclose);
  write_dataset(file_, path, type.get(), buf.data(), {}, data.size(), compression_);
}

namespace {
void write_scalar_of(hid_t file, const std::string& path, hid_t type, const void* value) {
  quiet_hdf5_errors();
  errno = 0;
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle lcpl(link_create_plist(), H5Pclose);
  Handle ds(H5Dcreate2(file, path.c_str(), type, space.get(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  if (!ds.ok() || H5Dwrite(ds.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, value) < 0) fail("write scalar", path);
}
}  // namespace

void H5Writer::write_scalar(const std::string& path, double value) {
  write_scalar_of(file_, path, H5T_NATIVE_DOUBLE, &value);
}

void H5Writer::write_scalar(const std::string& path, std::int64_t value) {
  write_scalar_of(file_, path, H5T_NATIVE_INT64, &value);
}

void H5Writer::create_group(const std::string& path) {
  quiet_hdf5_errors();
  errno = 0;
  Handle lcpl(link_create_plist(), H5Pclose);
  Handle g(H5Gcreate2(file_, path.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  if (!g.ok()) fail("create group", path);
}

void H5Writer::set_compression(int level) {
  quiet_hdf5_errors();
  if (level < 0 || level > 9) throw std::invalid_argument("deflate level must be 0-9");
  compression_ = level;
}

void H5Writer::create_table(const std::string& path, Type type, std::uint64_t width,
                            std::uint64_t chunk_rows) {
  quiet_hdf5_errors();
  errno = 0;
  const int rank = width == 0 ? 1 : 2;
  hsize_t dims[2] = {0, width};
  hsize_t maxdims[2] = {H5S_UNLIMITED, width};
  hsize_t chunk[2] = {std::max<hsize_t>(1, chunk_rows), std::max<hsize_t>(1, width)};
  Handle space(H5Screate_simple(rank, dims, maxdims), H5Sclose);
  Handle lcpl(link_create_plist(), H5Pclose);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_chunk(dcpl.get(), rank, chunk);
  set_filters(dcpl.get(), compression_);
  const hid_t t = type == Type::kFloat64 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64;
  Handle ds(H5Dcreate2(file_, path.c_str(), t, space.get(), lcpl.get(), dcpl.get(), H5P_DEFAULT), H5Dclose);
  if (!ds.ok()) fail("create dataset", path);
}

namespace {
void append_rows(hid_t file, const std::string& path, hid_t mem_type, const void* data, std::uint64_t rows) {
  quiet_hdf5_errors();
  if (rows == 0) return;
  errno = 0;
  Handle ds(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.ok()) fail("open dataset", path);
  Handle old_space(H5Dget_space(ds.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(old_space.get());
  hsize_t dims[2] = {0, 0};
  H5Sget_simple_extent_dims(old_space.get(), dims, nullptr);
  const hsize_t start_row = dims[0];
  dims[0] += rows;
  if (H5Dset_extent(ds.get(), dims) < 0) fail("extend dataset", path);
  Handle file_space(H5Dget_space(ds.get()), H5Sclose);
  hsize_t start[2] = {start_row, 0};
  hsize_t count[2] = {rows, rank == 2 ? dims[1] : 1};
  H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr);
  Handle mem_space(H5Screate_simple(rank, count, nullptr), H5Sclose);
  if (H5Dwrite(ds.get(), mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, data) < 0)
    fail("write dataset (disk full?)", path);
  if (!ds.close_now()) fail("write dataset (disk full?)", path);
}
}  // namespace

void H5Writer::append(const std::string& path, const double* data, std::uint64_t rows) {
  quiet_hdf5_errors();
  append_rows(file_, path, H5T_NATIVE_DOUBLE, data, rows);
}

void H5Writer::append(const std::string& path, const std::int64_t* data, std::uint64_t rows) {
  quiet_hdf5_errors();
  append_rows(file_, path, H5T_NATIVE_INT64, data, rows);
}

void H5Writer::append_chunks(const std::string& path, std::uint64_t chunk_rows,
                             const std::vector<CompressedChunk>& chunks) {
  quiet_hdf5_errors();
  if (chunks.empty()) return;
  errno = 0;
  Handle ds(H5Dopen2(file_, path.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.ok()) fail("open dataset", path);
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  hsize_t dims[2] = {0, 0};
  const int rank = H5Sget_simple_extent_ndims(space.get());
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  // Chunks that do not continue the table would overwrite or leave holes:
  // a caller bug, caught here rather than as a silently wrong file.
  if (rank != 2 || compression_ <= 0 || dims[0] % chunk_rows != 0 || chunks.front().first_row != dims[0])
    throw RuntimeError("HDF5: chunks do not continue the table '" + path + "'");
  dims[0] += chunks.size() * chunk_rows;
  if (H5Dset_extent(ds.get(), dims) < 0) fail("extend dataset", path);
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const hsize_t offset[2] = {chunks[i].first_row, 0};
    if (chunks[i].first_row != chunks.front().first_row + i * chunk_rows)
      throw RuntimeError("HDF5: chunks do not continue the table '" + path + "'");
    if (H5Dwrite_chunk(ds.get(), H5P_DEFAULT, 0, offset, chunks[i].bytes.size(), chunks[i].bytes.data()) < 0)
      fail("write dataset (disk full?)", path);
  }
  if (!ds.close_now()) fail("write dataset (disk full?)", path);
}

void H5Writer::attribute(const std::string& object, const std::string& name, const std::string& value) {
  quiet_hdf5_errors();
  Handle type(string_type(value.size() + 1), H5Tclose);
  write_attribute(file_, object, name, type.get(), value.c_str());
}

void H5Writer::attribute(const std::string& object, const std::string& name, double value) {
  quiet_hdf5_errors();
  write_attribute(file_, object, name, H5T_NATIVE_DOUBLE, &value);
}

void H5Writer::attribute(const std::string& object, const std::string& name, std::int64_t value) {
  quiet_hdf5_errors();
  write_attribute(file_, object, name, H5T_NATIVE_INT64, &value);
}

void H5Writer::commit() {
  quiet_hdf5_errors();
  errno = 0;
  if (H5Fflush(file_, H5F_SCOPE_GLOBAL) < 0)
    throw RuntimeError("cannot write output file '" + final_path_ + "'" + os_reason() +
                       " (disk full?); nothing was written under that name");
  errno = 0;
  const herr_t closed = H5Fclose(file_);
  file_ = -1;
  if (closed < 0)
    throw RuntimeError("cannot write output file '" + final_path_ + "'" + os_reason() +
                       " (disk full?); nothing was written under that name");
  sync_path(temp_path_, O_RDONLY);
  if (overwrite_) {
    // What took the output's name during the run (a FIFO, a link to an
    // input) is not replaced either: the results stay in the temporary file.
    try {
      (void)checked_output_path(final_path_, true, inputs_);
    } catch (const UsageError& e) {
      committed_ = true;  // keep the temporary file: it holds the only copy of the results
      throw RuntimeError("the output changed during the run: " + std::string(e.what()) +
                         "; not replaced. The results are in '" + temp_path_ + "'");
    }
  }
  // Without overwrite, a file that appeared under the final name while we ran
  // (another run, a user) is not replaced: the result stays in the temporary
  // file and the message says where.
  if (!overwrite_) {
    errno = 0;
    if (::renameat2(AT_FDCWD, temp_path_.c_str(), AT_FDCWD, final_path_.c_str(), RENAME_NOREPLACE) == 0) {
      committed_ = true;
      sync_path(folder_of(final_path_), O_RDONLY | O_DIRECTORY);
      return;
    }
    if (errno == EEXIST) {
      committed_ = true;  // keep the temporary file: it holds the only copy of the results
      throw RuntimeError("output file '" + final_path_ + "' was created by something else during the run; "
                         "not overwritten (no --force). The results are in '" + temp_path_ + "'");
    }
    // EINVAL/ENOSYS: the file system cannot refuse to replace; fall through.
  }
  errno = 0;
  if (std::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
    throw RuntimeError("cannot rename '" + temp_path_ + "' to '" + final_path_ + "'" + os_reason());
  }
  committed_ = true;
  sync_path(folder_of(final_path_), O_RDONLY | O_DIRECTORY);
}

}  // namespace twinsim::core
