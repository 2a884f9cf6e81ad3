#include "twinsim/core/h5_chunk.hpp"

#include <zlib.h>

#include <array>

#include "twinsim/core/error.hpp"

namespace twinsim::core {

namespace {

// True when deflate would not gain 3 % on a byte plane, judged by deflating
// its first 4 KiB. The low mantissa bytes of simulation output are noise:
// they are half of a float64 chunk and took three quarters of the time zlib
// spent on it, for under 1 % of the saving (docs/performance.md). Byte
// statistics alone do not tell: a plane of Cc with 8.0 bits of entropy per
// byte still deflates to 65 % through the repeats of a daily dosing cycle.
bool incompressible(const unsigned char* plane, std::size_t n, int level) {
  constexpr std::size_t kSample = 4096;
  if (n < kSample) return false;
  std::array<unsigned char, kSample + kSample / 8 + 64> out;
  z_stream z{};
  // A small window and hash keep the trial's state a few KiB.
  if (deflateInit2(&z, level, Z_DEFLATED, 12, 5, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  z.next_in = const_cast<unsigned char*>(plane);
  z.avail_in = kSample;
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  const bool done = deflate(&z, Z_FINISH) == Z_STREAM_END;
  const std::size_t size = z.total_out;
  deflateEnd(&z);
  return done && static_cast<double>(size) > 0.97 * kSample;
}

struct Deflate {
  z_stream z{};
  explicit Deflate(int level) {
    if (deflateInit(&z, level) != Z_OK) throw RuntimeError("zlib: cannot start compressing an output chunk");
  }
  ~Deflate() { deflateEnd(&z); }
  Deflate(const Deflate&) = delete;
  Deflate& operator=(const Deflate&) = delete;
};

}  // namespace

void compress_chunk(const double* values, std::size_t n, int level, std::vector<unsigned char>& scratch,
                    std::vector<unsigned char>& out) {
  if (level < 1 || level > 9) throw UsageError("deflate level must be 1-9");
  // HDF5's shuffle filter: byte j of every element, then byte j + 1, ... so the
  // slowly varying exponent bytes of neighbouring values sit together.
  constexpr std::size_t kSize = sizeof(double);
  const std::size_t nbytes = n * kSize;
  // Each plane switch may end a block (a few bytes), each stored block of
  // 64 KiB costs 5: room for all of that on top of zlib's worst case.
  const std::size_t bound = compressBound(static_cast<uLong>(nbytes)) + kSize * 64 + nbytes / 8192 + 64;
  // scratch = [shuffled input | deflate output]: reused between calls, so a
  // chunk costs no allocation beyond `out` at its compressed size.
  scratch.resize(nbytes + bound);
  const auto* src = reinterpret_cast<const unsigned char*>(values);
  for (std::size_t j = 0; j < kSize; ++j) {
    unsigned char* plane = scratch.data() + j * n;
    for (std::size_t i = 0; i < n; ++i) plane[i] = src[i * kSize + j];
  }
  // HDF5's deflate filter decodes one zlib stream per chunk. The stream is
  // made plane by plane: near-random planes go into stored blocks (level 0),
  // the others are deflated at `level`. Any inflate reads the mix.
  Deflate d(level);
  unsigned char* const zout = scratch.data() + nbytes;
  d.z.next_out = zout;
  d.z.avail_out = static_cast<uInt>(bound);
  int current = level;
  for (std::size_t j = 0; j < kSize; ++j) {
    const unsigned char* plane = scratch.data() + j * n;
    const int want = incompressible(plane, n, level) ? 0 : level;
    if (want != current && deflateParams(&d.z, want, Z_DEFAULT_STRATEGY) != Z_OK)
      throw RuntimeError("zlib: cannot compress an output chunk");
    current = want;
    d.z.next_in = const_cast<unsigned char*>(plane);
    d.z.avail_in = static_cast<uInt>(n);
    while (d.z.avail_in > 0)
      if (deflate(&d.z, Z_NO_FLUSH) != Z_OK || d.z.avail_out == 0)
        throw RuntimeError("zlib: cannot compress an output chunk");
  }
  if (deflate(&d.z, Z_FINISH) != Z_STREAM_END) throw RuntimeError("zlib: cannot compress an output chunk");
  out.assign(zout, zout + d.z.total_out);
}

}  // namespace twinsim::core
