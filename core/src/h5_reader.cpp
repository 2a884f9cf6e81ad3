// Reading HDF5 result files (C API, 1.10+); see h5_detail.hpp.
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
#include "h5_detail.hpp"

namespace twinsim::core {

using namespace h5detail;

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

H5Column::H5Column(const H5Reader& file, const std::string& path) : file_path_(file.path_), path_(path) {
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

H5Column::~H5Column() {
  quiet_hdf5_errors();
  if (dataset_ >= 0) H5Dclose(dataset_);
}

namespace {

void read_rows(std::int64_t dataset, std::uint64_t rows_total, const std::string& file, const std::string& path,
               std::uint64_t first, std::uint64_t n, void* out, hid_t type, const char* as) {
  quiet_hdf5_errors();
  const std::string rows = "rows " + std::to_string(first) + ".." + std::to_string(first + n) + " of '" + path + "'";
  if (first > rows_total || n > rows_total - first)
    throw RuntimeError("'" + file + "': " + rows + " are past its end (" + std::to_string(rows_total) + " rows)");
  if (n == 0) return;
  const hsize_t start = first, count = n;
  Handle file_space(H5Dget_space(dataset), H5Sclose);
  Handle mem_space(H5Screate_simple(1, &count, nullptr), H5Sclose);
  if (!file_space.ok() || !mem_space.ok() ||
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &start, nullptr, &count, nullptr) < 0 ||
      H5Dread(dataset, type, mem_space.get(), file_space.get(), H5P_DEFAULT, out) < 0)
    throw RuntimeError("'" + file + "': cannot read " + rows + " as " + as + " (corrupt file?)");
}

}  // namespace

void H5Column::read(std::uint64_t first, std::uint64_t n, std::vector<std::int64_t>& out) const {
  out.resize(first <= rows_ && n <= rows_ - first ? n : 0);
  read_rows(dataset_, rows_, file_path_, path_, first, n, out.data(), H5T_NATIVE_INT64, "integers");
}

void H5Column::read(std::uint64_t first, std::uint64_t n, std::vector<double>& out) const {
  out.resize(first <= rows_ && n <= rows_ - first ? n : 0);
  read_rows(dataset_, rows_, file_path_, path_, first, n, out.data(), H5T_NATIVE_DOUBLE, "numbers");
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
