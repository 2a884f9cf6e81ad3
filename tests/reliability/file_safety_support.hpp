// Shared by the file-safety tests (issue 13, items 6-10): a design-only
// scenario, a small sweep, and what a folder holds.
#pragma once

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "child_process.hpp"
#include "reliability_support.hpp"

namespace twinsim::test {

inline const char* kSafetyScenario = R"(name: file-safety
seed: 11
replicates: 400
dose_levels: [1, 2, 3, 4, 5]
toxicity: {true_dlt_probabilities: [0.05, 0.10, 0.20, 0.30, 0.50]}
designs:
  - {name: 3+3, type: three_plus_three}
  - {name: boin, type: boin, target: 0.3, cohort_size: 3, max_patients: 30}
)";

// A design-only sweep of len(seeds) x len(replicates) variants (grid, the
// replicates axis fastest), written to dir/sweep.yaml.
inline std::string safety_sweep(const TempDir& dir, const std::string& seeds, const std::string& replicates) {
  const std::string path = dir.file("sweep.yaml");
  write_file(path, "base:\n"
                   "  name: safety\n"
                   "  seed: 3\n"
                   "  replicates: 100\n"
                   "  dose_levels: [1, 2, 3, 4, 5]\n"
                   "  toxicity: {true_dlt_probabilities: [0.05, 0.10, 0.20, 0.30, 0.50]}\n"
                   "  designs:\n"
                   "    - {name: boin, type: boin, target: 0.3, cohort_size: 3, max_patients: 30}\n"
                   "    - {name: crm, type: crm, target: 0.3, skeleton: [0.05, 0.12, 0.25, 0.40, 0.55]}\n"
                   "axes:\n"
                   "  seed: [" + seeds + "]\n"
                   "  replicates: [" + replicates + "]\n");
  return path;
}

// A temporary file in dir (false while dir does not exist yet).
inline bool temp_in(const std::filesystem::path& dir) {
  std::error_code ec;
  return std::filesystem::is_directory(dir, ec) && has_temp_file(dir);
}

// Replicates of a variant that keeps a sweep busy while other processes try
// its folder: about 0.5 s in Release, 2-3 s under ASan (which slows the
// other processes too, so the margin stays).
inline std::string long_replicates() { return kAddressSanitizer ? "6000" : "20000"; }

inline std::size_t count_with(const std::filesystem::path& dir, const std::string& ext) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return 0;
  return files_in(dir.string(), ext).size();
}

// lstat's file type of path (0 if absent).
inline unsigned file_type(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 ? (st.st_mode & S_IFMT) : 0u;
}

// A listening Unix socket at path (the descriptor stays open for the test).
inline int make_socket(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  return ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0 ? fd : -1;
}

inline std::string log_of(const TempDir& dir, const std::string& name) { return read_all(dir.file(name)); }

}  // namespace twinsim::test
