// A design's patients/ exposure columns read a block at a time, as per-trial
// sums for exposure_oc.hpp (internal to result_reader.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "twinsim/core/h5.hpp"
#include "twinsim/trial/results/exposure_oc.hpp"

namespace twinsim::trial {

class FileExposureStream final : public ExposureStream {
 public:
  // group: "/designs/<name>"; trials: the design's trials/ length (the
  // stream gives that many trials, patients/ rows grouped by trial in order,
  // as DesignStream has checked). A file without patients/ or without any
  // exposure column gives no metrics.
  FileExposureStream(const core::H5Reader& h5, const std::string& group, std::size_t doses, std::int64_t trials);
  std::int64_t trials() const override { return trials_; }
  const std::vector<std::size_t>& metrics() const override { return metrics_; }
  const ExposureTrial& next() override;

 private:
  bool row(std::int64_t& trial);  // trial of the next patients/ row; false at the end

  std::size_t doses_;
  std::int64_t trials_;
  std::int64_t next_trial_ = 0;
  std::vector<std::size_t> metrics_;
  std::optional<core::H5Column> trial_, dose_;
  std::vector<std::unique_ptr<core::H5Column>> values_;
  std::vector<std::int64_t> trial_buf_, dose_buf_;
  std::vector<std::vector<double>> value_buf_;
  std::uint64_t read_ = 0;
  std::size_t at_ = 0;
  ExposureTrial t_;
};

}  // namespace twinsim::trial
