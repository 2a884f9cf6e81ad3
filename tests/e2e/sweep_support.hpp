// Helpers for the sweep end-to-end tests: a small sweep file, reading every OC
// dataset of a result file bit for bit, waiting for a background sweep.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "test_support.hpp"
#include "twinsim/core/h5.hpp"

namespace twinsim::test {

// Design-only, inline base: `variants` seeds x 2 BOIN targets, fast to run.
inline std::string small_sweep(const TempDir& dir, int replicates, int seeds) {
  std::string seed_list;
  for (int i = 0; i < seeds; ++i) seed_list += (i ? ", " : "") + std::to_string(11 + i);
  const std::string text = "base:\n"
                           "  name: small\n"
                           "  seed: 3\n"
                           "  replicates: " + std::to_string(replicates) + "\n"
                           "  dose_levels: [1, 2, 3, 4, 5]\n"
                           "  toxicity: {true_dlt_probabilities: [0.05, 0.10, 0.20, 0.30, 0.50]}\n"
                           "  designs:\n"
                           "    - {name: 3+3, type: three_plus_three}\n"
                           "    - {name: boin, type: boin, target: 0.3, cohort_size: 3, max_patients: 30}\n"
                           "    - {name: crm, type: crm, target: 0.3, skeleton: [0.05, 0.12, 0.25, 0.40, 0.55]}\n"
                           "axes:\n"
                           "  designs[boin].target: [0.25, 0.3]\n"
                           "  seed: [" + seed_list + "]\n";
  const std::string path = dir.file("sweep.yaml");
  write_file(path, text);
  return path;
}

// Every dataset under <prefix>/designs/*/oc/, as raw 64-bit patterns (so NaN
// compares equal to NaN and -0 differs from 0: "bit-identical").
inline std::map<std::string, std::vector<std::uint64_t>> oc_bits(const std::string& file,
                                                                 const std::string& prefix = "") {
  std::map<std::string, std::vector<std::uint64_t>> out;
  const core::H5Reader h5(file);
  for (const auto& d : h5.children(prefix + "/designs")) {
    const std::string oc = prefix + "/designs/" + d + "/oc";
    for (const auto& name : h5.children(oc)) {
      const std::string p = oc + "/" + name;
      std::vector<std::uint64_t> bits;
      if (h5.is_integer(p)) {
        for (auto v : h5.read_ints(p)) bits.push_back(static_cast<std::uint64_t>(v));
      } else {
        for (double v : h5.read_doubles(p)) {
          std::uint64_t b;
          std::memcpy(&b, &v, sizeof b);
          bits.push_back(b);
        }
      }
      out["designs/" + d + "/oc/" + name] = bits;
    }
  }
  return out;
}

// Variant result files of a sweep folder, by file name.
inline std::vector<std::string> variant_files(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& f : files_in(dir, ".h5")) out.push_back(std::filesystem::path(f).filename().string());
  return out;
}

inline bool has_temp_files(const std::string& dir) {
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return true;
  return false;
}

inline std::size_t count_markers(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return 0;
  return files_in(dir, ".done").size();
}

// Polls until at least n variants are marked complete or the process ends.
inline bool wait_for_markers(const std::string& dir, std::size_t n, pid_t pid, double timeout_s = 60) {
  return wait_until([&] { return count_markers(dir) >= n; }, pid, timeout_s);
}

}  // namespace twinsim::test
