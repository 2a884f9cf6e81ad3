#pragma once
namespace twinsim::core {
// "MAJOR.MINOR.PATCH" of this build.
const char* version();
// Version of the HDF5 result schema written by this build (docs/hdf5-schema.md).
constexpr int kSchemaVersion = 1;
}  // namespace twinsim::core
