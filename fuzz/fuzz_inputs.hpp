// What the libFuzzer targets do with one input, shared with the regression
// test (tests/reliability/test_fuzz_regressions.cpp) so that every input the
// fuzzer ever crashed on is replayed through exactly the same code.
//
// Contract under test: bad input ends in a typed twinsim error (TwinsimError:
// ScenarioError, UsageError, RuntimeError); nothing else may escape, and no
// crash, leak, undefined behaviour or hang may happen.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "twinsim/core/error.hpp"
#include "twinsim/trial/report/oc_format.hpp"
#include "twinsim/trial/io/result_reader.hpp"
#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace twinsim::fuzz {

// Bytes as a scenario file: loader and validator, as `twinsim validate` and
// `twinsim run` see them, then the patient model `run` builds. Returns true if
// the scenario was accepted.
inline bool scenario_bytes(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const trial::Scenario s = trial::load_scenario_text(text, "fuzz.yaml");
    (void)trial::make_patient_model(s);
    return true;
  } catch (const core::TwinsimError&) {
    return false;
  }
}

// Bytes as a result file at `path`, read by the code behind `twinsim report`
// and `twinsim compare`. Returns true if the file was read as a result file.
inline bool result_file_bytes(const std::string& path, const std::uint8_t* data, std::size_t size) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();  // the environment is broken, not twinsim
  const bool written = std::fwrite(data, 1, size, f) == size;
  if (std::fclose(f) != 0 || !written) std::abort();
  try {
    (void)trial::format_report(trial::read_oc_report(path), trial::OcFormat::kJson);
    std::vector<trial::OcReport> reports = trial::read_oc_reports({path, path});  // as `compare F F`
    trial::assume_targets(reports, std::nullopt);
    (void)trial::format_comparison(trial::compare_reports(reports), trial::OcFormat::kTable);
    return true;
  } catch (const core::TwinsimError&) {
    return false;
  }
}

// A scratch file name unique to this process.
inline std::string scratch_path(const std::string& tag) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir && *dir ? dir : "/tmp") + "/twinsim-" + tag + "-" + std::to_string(::getpid()) + ".h5";
}

}  // namespace twinsim::fuzz
