// The one file that talks to HDF5 (C API, 1.10+).
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

namespace twinsim::core {

namespace {

// HDF5 prints an error stack to stderr by default; we turn failures into
// exceptions with our own messages instead.
//
// HDF5's own exit handler (H5_term_library) closes files still open at exit.
// For a file whose writes failed (disk full, `ulimit -f`) that close crashes
// libhdf5 1.10 with SIGSEGV in H5F__close_cb, turning a clean "exit 1, disk
// full" into a core dump. Every file we open is closed by its owner, so the
// handler is not needed; H5dont_atexit() must come before any other HDF5 call.
struct SilenceHdf5 {
  SilenceHdf5() {
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
};
const SilenceHdf5 silence_once;

// libhdf5 from Debian is a thread-safe build, whose error stacks are per
// thread: the call above silences only the thread that ran static
// initialisation, and a run's output is written on its writer thread. Every
// entry point below therefore silences its own thread once.
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

void quiet_hdf5_errors() {
  thread_local bool quiet = false;
  if (!quiet) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    quiet = true;
  }
}

// RAII for HDF5 identifiers.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }
  hid_t release() {
    const hid_t id = id_;
    id_ = -1;
    return id;
  }
  // Closes now and reports failure: closing a dataset flushes its chunk
  // cache, the moment a full disk shows. The destructor ignores it.
  bool close_now() {
    const herr_t r = id_ >= 0 ? close_(id_) : 0;
    id_ = -1;
    return r >= 0;
  }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

bool file_exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0;
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

hid_t open_object(hid_t file, const std::string& object) {
  quiet_hdf5_errors();
  return H5Oopen(file, object.c_str(), H5P_DEFAULT);
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

hid_t string_type(std::size_t len) {
  quiet_hdf5_errors();
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, len == 0 ? 1 : len);
  H5Tset_cset(t, H5T_CSET_UTF8);
  H5Tset_strpad(t, H5T_STR_NULLTERM);
  return t;
}

}  // namespace

H5Writer::H5Writer(const std::string& final_path, bool overwrite) : final_path_(final_path), overwrite_(overwrite) {
  quiet_hdf5_errors();
  if (!overwrite && file_exists(final_path)) {
    throw UsageError("output file '" + final_path + "' exists; pass --force to overwrite it");
  }
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

void H5Writer::write_scalar(const std::string& path, double value) {
  quiet_hdf5_errors();
  errno = 0;
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle lcpl(link_create_plist(), H5Pclose);
  Handle ds(H5Dcreate2(file_, path.c_str(), H5T_NATIVE_DOUBLE, space.get(), lcpl.get(), H5P_DEFAULT,
                       H5P_DEFAULT),
            H5Dclose);
  if (!ds.ok() || H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value) < 0)
    fail("write scalar", path);
}

void H5Writer::write_scalar(const std::string& path, std::int64_t value) {
  quiet_hdf5_errors();
  errno = 0;
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle lcpl(link_create_plist(), H5Pclose);
  Handle ds(H5Dcreate2(file_, path.c_str(), H5T_NATIVE_INT64, space.get(), lcpl.get(), H5P_DEFAULT,
                       H5P_DEFAULT),
            H5Dclose);
  if (!ds.ok() || H5Dwrite(ds.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value) < 0)
    fail("write scalar", path);
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

// ---------------------------------------------------------------------------

H5Reader::H5Reader(const std::string& path) : path_(path) {
  quiet_hdf5_errors();
  if (!file_exists(path)) throw RuntimeError("cannot open '" + path + "': no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw RuntimeError("'" + path + "' is not an HDF5 file");
  // A small metadata cache. HDF5 sizes it by on-disk bytes and grows it (up
  // to 32 MiB) while a read walks through new chunk-index nodes, but a node
  // of a chunk B-tree takes about ten times its disk size in memory: reading
  // a table of 10^6 trials kept 7 MB of nodes, growing with the file. The
  // nodes on the path to the chunks being read are all a read needs.
  Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5AC_cache_config_t mdc{};
  mdc.version = H5AC__CURR_CACHE_CONFIG_VERSION;
  if (H5Pget_mdc_config(access.get(), &mdc) >= 0) {
    mdc.set_initial_size = true;
    mdc.initial_size = mdc.max_size = 128 * 1024;
    mdc.min_size = std::min<std::size_t>(mdc.min_size, mdc.max_size);
    H5Pset_mdc_config(access.get(), &mdc);  // best effort: the defaults also work, with more memory
  }
  file_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, access.get());
  if (file_ < 0) throw RuntimeError("cannot open HDF5 file '" + path + "' (truncated or corrupt?)");
}

H5Reader::~H5Reader() {
  quiet_hdf5_errors();
  if (file_ >= 0) H5Fclose(file_);
}

bool H5Reader::exists(const std::string& path) const {
  quiet_hdf5_errors();
  if (path == "/") return true;
  // Check each prefix: H5Lexists fails on a missing intermediate group.
  std::size_t pos = 0;
  while ((pos = path.find('/', pos + 1)) != std::string::npos) {
    if (H5Lexists(file_, path.substr(0, pos).c_str(), H5P_DEFAULT) <= 0) return false;
  }
  return H5Lexists(file_, path.c_str(), H5P_DEFAULT) > 0;
}

std::vector<std::string> H5Reader::children(const std::string& group) const {
  quiet_hdf5_errors();
  std::vector<std::string> out;
  Handle g(H5Gopen2(file_, group.c_str(), H5P_DEFAULT), H5Gclose);
  if (!g.ok()) throw RuntimeError("'" + path_ + "': no group '" + group + "'");
  H5G_info_t info{};
  if (H5Gget_info(g.get(), &info) < 0) throw RuntimeError("'" + path_ + "': cannot list '" + group + "'");
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t len = H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (len < 0) continue;
    std::string name(static_cast<std::size_t>(len) + 1, '\0');
    H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(len));
    out.push_back(name);
  }
  return out;
}

