// The state the HDF5 layer sets up once, and helpers its files share.
#include "h5_detail.hpp"

#include <sys/stat.h>

namespace twinsim::core::h5detail {

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

}  // namespace

void quiet_hdf5_errors() {
  thread_local bool quiet = false;
  if (!quiet) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    quiet = true;
  }
}

bool file_exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0;
}

hid_t open_object(hid_t file, const std::string& object) {
  quiet_hdf5_errors();
  return H5Oopen(file, object.c_str(), H5P_DEFAULT);
}

hid_t string_type(std::size_t len) {
  quiet_hdf5_errors();
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, len == 0 ? 1 : len);
  H5Tset_cset(t, H5T_CSET_UTF8);
  H5Tset_strpad(t, H5T_STR_NULLTERM);
  return t;
}

}  // namespace twinsim::core::h5detail
