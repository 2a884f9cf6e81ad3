// Compiling generated C with the system compiler and loading it, with a
// per-user cache keyed by the SHA-256 of (code, compiler identity, flags).
// Internal to pkpd/user; user_model.hpp documents the behaviour.
#pragma once

#include <memory>
#include <string>

#include "twinsim/pkpd/user/user_model.hpp"

namespace twinsim::pkpd::user {

struct NativeLibrary;  // dlopen handle; closed when the last model using it goes

struct NativeResult {
  std::shared_ptr<const NativeLibrary> library;  // null: use the interpreter
  UserModelFunctions functions;
  bool cache_hit = false;
  std::string path;   // the loaded .so
  std::string note;   // why the interpreter is used, if it is
};

NativeResult compile_native(const std::string& code, const CompileOptions& options);

// The folder compile_native uses for `options` (CompileOptions::cache_dir, else
// $TWINSIM_CACHE_DIR, $XDG_CACHE_HOME/twinsim, ~/.cache/twinsim).
std::string cache_folder(const CompileOptions& options);

// Lower-case hex SHA-256 of `data` (OpenSSL).
std::string sha256_hex(const std::string& data);

}  // namespace twinsim::pkpd::user
