#include "twinsim/trial/results.hpp"

#include <cmath>

namespace twinsim::trial {

OcAccumulator::OcAccumulator(std::size_t n_doses, int target_dose, double gap_days, double window_days)
    : d_(n_doses), target_(target_dose), gap_(gap_days), window_(window_days), select_(n_doses), patients_(n_doses),
      dlts_(n_doses) {}

void OcAccumulator::add(const TrialRow& t) {
  ++r_;
  for (std::size_t d = 0; d < d_; ++d) {
    select_[d].add(t.selected_dose == static_cast<std::int64_t>(d) ? 1.0 : 0.0);
    patients_[d].add(d < t.n_per_dose.size() ? t.n_per_dose[d] : 0);
    dlts_[d].add(d < t.dlt_per_dose.size() ? t.dlt_per_dose[d] : 0);
  }
  none_.add(t.selected_dose < 0 ? 1.0 : 0.0);
  correct_.add(target_ >= 0 && t.selected_dose == target_ ? 1.0 : 0.0);
  double above = 0.0;
  if (target_ >= 0)
    for (std::size_t d = static_cast<std::size_t>(target_) + 1; d < t.n_per_dose.size(); ++d) above += t.n_per_dose[d];
  above_.add(above);
  above_times_total_ += above * static_cast<double>(t.n_patients);
  // Cohorts run one after another: each needs (size - 1) arrival gaps and a DLT window.
  if (gap_ >= 0)
    duration_.add(static_cast<double>(t.n_patients - t.n_cohorts) * gap_ + static_cast<double>(t.n_cohorts) * window_);
  total_patients_.add(static_cast<double>(t.n_patients));
  total_dlts_.add(static_cast<double>(t.n_dlts));
}

double OcAccumulator::mean(const Moments& m) const { return r_ > 0 ? m.sum / static_cast<double>(r_) : 0.0; }

double OcAccumulator::se(const Moments& m) const {
  if (r_ < 2) return std::numeric_limits<double>::quiet_NaN();
  const double n = static_cast<double>(r_);
  const double mu = m.sum / n;
  const double var = std::max(0.0, (m.sumsq - n * mu * mu) / (n - 1.0));
  return std::sqrt(var / n);
}

namespace {
template <class F>
std::vector<double> per_dose(std::size_t d, F f) {
  std::vector<double> out(d);
  for (std::size_t i = 0; i < d; ++i) out[i] = f(i);
  return out;
}
}  // namespace

double OcAccumulator::p_treated_above_target() const {
  return total_patients_.sum > 0 ? above_.sum / total_patients_.sum : 0.0;
}

double OcAccumulator::p_treated_above_target_se() const {
  if (r_ < 2 || total_patients_.sum <= 0) return std::numeric_limits<double>::quiet_NaN();
  // Ratio estimator a/n: Var ~ Var(a_i - q n_i) / (R * mean(n)^2).
  const double n = static_cast<double>(r_);
  const double q = p_treated_above_target();
  const double mean_n = total_patients_.sum / n;
  const double s_dd = above_.sumsq - 2 * q * above_times_total_ + q * q * total_patients_.sumsq;  // sum (a - q n)^2
  const double var = std::max(0.0, s_dd / (n - 1.0));
  return std::sqrt(var / n) / mean_n;
}

std::vector<double> OcAccumulator::p_select() const { return per_dose(d_, [&](std::size_t i) { return mean(select_[i]); }); }
std::vector<double> OcAccumulator::p_select_se() const { return per_dose(d_, [&](std::size_t i) { return se(select_[i]); }); }
double OcAccumulator::p_no_selection() const { return mean(none_); }
double OcAccumulator::p_no_selection_se() const { return se(none_); }
std::vector<double> OcAccumulator::mean_patients() const { return per_dose(d_, [&](std::size_t i) { return mean(patients_[i]); }); }
std::vector<double> OcAccumulator::mean_patients_se() const { return per_dose(d_, [&](std::size_t i) { return se(patients_[i]); }); }
std::vector<double> OcAccumulator::mean_dlts() const { return per_dose(d_, [&](std::size_t i) { return mean(dlts_[i]); }); }
std::vector<double> OcAccumulator::mean_dlts_se() const { return per_dose(d_, [&](std::size_t i) { return se(dlts_[i]); }); }
double OcAccumulator::mean_total_patients() const { return mean(total_patients_); }
double OcAccumulator::mean_total_patients_se() const { return se(total_patients_); }
double OcAccumulator::mean_total_dlts() const { return mean(total_dlts_); }
double OcAccumulator::mean_total_dlts_se() const { return se(total_dlts_); }

}  // namespace twinsim::trial
