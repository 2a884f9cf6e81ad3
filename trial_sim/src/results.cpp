#include "twinsim/trial/results.hpp"

#include <cmath>

namespace twinsim::trial {

OcAccumulator::OcAccumulator(std::size_t n_doses)
    : d_(n_doses), select_(n_doses), patients_(n_doses), dlts_(n_doses) {}

void OcAccumulator::add(const TrialRow& t) {
  ++r_;
  for (std::size_t d = 0; d < d_; ++d) {
    select_[d].add(t.selected_dose == static_cast<std::int64_t>(d) ? 1.0 : 0.0);
    patients_[d].add(d < t.n_per_dose.size() ? t.n_per_dose[d] : 0);
    dlts_[d].add(d < t.dlt_per_dose.size() ? t.dlt_per_dose[d] : 0);
  }
  none_.add(t.selected_dose < 0 ? 1.0 : 0.0);
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
