// libFuzzer target: arbitrary bytes as an HDF5 result file given to report /
// compare (see fuzz_inputs.hpp). HDF5 opens files by name, so the bytes go
// through one scratch file per fuzzing process.
#include "fuzz_inputs.hpp"

namespace {
const std::string& scratch() {
  static const std::string path = [] {
    std::atexit([] { std::remove(scratch().c_str()); });
    return twinsim::fuzz::scratch_path("fuzz");
  }();
  return path;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)twinsim::fuzz::result_file_bytes(scratch(), data, size);
  return 0;
}
