#include "twinsim/core/h5_chunk.hpp"

#include <zlib.h>

#include <cstring>

#include "twinsim/core/error.hpp"

namespace twinsim::core {

void compress_chunk(const double* values, std::size_t n, int level, std::vector<unsigned char>& scratch,
                    std::vector<unsigned char>& out) {
  if (level < 1 || level > 9) throw UsageError("deflate level must be 1-9");
  // HDF5's shuffle filter: byte j of every element, then byte j + 1, ... so the
  // slowly varying exponent bytes of neighbouring values sit together.
  constexpr std::size_t kSize = sizeof(double);
  const std::size_t nbytes = n * kSize;
  scratch.resize(nbytes);
  const auto* src = reinterpret_cast<const unsigned char*>(values);
  for (std::size_t j = 0; j < kSize; ++j) {
    unsigned char* plane = scratch.data() + j * n;
    for (std::size_t i = 0; i < n; ++i) plane[i] = src[i * kSize + j];
  }
  // HDF5's deflate filter: one zlib stream of the whole chunk (compress2).
  uLongf size = compressBound(static_cast<uLong>(nbytes));
  out.resize(size);
  if (compress2(out.data(), &size, scratch.data(), static_cast<uLong>(nbytes), level) != Z_OK)
    throw RuntimeError("zlib: cannot compress an output chunk");
  out.resize(size);
}

}  // namespace twinsim::core
