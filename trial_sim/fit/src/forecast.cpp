// Forecast of a fitted patient: each draw simulates the whole observed
// history again (the Friberg and tumour states carry it into the next cycle)
// and then the candidate's cycle, sampled on a grid. The history is re-solved
// per draw and candidate because the states at the forecast start depend on
// the drawn etas.
#include "twinsim/trial/fit/forecast.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Cholesky>

#include "twinsim/core/rng.hpp"
#include "twinsim/pkpd/pk_simulator.hpp"
#include "twinsim/trial/endpoints/ctcae.hpp"
#include "twinsim/trial/patient/pk_patient_model.hpp"

namespace twinsim::trial {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kTumourOutput = "TUMOR";

int pd_block(const Scenario& s, const char* name) {
  for (std::size_t b = 0; b < s.pd.size(); ++b)
    if (s.pd[b].name == name) return static_cast<int>(b);
  return -1;
}

// R's quantile type 7 of sorted values.
double quantile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return kNaN;
  const double h = (static_cast<double>(sorted.size()) - 1) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

ForecastQuantiles summarise(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  std::sort(v.begin(), v.end());
  return {quantile(v, 0.5), quantile(v, 0.05), quantile(v, 0.95)};
}

// Scratch of one forecast: the model, the solver and the sample grid.
class Forecaster {
 public:
  Forecaster(const Scenario& s, const IndividualObjective& history, const ForecastSpec& spec, double start)
      : history_(history), spec_(spec), model_(s), start_(start), anc_(pd_block(s, kAncOutput)),
        tumour_(pd_block(s, kTumourOutput)) {
    for (const auto& p : s.pk->model->parameters()) ranges_.push_back(p.range);
    for (const auto& d : s.pd)
      for (const auto& p : d.model->parameters()) ranges_.push_back(p.range);
    const double end = start + spec.cycle_length_h;
    const auto n = static_cast<std::size_t>(std::ceil(spec.cycle_length_h / spec.grid_h - 1e-9));
    for (std::size_t j = 0; j < n; ++j) samples_.push_back({start + static_cast<double>(j) * spec.grid_h, true});
    samples_.push_back({end, true});
  }

  DrawOutcome run(std::size_t c, const std::vector<double>& params) {
    DrawOutcome o{false, kNaN, kNaN, kNaN, kNaN, kNaN};
    for (std::size_t k = 0; k < params.size() && k < ranges_.size(); ++k)
      if (!std::isfinite(params[k]) || !ranges_[k].contains(params[k])) return o;
    const pkpd::ModelSystem system = model_.compile(params);
    events_.clear();
    for (const auto& d : history_.history_doses())
      events_.push_back(make_record_dose(system.pk, d.spec, d.time_h, d.amount_mg));
    for (const auto& d : spec_.doses(c, start_)) events_.push_back(make_record_dose(system.pk, d, d.time_h, *d.amount_mg));
    sim_.simulate(system, core::expand_doses(events_), samples_, pkpd::Engine::kAuto, traj_);
    if (traj_.status != core::SolveStatus::kOk) return o;
    const auto col = [&](std::size_t j) { return traj_.states.col(static_cast<Eigen::Index>(j)).data(); };
    const std::size_t last = samples_.size() - 1;
    o.cmax = -std::numeric_limits<double>::infinity();
    o.nadir = anc_ >= 0 ? std::numeric_limits<double>::infinity() : kNaN;
    for (std::size_t j = 0; j <= last; ++j) {
      o.cmax = std::max(o.cmax, system.concentration(col(j)));
      if (anc_ >= 0) o.nadir = std::min(o.nadir, system.output(anc_, col(j)));
    }
    o.auc = system.auc(col(last)) - system.auc(col(0));
    o.ctrough = system.concentration(col(last));
    if (tumour_ >= 0) o.tumour = system.output(tumour_, col(last));
    o.ok = std::isfinite(o.cmax) && std::isfinite(o.auc) && (anc_ < 0 || std::isfinite(o.nadir));
    return o;
  }

  bool has_anc() const { return anc_ >= 0; }

 private:
  const IndividualObjective& history_;
  const ForecastSpec& spec_;
  PkPatientModel model_;
  double start_;
  int anc_, tumour_;
  std::vector<core::Range> ranges_;
  std::vector<pkpd::Sample> samples_;
  std::vector<core::DoseEvent> events_;
  pkpd::PkSimulator sim_;
  pkpd::Trajectory traj_;
};

}  // namespace

