// Exposure per arm: the mean and the geometric mean of each patient-level
// exposure metric (patients/ columns cmax, auc_first, ...) per dose and over
// all doses of a design, with Monte-Carlo SEs, and between two designs that
// saw the same virtual patients the paired difference of means and the ratio
// of geometric means (GMR, the usual comparison of exposures, e.g. QD vs BID).
//
// The trial is the independent unit: patients of one trial share the
// design's path (which doses they got), so the SE of a mean over patients is
// that of a ratio estimator over trials, mean = ΣA_r / ΣN_r with A_r the sum
// and N_r the count of trial r, linearised as z_r = (A_r − mean·N_r) / N̄
// (Cochran 1977, §6.4), SE = sd(z)/sqrt(R). A patient whose solve failed has
// no exposure (NaN) and is left out. Geometric means work on log values; a
// cell with a value ≤ 0 (e.g. a trough of 0 before any dose) has none.
//
// As for every OC, only sums over trials are kept (memory flat in R). The
// values are real, so the sums are long double (not exact integers as in
// oc_report.hpp); they are added in trial order, so a file gives the same
// numbers whichever process reads it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "twinsim/trial/results/oc_metrics.hpp"

namespace twinsim::trial {

struct ExposureMetric {
  const char* column;  // patients/ column
  const char* title;   // what the report prints
  const char* unit;
};

// Every metric this summary knows, in output order; a design shows those
// its patients/ table has (PK/PD mode; none in design-only mode).
const std::vector<ExposureMetric>& exposure_metrics();

// Σ over trials of A_r, A_r², N_r, N_r², A_r·N_r for one cell (metric × dose).
struct RatioSums {
  long double a = 0, aa = 0, n = 0, nn = 0, an = 0;
  void add(long double A, std::int64_t N);
};

// Cross sums of two designs' cells over the same trials: Σ A·B, A·M, N·B, N·M
// (A, N of the design; B, M of the reference).
struct RatioCrossSums {
  long double ab = 0, am = 0, nb = 0, nm = 0;
  void add(long double A, std::int64_t N, long double B, std::int64_t M);
};

// One trial's values of a design: per metric (in the order of the design's
// ExposureSums::metrics) and cell (doses 0..D-1, then D = all doses).
struct ExposureTrial {
  std::vector<double> sum, log_sum;               // [M x (D + 1)]
  std::vector<std::int64_t> count, nonpositive;   // finite values; of them <= 0
  void reset(std::size_t metrics, std::size_t doses);
  // Adds one patient's value of metric m at dose d (NaN: nothing).
  void add(std::size_t m, std::size_t d, std::size_t doses, double v);
};

struct ExposureCellSums {
  RatioSums linear, log;
  std::int64_t patients = 0, nonpositive = 0;
};

struct ExposureSums {
  std::vector<std::size_t> metrics;  // indices into exposure_metrics()
  std::size_t doses = 0;
  std::int64_t trials = 0;
  std::vector<ExposureCellSums> cells;  // [M x (D + 1)]
  void init(std::vector<std::size_t> metric_indices, std::size_t n_doses);
  void add(const ExposureTrial& t);
};

// The all-doses cell of a design with the reference design, trial by trial,
// per metric the two designs share.
struct ExposurePairSums {
  std::string reference;  // pair_key of the reference design
  struct Metric {
    std::size_t metric = 0;       // index into exposure_metrics()
    std::size_t row_a = 0, row_b = 0;  // its row in each design's ExposureSums
    RatioCrossSums linear, log;
  };
  std::vector<Metric> metrics;
  ExposurePairSums(std::string reference_key, const ExposureSums& a, const ExposureSums& b);
  void add(const ExposureTrial& a, std::size_t doses_a, const ExposureTrial& b, std::size_t doses_b);
};

struct ExposureOc {
  std::size_t metric = 0;  // index into exposure_metrics()
  int dose_index = -1;     // -1: all doses
  std::int64_t patients = 0;
  Estimate mean, geometric_mean;
  Estimate log_mean;  // mean of log values (for ratios)
};

// A design's exposure summary: rows for every metric, its doses with
// patients and (when it treated more than one dose level) all doses.
struct DesignExposure {
  ExposureSums sums;
  std::optional<ExposurePairSums> with_reference;
  std::vector<ExposureOc> rows;
  bool empty() const { return rows.empty(); }
  // The all-doses row of a metric, or nullptr.
  const ExposureOc* overall(std::size_t metric) const;
};

// Fills rows from sums.
void summarise_exposure(DesignExposure& e);

struct ExposureDifference {
  std::size_t metric = 0;
  Estimate mean_difference;  // design − reference, over all doses
  Estimate gmr;              // ratio of geometric means, design / reference
};

// Design a minus (over) the reference b on every metric both have; paired
// when pair is given (same trials, same virtual patients), else as
// independent estimates.
std::vector<ExposureDifference> exposure_differences(const DesignExposure& a, const DesignExposure& b,
                                                     const ExposurePairSums* pair);

// A source of one design's per-trial exposures, in trial order.
class ExposureStream {
 public:
  virtual ~ExposureStream() = default;
  virtual std::int64_t trials() const = 0;
  // Metric indices it has (into exposure_metrics()).
  virtual const std::vector<std::size_t>& metrics() const = 0;
  // Trial r's values (r = 0, 1, ... in order); valid until the next call.
  virtual const ExposureTrial& next() = 0;
  virtual void finish() {}
};

// Sums every stream's trials in lock-step by trial number, each stream with as
// many trials as the first paired with it (reference_key: pair_key of the first).
// doses[k]: dose levels of stream k's file. Returns one summary per stream.
std::vector<DesignExposure> sum_exposure_in_lockstep(const std::vector<ExposureStream*>& streams,
                                                     const std::vector<std::size_t>& doses,
                                                     const std::string& reference_key);

}  // namespace twinsim::trial
