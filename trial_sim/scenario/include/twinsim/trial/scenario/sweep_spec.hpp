// A sweep file, read and validated: a base scenario plus axes that override
// scenario keys by path, expanded into variants (docs/sweeps.md). An inert
// description: sweep/ runs, merges and reports it without reading YAML.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "twinsim/trial/scenario/scenario.hpp"

namespace twinsim::trial {

struct SweepLimits {
  // Every variant is built and validated before anything runs (0.3-0.6 ms
  // each, docs/sweeps.md) and kept in memory (about 1 kB each): 10^5 variants
  // take under a minute and 100 MB; larger grids belong in several sweep files.
  static constexpr std::size_t kMaxVariants = 100'000;
  static constexpr std::size_t kMaxAxes = 32;
};

struct SweepAxis {
  std::string path;                 // scenario key path, "designs[boin].target"
  std::vector<std::string> values;  // each value as one-line YAML, "0.25", "[0.05, 0.1]"
};

struct SweepVariant {
  std::size_t index = 0;            // 0-based position in the sweep (grid: last axis fastest)
  std::string id;                   // "v003-1a2b3c4d": padded index + hash of the overrides
  std::vector<std::string> values;  // one per axis (SweepAxis::values entry)
  std::string scenario_yaml;        // the full effective scenario text
  // 16 hex digits of scenario_yaml, the twinsim version and the content of
  // files the scenario reads (population.csv): the completion markers check it.
  std::string hash;
};

struct SweepSpec {
  std::string path;      // the sweep file
  std::string base_file;  // the base scenario file ("" when inline)
  std::string base_dir;   // relative file names in the scenario resolve here
  std::string combine;    // "grid" | "zip"
  std::vector<SweepAxis> axes;
  std::vector<SweepVariant> variants;
  std::string hash;  // 16 hex digits over all variants: identifies the sweep in the manifest
};

// Parses the sweep file, expands and validates every variant; collects every
// problem and throws core::ScenarioError (messages name the variant). The
// variant count is checked against SweepLimits::kMaxVariants from the axis
// lengths before any variant is built. `before_variant`, if given, is called
// before each variant is built; whatever it throws stops the expansion (the
// sweep's stop poll throws Interrupted).
SweepSpec load_sweep_spec(const std::string& path, const std::function<void()>& before_variant = {});

// The variant's scenario exactly as `twinsim run` loads its text.
Scenario load_variant(const SweepSpec& sweep, const SweepVariant& v);

// FNV-1a 64-bit as 16 lower-case hex digits (ids, manifest, markers).
std::string hash_hex(const std::string& text);

}  // namespace twinsim::trial