double forecast_start(const ForecastSpec& spec, const IndividualObjective& history, double id) {
  double last = -std::numeric_limits<double>::infinity();
  for (const auto& d : history.history_doses()) last = std::max(last, d.time_h);
  if (spec.start_h) {
    if (*spec.start_h < last)
      throw core::ScenarioError(spec.start_mark, "start_h",
                                "the forecast starts at " + core::format_number(*spec.start_h) + " h, before the last dose of ID " +
                                    core::format_number(id) + " at " + core::format_number(last) + " h");
    return *spec.start_h;
  }
  if (!std::isfinite(last)) return 0.0;
  // The next cycle boundary strictly after the last dose.
  return (std::floor(last / spec.cycle_length_h) + 1.0) * spec.cycle_length_h;
}

DrawOutcome forecast_draw(const Scenario& s, const IndividualObjective& history, const ForecastSpec& spec,
                          std::size_t c, double start_h, const std::vector<double>& params) {
  Forecaster f(s, history, spec, start_h);
  return f.run(c, params);
}

PatientForecast forecast_individual(const Scenario& s, IndividualObjective& history, const IndividualFit& fit,
                                    std::uint64_t patient, const ForecastSpec& spec) {
  PatientForecast out;
  out.id = fit.id;
  out.start_h = forecast_start(spec, history, fit.id);
  out.end_h = out.start_h + spec.cycle_length_h;
  Forecaster f(s, history, spec, out.start_h);
  const auto n = static_cast<Eigen::Index>(fit.eta.size());
  // A zero covariance (a collapsed posterior) draws the MAP every time.
  Eigen::MatrixXd lower = Eigen::MatrixXd::Zero(n, n);
  if (n > 0 && fit.covariance.size() == n * n && fit.covariance.cwiseAbs().maxCoeff() > 0) {
    const Eigen::LLT<Eigen::MatrixXd> llt(fit.covariance);
    if (llt.info() != Eigen::Success)
      throw core::RuntimeError("forecast: the posterior covariance of ID " + core::format_number(fit.id) +
                               " is not positive definite");
    lower = llt.matrixL();
  }
  const std::uint64_t seed = spec.seed ? *spec.seed : s.seed;
  const std::size_t nc = spec.candidates.size();
  const auto draws = static_cast<std::size_t>(spec.draws);
  std::vector<std::vector<DrawOutcome>> got(nc, std::vector<DrawOutcome>(draws));
  Eigen::VectorXd z(n);
  std::vector<double> eta(fit.eta.size()), params;
  for (std::size_t d = 0; d < draws; ++d) {
    core::RngStream rng(seed, 0, core::StreamKind::kForecast, d, patient);
    if (n > 0) rng.multivariate_normal(lower, z);
    for (Eigen::Index i = 0; i < n; ++i) eta[static_cast<std::size_t>(i)] = fit.eta[static_cast<std::size_t>(i)] + z[i];
    history.parameters(eta.data(), params);
    for (std::size_t c = 0; c < nc; ++c) got[c][d] = f.run(c, params);
  }
  for (std::size_t c = 0; c < nc; ++c) {
    CandidateForecast cf;
    cf.name = spec.candidates[c].name;
    cf.dose_mg = spec.candidates[c].dose_mg;
    cf.draws = spec.draws;
    std::vector<double> nadir, cmax, auc, ctrough, tumour;
    std::int64_t g3 = 0, g4 = 0;
    for (const auto& o : got[c]) {
      if (!o.ok) {
        ++cf.failed;
        continue;
      }
      nadir.push_back(o.nadir);
      cmax.push_back(o.cmax);
      auc.push_back(o.auc);
      ctrough.push_back(o.ctrough);
      tumour.push_back(o.tumour);
      if (f.has_anc()) {
        const int grade = neutropenia_grade(o.nadir);
        g3 += grade >= 3;
        g4 += grade >= 4;
      }
    }
    const double solved = static_cast<double>(cf.draws - cf.failed);
    cf.p_grade3 = f.has_anc() && solved > 0 ? static_cast<double>(g3) / solved : kNaN;
    cf.p_grade4 = f.has_anc() && solved > 0 ? static_cast<double>(g4) / solved : kNaN;
    cf.nadir = summarise(nadir);
    cf.cmax = summarise(cmax);
    cf.auc = summarise(auc);
    cf.ctrough = summarise(ctrough);
    cf.tumour = summarise(tumour);
    out.candidates.push_back(std::move(cf));
  }
  return out;
}

}  // namespace twinsim::trial