namespace {
struct OpenDataset {
  Handle ds;
  Handle space;
  std::vector<hsize_t> dims;
  std::size_t count = 1;
  OpenDataset(hid_t file, const std::string& file_path, const std::string& path, hid_t access = H5P_DEFAULT)
      : ds(H5Dopen2(file, path.c_str(), access), H5Dclose), space(-1, H5Sclose) {
    if (!ds.ok()) throw RuntimeError("'" + file_path + "': no dataset '" + path + "'");
    Handle sp(H5Dget_space(ds.get()), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(sp.get());
    if (rank < 0) throw RuntimeError("'" + file_path + "': unreadable dataset '" + path + "'");
    dims.resize(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(sp.get(), dims.data(), nullptr);
    for (auto d : dims) count *= d;
  }
};

// A corrupt chunk index can claim a chunk of gigabytes, which HDF5 allocates
// before it notices (a fuzz finding). Chunks are checked against what their
// shape allows before any read: twinsim writes chunks of at most 512 KiB, and
// deflate never grows data by more than a few bytes per 16 KiB block.
// (Checked on the total, which a corrupt chunk size inflates, in O(chunks).)
void check_chunks(hid_t ds, const std::string& file_path, const std::string& path) {
  const auto corrupt = [&](const std::string& why) {
    return RuntimeError("'" + file_path + "': '" + path + "' is corrupt (" + why + ")");
  };
  Handle dcpl(H5Dget_create_plist(ds), H5Pclose);
  if (!dcpl.ok()) throw corrupt("no creation properties");
  if (H5Pget_layout(dcpl.get()) != H5D_CHUNKED) return;
  const int rank = H5Pget_chunk(dcpl.get(), 0, nullptr);
  if (rank <= 0 || rank > 32) throw corrupt("chunk rank");
  std::vector<hsize_t> chunk(static_cast<std::size_t>(rank));
  H5Pget_chunk(dcpl.get(), rank, chunk.data());
  Handle type(H5Dget_type(ds), H5Tclose);
  constexpr std::uint64_t kMaxChunkBytes = 64u << 20;
  std::uint64_t bytes = type.ok() ? H5Tget_size(type.get()) : 0;
  for (auto c : chunk) {
    if (c == 0 || bytes > kMaxChunkBytes / c) throw corrupt("chunk shape");
    bytes *= c;
  }
  // One pass over the chunk index (H5Dget_storage_size sums the stored chunk
  // sizes): a chunk claiming more than its share makes the sum exceed what
  // the dataset's chunks can hold.
  const std::uint64_t per_chunk = bytes + bytes / 8 + 4096;
  Handle space(H5Dget_space(ds), H5Sclose);
  const int drank = space.ok() ? H5Sget_simple_extent_ndims(space.get()) : -1;
  if (drank != rank) throw corrupt("chunk rank");
  std::vector<hsize_t> dims(chunk.size());
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  double chunks = 1;
  for (std::size_t i = 0; i < dims.size(); ++i) chunks *= std::ceil(static_cast<double>(dims[i]) / static_cast<double>(chunk[i]));
  const double stored = static_cast<double>(H5Dget_storage_size(ds));
  // Whatever the shape claims, chunks cannot hold more than the file has.
  Handle file(H5Iget_file_id(ds), H5Fclose);
  hsize_t file_bytes = 0;
  if (!file.ok() || H5Fget_filesize(file.get(), &file_bytes) < 0) throw corrupt("file size");
  if (stored > static_cast<double>(file_bytes))
    throw corrupt(format_number(stored) + " bytes stored in a file of " + format_number(static_cast<double>(file_bytes)));
  if (stored > chunks * static_cast<double>(per_chunk))
    throw corrupt(format_number(stored) + " bytes stored for " + format_number(chunks) + " chunks");
}
}  // namespace

std::vector<std::uint64_t> H5Reader::dims(const std::string& path) const {
  quiet_hdf5_errors();
  OpenDataset d(file_, path_, path);
  return {d.dims.begin(), d.dims.end()};
}

bool H5Reader::is_integer(const std::string& path) const {
  quiet_hdf5_errors();
  OpenDataset d(file_, path_, path);
  Handle ftype(H5Dget_type(d.ds.get()), H5Tclose);
  return H5Tget_class(ftype.get()) == H5T_INTEGER;
}

std::vector<double> H5Reader::read_doubles(const std::string& path) const {
  quiet_hdf5_errors();
  OpenDataset d(file_, path_, path);
  check_chunks(d.ds.get(), path_, path);
  std::vector<double> out(d.count);
  if (d.count && H5Dread(d.ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    throw RuntimeError("'" + path_ + "': cannot read '" + path + "' as numbers (corrupt file?)");
  return out;
}

std::vector<std::int64_t> H5Reader::read_ints(const std::string& path) const {
  quiet_hdf5_errors();
  OpenDataset d(file_, path_, path);
  check_chunks(d.ds.get(), path_, path);
  std::vector<std::int64_t> out(d.count);
  if (d.count && H5Dread(d.ds.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    throw RuntimeError("'" + path_ + "': cannot read '" + path + "' as integers (corrupt file?)");
  return out;
}

H5IntColumn::H5IntColumn(const H5Reader& file, const std::string& path) : file_path_(file.path_), path_(path) {
  quiet_hdf5_errors();
  // No chunk cache: blocks are read once, in order, and a column stays open
  // for the whole read, so the default 1 MiB per dataset would only add up
  // (7 columns per design).
  Handle access(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose);
  H5Pset_chunk_cache(access.get(), H5D_CHUNK_CACHE_NSLOTS_DEFAULT, 0, H5D_CHUNK_CACHE_W0_DEFAULT);
  OpenDataset d(file.file_, file_path_, path, access.get());
  if (d.dims.size() != 1) throw RuntimeError("'" + file_path_ + "': '" + path + "' is not a 1-D dataset");
  check_chunks(d.ds.get(), file_path_, path);
  rows_ = d.dims[0];
  dataset_ = d.ds.release();
}

H5IntColumn::~H5IntColumn() {
  quiet_hdf5_errors();
  if (dataset_ >= 0) H5Dclose(dataset_);
}

void H5IntColumn::read(std::uint64_t first, std::uint64_t n, std::vector<std::int64_t>& out) const {
  quiet_hdf5_errors();
  const std::string rows = "rows " + std::to_string(first) + ".." + std::to_string(first + n) + " of '" + path_ + "'";
  if (first > rows_ || n > rows_ - first)
    throw RuntimeError("'" + file_path_ + "': " + rows + " are past its end (" + std::to_string(rows_) + " rows)");
  out.resize(n);
  if (n == 0) return;
  const hsize_t start = first, count = n;
  Handle file_space(H5Dget_space(dataset_), H5Sclose);
  Handle mem_space(H5Screate_simple(1, &count, nullptr), H5Sclose);
  if (!file_space.ok() || !mem_space.ok() ||
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr) < 0 ||
      H5Dread(dataset_, H5T_NATIVE_INT64, mem_space.get(), file_space.get(), H5P_DEFAULT, out.data()) < 0)
    throw RuntimeError("'" + file_path_ + "': cannot read " + rows + " as integers (corrupt file?)");
}

std::vector<std::string> H5Reader::read_strings(const std::string& path) const {
  quiet_hdf5_errors();
  OpenDataset d(file_, path_, path);
  check_chunks(d.ds.get(), path_, path);
  Handle ftype(H5Dget_type(d.ds.get()), H5Tclose);
  if (H5Tget_class(ftype.get()) != H5T_STRING || H5Tis_variable_str(ftype.get()) > 0)
    throw RuntimeError("'" + path_ + "': '" + path + "' is not a fixed-length string dataset");
  const std::size_t width = H5Tget_size(ftype.get());
  Handle mtype(string_type(width), H5Tclose);
  std::vector<char> buf(width * d.count + 1, '\0');
  if (d.count && H5Dread(d.ds.get(), mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0)
    throw RuntimeError("'" + path_ + "': cannot read '" + path + "'");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < d.count; ++i) {
    const char* s = &buf[i * width];
    out.emplace_back(s, strnlen(s, width));
  }
  return out;
}

bool H5Reader::has_attribute(const std::string& object, const std::string& name) const {
  quiet_hdf5_errors();
  Handle obj(open_object(file_, object), H5Oclose);
  return obj.ok() && H5Aexists(obj.get(), name.c_str()) > 0;
}

std::vector<unsigned char> H5Reader::raw_chunk(const std::string& path, std::uint64_t first_row) const {
  quiet_hdf5_errors();
  OpenDataset d(file_, path_, path);
  check_chunks(d.ds.get(), path_, path);
  std::vector<hsize_t> offset(d.dims.size(), 0);
  if (offset.empty()) throw RuntimeError("'" + path_ + "': '" + path + "' is not a table");
  offset[0] = first_row;
  hsize_t bytes = 0;
  if (H5Dget_chunk_storage_size(d.ds.get(), offset.data(), &bytes) < 0)
    throw RuntimeError("'" + path_ + "': no chunk at row " + std::to_string(first_row) + " of '" + path + "'");
  std::vector<unsigned char> out(bytes);
  std::uint32_t mask = 0;
  if (H5Dread_chunk(d.ds.get(), H5P_DEFAULT, offset.data(), &mask, out.data()) < 0)
    throw RuntimeError("'" + path_ + "': cannot read the chunk at row " + std::to_string(first_row) + " of '" + path + "'");
  return out;
}

namespace {
Handle open_attribute(hid_t file, const std::string& file_path, const std::string& object,
                      const std::string& name) {
  Handle obj(open_object(file, object), H5Oclose);
  if (!obj.ok()) throw RuntimeError("'" + file_path + "': no object '" + object + "'");
  hid_t a = H5Aopen(obj.get(), name.c_str(), H5P_DEFAULT);
  if (a < 0) throw RuntimeError("'" + file_path + "': no attribute '" + name + "' on '" + object + "'");
  return Handle(a, H5Aclose);
}
}  // namespace

std::string H5Reader::attribute_string(const std::string& object, const std::string& name) const {
  quiet_hdf5_errors();
  Handle a = open_attribute(file_, path_, object, name);
  Handle ftype(H5Aget_type(a.get()), H5Tclose);
  if (H5Tget_class(ftype.get()) != H5T_STRING || H5Tis_variable_str(ftype.get()) > 0)
    throw RuntimeError("'" + path_ + "': attribute '" + name + "' is not a fixed-length string");
  const std::size_t width = H5Tget_size(ftype.get());
  Handle mtype(string_type(width), H5Tclose);
  std::string buf(width + 1, '\0');
  if (H5Aread(a.get(), mtype.get(), buf.data()) < 0) throw RuntimeError("'" + path_ + "': cannot read attribute '" + name + "'");
  buf.resize(strnlen(buf.c_str(), width));
  return buf;
}

double H5Reader::attribute_double(const std::string& object, const std::string& name) const {
  quiet_hdf5_errors();
  Handle a = open_attribute(file_, path_, object, name);
  double v = 0;
  if (H5Aread(a.get(), H5T_NATIVE_DOUBLE, &v) < 0) throw RuntimeError("'" + path_ + "': cannot read attribute '" + name + "'");
  return v;
}

std::int64_t H5Reader::attribute_int(const std::string& object, const std::string& name) const {
  quiet_hdf5_errors();
  Handle a = open_attribute(file_, path_, object, name);
  std::int64_t v = 0;
  if (H5Aread(a.get(), H5T_NATIVE_INT64, &v) < 0) throw RuntimeError("'" + path_ + "': cannot read attribute '" + name + "'");
  return v;
}

}  // namespace twinsim::core
