#include "twinsim/trial/protocol/regimen.hpp"

#include <algorithm>
#include <cmath>

#include "twinsim/pkpd/pk_simulator.hpp"
#include "twinsim/vp/derived_covariates.hpp"

namespace twinsim::trial {

RegimenSpec RegimenSpec::every(pkpd::Route route, double interval_h, int doses_per_cycle, double cycle_length_h,
                               int cycles, double infusion_duration_h) {
  RegimenSpec g;
  DoseRecordSpec r;
  r.route = route;
  r.duration_h = route == pkpd::Route::kIvInfusion ? infusion_duration_h : 0.0;
  r.ii_h = interval_h;
  r.addl = doses_per_cycle - 1;
  g.records = {r};
  g.interval_h = interval_h;
  g.cycle_length_h = cycle_length_h;
  g.cycles = cycles;
  return g;
}

std::vector<ScheduledDose> RegimenSpec::cycle_doses() const {
  std::vector<ScheduledDose> d;
  for (std::size_t i = 0; i < records.size(); ++i)
    for (int k = 0; k <= records[i].addl; ++k)
      d.push_back({records[i].time_h + k * records[i].ii_h, static_cast<int>(i), 0});
  std::stable_sort(d.begin(), d.end(), [](const ScheduledDose& a, const ScheduledDose& b) { return a.time_h < b.time_h; });
  return d;
}

std::vector<ScheduledDose> RegimenSpec::doses() const {
  const auto one = cycle_doses();
  std::vector<ScheduledDose> d;
  d.reserve(one.size() * static_cast<std::size_t>(cycles));
  for (int c = 0; c < cycles; ++c)
    for (const auto& x : one) d.push_back({c * cycle_length_h + x.time_h, x.record, c});
  return d;
}

std::vector<double> RegimenSpec::dose_times() const {
  std::vector<double> t;
  for (const auto& d : doses()) t.push_back(d.time_h);
  return t;
}

int RegimenSpec::doses_per_cycle() const {
  int n = 0;
  for (const auto& r : records) n += r.addl + 1;
  return n;
}

double RegimenSpec::end_time() const {
  const auto one = cycle_doses();
  const double last_dose = (cycles - 1) * cycle_length_h + (one.empty() ? 0.0 : one.back().time_h);
  return std::max(cycles * cycle_length_h, last_dose + interval_h);
}

double BodySizeDosing::factor(const std::vector<double>& cov) const {
  switch (unit) {
    case DoseUnit::kMg: return 1.0;
    case DoseUnit::kMgPerKg: return cov[static_cast<std::size_t>(weight_covariate)];
    case DoseUnit::kMgPerM2: {
      const double wt = cov[static_cast<std::size_t>(weight_covariate)];
      const double ht = cov[static_cast<std::size_t>(height_covariate)];
      const double bsa = formula == BsaFormula::kMosteller ? vp::bsa_mosteller(wt, ht) : vp::bsa_dubois(wt, ht);
      return bsa_cap_m2 > 0 ? std::min(bsa, bsa_cap_m2) : bsa;
    }
  }
  return 1.0;
}

double BodySizeDosing::given_mg(double amount, double f) const {
  const double mg = amount * f;
  return round_to_mg > 0 ? std::round(mg / round_to_mg) * round_to_mg : mg;
}

core::DoseEvent make_record_dose(const pkpd::PkSystem& pk, const DoseRecordSpec& r, double time_h, double amount_mg) {
  core::DoseEvent e = pkpd::make_dose(pk, r.route, time_h, amount_mg, r.duration_h);
  if (r.rate_mg_per_h > 0) {
    e.duration = 0.0;
    e.rate = r.rate_mg_per_h;
  }
  if (r.cmt > 0) e.cmt = state_of_cmt(pk, r.cmt);
  return e;
}

int state_of_cmt(const pkpd::PkSystem& pk, int cmt) {
  // The layout puts AUC after the last dosable compartment.
  return cmt >= 1 && cmt <= pk.idx_auc ? cmt - 1 : -1;
}

}  // namespace twinsim::trial
