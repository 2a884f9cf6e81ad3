// The candidate regimens of `twinsim forecast FIT.h5 --regimen FILE.yaml`
// (docs/fit.md, "Forecast"): the next cycle of a fitted patient under each
// candidate dose. Times in h (data time, from the data set's TIME origin),
// doses in mg (absolute: body-size dose units are not applied).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "twinsim/core/error.hpp"
#include "twinsim/trial/protocol/regimen.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace twinsim::trial {

struct ForecastCandidate {
  std::string name;      // default "<dose> mg"
  double dose_mg = 0.0;  // every administration of the forecast cycle
  double interval_h = 0.0;
  int doses = 0;  // administrations in the forecast cycle
};

// A forecast keeps every draw's outcome per candidate (for the quantiles):
// draws x candidates is capped so that it stays within about 0.5 GB.
constexpr double kMaxForecastDrawsTimesCandidates = 1e7;

struct ForecastSpec {
  // Start of the forecast cycle; unset: the first multiple of cycle_length_h
  // after the patient's last dose record (the next cycle of a q-cycle regimen).
  std::optional<double> start_h;
  core::SourceMark start_mark;  // for the per-patient check that start_h follows the history
  double cycle_length_h = 0.0;  // default: the scenario's regimen.cycle_length_h
  // Step of the output grid nadir, Cmax and the time of the trough are read on.
  double grid_h = 1.0;
  std::int64_t draws = 1000;           // posterior draws per patient (shared by the candidates)
  std::optional<std::uint64_t> seed;  // default: the scenario's seed
  // Route, infusion duration and CMT of every forecast dose: the scenario's
  // first regimen record.
  DoseRecordSpec route;
  std::vector<ForecastCandidate> candidates;
  std::string source_path;

  // Dosing records of candidate c for a cycle starting at start (h).
  std::vector<DoseRecordSpec> doses(std::size_t c, double start) const;
};

// Reads and validates the forecast file against the fitted scenario (its
// regimen gives the defaults); every problem is a ScenarioError with its
// file:line:col, unknown keys included.
ForecastSpec load_forecast_spec(const std::string& path, const Scenario& scenario);

}  // namespace twinsim::trial
