// A design's tables read a block of trials at a time (oc_stream.hpp).
#include "oc_stream.hpp"

#include <algorithm>

#include "twinsim/core/error.hpp"
#include "twinsim/trial/io/schema.hpp"

namespace twinsim::trial {

DesignStream::DesignStream(const core::H5Reader& h5, const std::string& group, std::size_t doses, std::string where,
                           std::int64_t max_patients, bool allow_empty)
    : where_(std::move(where)),
      doses_(doses),
      max_patients_(max_patients),
      trial_(h5, schema::table(group, schema::kTrials) + schema::col::kTrial),
      selected_(h5, schema::table(group, schema::kTrials) + schema::col::kSelectedDose),
      n_patients_(h5, schema::table(group, schema::kTrials) + schema::col::kNPatients),
      n_dlts_(h5, schema::table(group, schema::kTrials) + schema::col::kNDlts),
      h5_(h5),
      group_(group) {
  namespace col = schema::col;
  const std::string t = schema::table(group, schema::kTrials), p = schema::table(group, schema::kPatients);
  // No patients/ group at all: written with output.patients: false. A group
  // with some columns missing is a damaged file and fails below.
  if (h5.exists(t + col::kNCohorts)) cohorts_.emplace(h5, t + col::kNCohorts);
  if (h5.exists(group + "/" + schema::kPatients)) {
    p_trial_.emplace(h5, p + col::kTrial);
    p_dose_.emplace(h5, p + col::kDoseIndex);
    p_dlt_.emplace(h5, p + col::kDlt);
  }
  const std::uint64_t R = trial_.rows();
  if (R == 0 && !allow_empty) fail("no trials (trials/trial is empty)");
  if (selected_.rows() != R || n_patients_.rows() != R || n_dlts_.rows() != R || (cohorts_ && cohorts_->rows() != R))
    fail("trials/ columns have different lengths");
  if (p_trial_ && (p_dose_->rows() != p_trial_->rows() || p_dlt_->rows() != p_trial_->rows()))
    fail("patients/ columns have different lengths");
  if (R > static_cast<std::uint64_t>(kMaxTrials))
    fail(std::to_string(R) + " trials, more than report and compare read (" + std::to_string(kMaxTrials) + ")");
  trials_ = static_cast<std::int64_t>(R);
  current_.patients.assign(doses, 0);
  current_.dlts.assign(doses, 0);
}

bool DesignStream::use_durations() {
  const std::string path = schema::table(group_, schema::kTrials) + schema::col::kDurationDays;
  if (!h5_.exists(path)) return false;
  duration_.emplace(h5_, path);
  if (duration_->rows() != static_cast<std::uint64_t>(trials_)) fail("trials/duration_days has a different length");
  return true;
}

void DesignStream::fail(const std::string& what) const { throw core::RuntimeError(where_ + what); }

void DesignStream::load(std::int64_t first, std::int64_t n) {
  const auto f = static_cast<std::uint64_t>(first), k = static_cast<std::uint64_t>(n);
  trial_.read(f, k, t_trial_);
  selected_.read(f, k, t_selected_);
  n_patients_.read(f, k, t_n_);
  n_dlts_.read(f, k, t_y_);
  if (cohorts_) cohorts_->read(f, k, t_c_);
  if (duration_) duration_->read(f, k, t_duration_);
  first_ = first;
  next_ = 0;
}

bool DesignStream::patient_row(std::int64_t& trial) {
  if (!p_trial_) return false;
  if (p_next_ == p_trial_buf_.size()) {
    const std::uint64_t left = p_trial_->rows() - p_read_;
    if (left == 0) return false;
    const std::uint64_t n = std::min(left, static_cast<std::uint64_t>(kStreamBlockRows));
    p_trial_->read(p_read_, n, p_trial_buf_);
    p_dose_->read(p_read_, n, p_dose_buf_);
    p_dlt_->read(p_read_, n, p_dlt_buf_);
    p_read_ += n;
    p_next_ = 0;
  }
  trial = p_trial_buf_[p_next_];
  return true;
}

const TrialValues& DesignStream::next() {
  const std::size_t i = next_++;
  const std::int64_t r = first_ + static_cast<std::int64_t>(i);
  const std::string rs = std::to_string(r);
  // Trial r of every design is read together with trial r of the others, so
  // rows must be in trial order (the writer's order); any other order would
  // need the whole table in memory.
  if (t_trial_[i] != r)
    fail("trials/trial is not 0.." + std::to_string(trials_ - 1) + " in order (row " + rs + " holds trial " +
         std::to_string(t_trial_[i]) + ")");
  TrialValues& v = current_;
  for (const std::size_t d : v.doses_used) v.patients[d] = v.dlts[d] = 0;
  v.doses_used.clear();
  v.selected = t_selected_[i];
  v.n_patients = t_n_[i];
  v.n_dlts = t_y_[i];
  if (v.selected < -1 || v.selected >= static_cast<std::int64_t>(doses_))
    fail("trials/selected_dose " + std::to_string(v.selected) + " is not a dose index (or -1)");
  if (v.n_patients < 0 || v.n_patients > kMaxCount)
    fail("trials/n_patients " + std::to_string(v.n_patients) + " is not a patient count");
  if (v.n_dlts < 0 || v.n_dlts > kMaxCount) fail("trials/n_dlts " + std::to_string(v.n_dlts) + " is not a DLT count");
  if (max_patients_ > 0 && v.n_patients > max_patients_)
    fail("trial " + rs + ": trials/n_patients " + std::to_string(v.n_patients) + " is more than the design's max_patients " +
         std::to_string(max_patients_));
  if (duration_) {
    v.duration_days = t_duration_[i];
    if (!(v.duration_days >= 0.0)) fail("trial " + rs + ": trials/duration_days is not a number of days");
  }
  if (cohorts_) {
    v.n_cohorts = t_c_[i];
    if (v.n_cohorts < 0 || v.n_cohorts > v.n_patients)
      fail("trial " + rs + ": trials/n_cohorts " + std::to_string(v.n_cohorts) + " is not a cohort count for " +
           std::to_string(v.n_patients) + " patients");
  }

  std::int64_t trial = 0, n = 0, y = 0;
  while (patient_row(trial) && trial <= r) {
    if (trial < 0) fail("patients/trial " + std::to_string(trial) + " is not a trial");
    if (trial < r) out_of_order(trial);
    const std::int64_t d = p_dose_buf_[p_next_], dlt = p_dlt_buf_[p_next_];
    if (d < 0 || d >= static_cast<std::int64_t>(doses_))
      fail("patients/dose_index " + std::to_string(d) + " is not a dose index");
    if (dlt != 0 && dlt != 1) fail("patients/dlt " + std::to_string(dlt) + " is not 0 or 1");
    if (++n > kMaxCount) fail("trial " + rs + " has more than " + std::to_string(kMaxCount) + " patients");
    const auto k = static_cast<std::size_t>(d);
    if (v.patients[k] == 0) v.doses_used.push_back(k);
    ++v.patients[k];
    v.dlts[k] += dlt;
    y += dlt;
    ++p_next_;
    p_last_trial_ = trial;
  }
  if (p_trial_ && warning.empty() && (n != v.n_patients || y != v.n_dlts))
    warning = "trial " + rs + ": trials/ says " + std::to_string(v.n_patients) + " patients and " +
              std::to_string(v.n_dlts) + " DLTs, patients/ has " + std::to_string(n) + " and " + std::to_string(y);
  return v;
}

void DesignStream::finish() {
  std::int64_t trial = 0;
  if (!patient_row(trial)) return;
  if (trial < 0 || trial >= trials_) fail("patients/trial " + std::to_string(trial) + " is not a trial");
  out_of_order(trial);
}

void DesignStream::out_of_order(std::int64_t trial) const {
  fail("patients/ rows are not in trial order (a row of trial " + std::to_string(trial) + " after one of trial " +
       std::to_string(p_last_trial_) + ")");
}

}  // namespace twinsim::trial
