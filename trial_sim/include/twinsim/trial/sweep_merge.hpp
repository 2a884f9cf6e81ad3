// `twinsim merge`: the variant files of a finished sweep folder gathered into
// one HDF5 file (layout in docs/hdf5-schema.md, "Merged sweep file").
#pragma once

#include <cstddef>
#include <string>

namespace twinsim::trial {

// Refuses (core::UsageError, listing them) if any variant of the manifest is
// not complete, and an existing output without overwrite. Returns the number
// of variants merged. Written to a temporary file and renamed into place.
std::size_t merge_sweep(const std::string& outdir, const std::string& output, bool overwrite);

}  // namespace twinsim::trial
