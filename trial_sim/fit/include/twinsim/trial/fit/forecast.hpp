// `twinsim forecast`: a fitted patient's next cycle under candidate regimens,
// from their observed dosing history, with the random effects drawn from the
// individual posterior in its Laplace approximation, N(MAP, covariance)
// (docs/fit.md, "Forecast"). Draw d of patient k uses the counter-based
// stream (seed, kForecast, d, k), and every candidate sees the same draws
// (paired comparisons). Units: h, mg, mg/L, mg*h/L, ANC 10^9/L, tumour mm.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "twinsim/trial/fit/map_fit.hpp"
#include "twinsim/trial/scenario/forecast_spec.hpp"

namespace twinsim::trial {

// Median and 90 % interval (5th, 95th percentiles, R's type 7) over the
// draws that solved; NaN when the quantity does not exist or no draw solved.
struct ForecastQuantiles {
  double median, lo, hi;
};

struct CandidateForecast {
  std::string name;
  double dose_mg = 0.0;
  // P(CTCAE grade >= 3 / >= 4 neutropenia in the forecast cycle): the ANC
  // nadir below 1.0 / 0.5 x10^9/L. NaN without an ANC output.
  double p_grade3 = 0.0, p_grade4 = 0.0;
  ForecastQuantiles nadir{};    // lowest ANC on the grid of the cycle
  ForecastQuantiles cmax{};     // highest Cc on the grid of the cycle
  ForecastQuantiles auc{};      // integral of Cc over the cycle (exact: the model's AUC state)
  ForecastQuantiles ctrough{};  // Cc at the end of the cycle
  ForecastQuantiles tumour{};   // TUMOR at the end of the cycle; NaN without a TUMOR output
  std::int64_t draws = 0, failed = 0;  // failed: solve failures or parameters out of range
};

struct PatientForecast {
  double id = 0.0;
  double start_h = 0.0, end_h = 0.0;
  std::vector<CandidateForecast> candidates;
};

// One draw's outcome under one candidate (forecast_draw), NaN where undefined.
struct DrawOutcome {
  bool ok = false;
  double nadir, cmax, auc, ctrough, tumour;
};

// Start of the forecast cycle for this history (spec.start_h or the next
// cycle boundary after the last dose). Throws ScenarioError at start_h when
// it is before the last dose of the history.
double forecast_start(const ForecastSpec& spec, const IndividualObjective& history, double id);

// The patient at individual parameter values `params` under candidate c.
DrawOutcome forecast_draw(const Scenario& scenario, const IndividualObjective& history, const ForecastSpec& spec,
                          std::size_t c, double start_h, const std::vector<double>& params);

// history: the objective of the fitted individual (its doses and covariates),
// patient: its index in the data set (the stream key).
PatientForecast forecast_individual(const Scenario& scenario, IndividualObjective& history, const IndividualFit& fit,
                                    std::uint64_t patient, const ForecastSpec& spec);

}  // namespace twinsim::trial
