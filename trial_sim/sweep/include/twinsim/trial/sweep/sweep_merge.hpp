// `twinsim merge`: the variant files of a finished sweep folder gathered into
// one HDF5 file (layout in docs/hdf5-schema.md, "Merged sweep file").
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace twinsim::trial {

// Refuses (core::UsageError, listing them) if any variant of the manifest is
// not complete or its file fails verify_variant_file(), an output that is one
// of the folder's files or not a regular file, and an existing output without
// overwrite. Returns the number of variants merged. Written to a temporary
// file and renamed into place. stop is polled before each variant; when it
// returns true the merge throws Interrupted and leaves no file. Call under
// SweepLock::for_merge.
std::size_t merge_sweep(const std::string& outdir, const std::string& output, bool overwrite,
                        const std::function<bool()>& stop = {});

}  // namespace twinsim::trial
