// Per-trial exposure sums from a result file (exposure_stream.hpp).
#include "exposure_stream.hpp"

#include <algorithm>
#include <memory>

#include "oc_stream.hpp"
#include "twinsim/trial/io/schema.hpp"

namespace twinsim::trial {

FileExposureStream::FileExposureStream(const core::H5Reader& h5, const std::string& group, std::size_t doses,
                                       std::int64_t trials)
    : doses_(doses), trials_(trials) {
  namespace col = schema::col;
  const std::string p = schema::table(group, schema::kPatients);
  if (h5.exists(group + "/" + schema::kPatients)) {
    const auto& all = exposure_metrics();
    for (std::size_t m = 0; m < all.size(); ++m) {
      const std::string path = p + all[m].column;
      if (!h5.exists(path) || h5.is_integer(path)) continue;
      metrics_.push_back(m);
      values_.push_back(std::make_unique<core::H5Column>(h5, path));
    }
    if (!metrics_.empty()) {
      trial_.emplace(h5, p + col::kTrial);
      dose_.emplace(h5, p + col::kDoseIndex);
    }
  }
  value_buf_.resize(values_.size());
}

bool FileExposureStream::row(std::int64_t& trial) {
  if (!trial_) return false;
  if (at_ == trial_buf_.size()) {
    const std::uint64_t left = trial_->rows() - read_;
    if (left == 0) return false;
    const std::uint64_t n = std::min(left, static_cast<std::uint64_t>(kStreamBlockRows));
    trial_->read(read_, n, trial_buf_);
    dose_->read(read_, n, dose_buf_);
    for (std::size_t m = 0; m < values_.size(); ++m) {
      // A column shorter than patients/trial is a damaged file: read() says so.
      values_[m]->read(read_, n, value_buf_[m]);
    }
    read_ += n;
    at_ = 0;
  }
  trial = trial_buf_[at_];
  return true;
}

const ExposureTrial& FileExposureStream::next() {
  const std::int64_t r = next_trial_++;
  t_.reset(metrics_.size(), doses_);
  std::int64_t trial = 0;
  // Rows, trial order and dose indices were checked by the OC pass (DesignStream).
  while (row(trial) && trial == r) {
    const std::int64_t d = dose_buf_[at_];
    if (d >= 0 && d < static_cast<std::int64_t>(doses_))
      for (std::size_t m = 0; m < values_.size(); ++m) t_.add(m, static_cast<std::size_t>(d), doses_, value_buf_[m][at_]);
    ++at_;
  }
  return t_;
}

}  // namespace twinsim::trial
