// Shared by the files of the HDF5 layer (h5_detail.cpp, h5_writer.cpp,
// h5_reader.cpp), the only files that include hdf5.h.
#pragma once

#include <hdf5.h>

#include <string>

namespace twinsim::core::h5detail {

// libhdf5 from Debian is a thread-safe build, whose error stacks are per
// thread: the call above silences only the thread that ran static
// initialisation, and a run's output is written on its writer thread. Every
// entry point below therefore silences its own thread once.
void quiet_hdf5_errors();

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

bool file_exists(const std::string& p);
hid_t open_object(hid_t file, const std::string& object);
// A UTF-8, NUL-terminated fixed-length string type of len bytes.
hid_t string_type(std::size_t len);

}  // namespace twinsim::core::h5detail
