// Reading the files a user names as input (scenario, sweep, covariate CSV);
// file_safety.hpp guards the outputs.
#pragma once

#include <cstddef>
#include <string>

namespace twinsim::core {

// Reads the file at `path` into `text`, at most max_bytes + 1 bytes (one past
// the limit, so the caller can tell a file that is too large without reading
// all of it). Returns "" on success, else why the file cannot be read, a
// predicate for "PATH: error: <why>" or "covariate file 'PATH' <why>" (the CSV
// reader uses it too): "does not exist", "cannot be opened: Permission
// denied", "is a directory, not a regular file", "is a FIFO (named pipe), not a
// regular file" (a device, a socket: core::file_kind), "cannot be read: ...".
//
// Anything but a regular file is refused before a byte is read: opening a
// FIFO for reading blocks until a writer appears (forever, for a typo'd path
// in a job script), a directory reads as an empty file or fails vaguely, and a
// device such as /dev/zero or /dev/urandom never ends. The file is checked with
// stat() and again on the descriptor, opened O_NONBLOCK, so a path swapped for
// a FIFO between the two cannot block either.
std::string read_input_file(const std::string& path, std::size_t max_bytes, std::string& text);

}  // namespace twinsim::core
