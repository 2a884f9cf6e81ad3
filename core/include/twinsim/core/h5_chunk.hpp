// Compression of whole HDF5 chunks outside libhdf5.
//
// A run has one writer thread (libhdf5 is serial), and compressing time
// courses is most of the output work: left to the writer it becomes the
// critical path once two simulation threads feed it. Simulation threads
// therefore compress their own chunks with compress_chunk() and the writer
// only stores the bytes (H5Writer::append_chunks). The bytes are a chunk of
// HDF5's shuffle + deflate pipeline, as declared by H5Writer::create_table at
// the same level, so every HDF5 reader decodes them (tested through libhdf5).
// Unlike libhdf5, byte planes that deflate cannot shrink are stored, not
// deflated: the same values in about the same space for much less CPU.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace twinsim::core {

struct CompressedChunk {
  std::uint64_t first_row = 0;       // row offset of the chunk in its table
  std::vector<unsigned char> bytes;  // filtered chunk as stored in the file
};

// Compresses one whole chunk of n float64 values (row-major) at deflate level
// 1-9 into `out` (sized to the compressed bytes). `scratch` holds the shuffled
// bytes and zlib's output; reuse it between calls.
void compress_chunk(const double* values, std::size_t n, int level, std::vector<unsigned char>& scratch,
                    std::vector<unsigned char>& out);

}  // namespace twinsim::core
