// TITE-CRM's weighted posterior (tite_crm.hpp).
//
// Numerics: the posterior of beta is integrated by the trapezoidal rule with
// spacing h = 0.005 on [-20, 20]. The integrand is analytic and decays at
// both ends, so the rule converges geometrically (Trefethen & Weideman, SIAM
// Review 56, 2014): relative error about exp(-2 pi^2 (sigma / h)^2), below
// 1e-15 for any posterior sd sigma >= 0.02 (over 2,000 fully weighted
// patients); the prior (sd sqrt(1.34) by default) puts less than e^-149 of
// its mass beyond |beta| = 20. tests/validation/test_tite_crm_posterior.cpp
// checks it against Boost's adaptive Gauss-Kronrod rule.
#include "twinsim/trial/designs/tite_crm.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include "crm_grid.hpp"

namespace twinsim::trial {

namespace {
constexpr double kHalfWidth = 20.0;
constexpr double kStep = 0.005;
}  // namespace

double tite_weight(const EnrolledPatient& p, double now_day, double window_days) {
  if (!(window_days > 0.0)) throw std::invalid_argument("tite_weight: the DLT window must be > 0 days");
  const double u = p.followup_days(now_day);
  if (u >= window_days) return 1.0;
  // A DLT counts once its onset is seen; a source without onset times
  // (NaN dlt_day) reports the DLT at enrolment.
  if (p.dlt && !(p.dlt_day > u)) return 1.0;
  return u <= 0.0 ? 0.0 : u / window_days;
}

bool tite_dlt_seen(const EnrolledPatient& p, double now_day, double window_days) {
  const double u = p.followup_days(now_day);
  return p.dlt && (u >= window_days || !(p.dlt_day > u));
}

bool tite_pending(const EnrolledPatient& p, double now_day, double window_days) {
  if (!p.evaluable || p.enrolled_day > now_day) return false;
  return p.followup_days(now_day) < window_days && !tite_dlt_seen(p, now_day, window_days);
}

double tite_resolution_day(const EnrolledPatient& p, double window_days) {
  const double t = p.dlt && p.dlt_day < window_days ? p.dlt_day : window_days;
  return p.enrolled_day + t;
}

std::vector<TiteObservation> tite_observations(const std::vector<EnrolledPatient>& patients, double now_day,
                                               double window_days) {
  std::vector<TiteObservation> out;
  out.reserve(patients.size());
  for (const auto& p : patients) {
    if (!p.evaluable || p.enrolled_day > now_day) continue;
    TiteObservation o;
    o.dose = p.dose;
    o.weight = tite_weight(p, now_day, window_days);
    const double u = p.followup_days(now_day);
    o.dlt = p.dlt && (u >= window_days || !(p.dlt_day > u));
    out.push_back(o);
  }
  return out;
}

CrmFit tite_crm_fit(const CrmModel& model, double target, const std::vector<TiteObservation>& obs) {
  const std::size_t doses = model.skeleton.size();
  for (const auto& o : obs) {
    if (o.dose < 0 || static_cast<std::size_t>(o.dose) >= doses)
      throw std::invalid_argument("tite_crm_fit: dose index out of range");
    if (!(o.weight >= 0.0 && o.weight <= 1.0)) throw std::invalid_argument("tite_crm_fit: weight must be in [0, 1]");
  }
  const auto k = static_cast<std::size_t>(std::lround(kHalfWidth / kStep));
  const std::size_t nodes = 2 * k + 1;
  std::vector<double> beta(nodes), ll(nodes);
  double mx = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < nodes; ++i) {
    const double b = (static_cast<double>(i) - static_cast<double>(k)) * kStep;
    double v = -b * b / (2.0 * model.prior_var);
    for (const auto& o : obs) {
      double lp, lq;
      detail::log_probs(model, static_cast<std::size_t>(o.dose), b, lp, lq);
      if (o.dlt) {
        v += lp;  // (w p)^1 with w = 1 (the constant log w would cancel anyway)
      } else if (o.weight == 1.0) {
        v += lq;
      } else {
        v += std::log1p(-o.weight * std::exp(lp));
      }
    }
    beta[i] = b;
    ll[i] = v;
    mx = std::max(mx, v);
  }
  double z = 0.0, m1 = 0.0;
  for (std::size_t i = 0; i < nodes; ++i) {
    const double w = std::exp(ll[i] - mx);
    z += w;
    m1 += w * beta[i];
  }
  CrmFit fit;
  fit.beta_mean = m1 / z;
  for (std::size_t d = 0; d < doses; ++d) fit.ptox.push_back(model.ptox(d, fit.beta_mean));
  fit.recommended = detail::recommend_dose(model, fit.beta_mean, target);
  // P(p_lowest > target) is not computed here (no overdose rule in titecrm).
  fit.p_overdose = 0.0;
  return fit;
}

}  // namespace twinsim::trial

// --- type: tite_crm --------------------------------------------------------

namespace twinsim::trial {

// The design's quadrature grid: crm's (spacing from max_patients, the
// adaptive trapezoidal rule of crm.cpp), plus a factor per pending patient.
class TiteCrmGrid : public detail::CrmGrid {
 public:
  using detail::CrmGrid::CrmGrid;
};

namespace {

class TiteCrmRun final : public DesignRun {
 public:
  explicit TiteCrmRun(const TiteCrm& d) : design_(d) {}
  Decision first() override {
    const auto& o = design_.options();
    return {false, o.start_dose, std::min(o.cohort_size, o.max_patients)};
  }
  Decision next(const TrialHistory& history, double now_day) override {
    const auto& o = design_.options();
    const DoseCounts& data = history.counts();
    const int remaining = o.max_patients - data.total_patients;
    if (remaining <= 0) return {true, -1, 0};
    int rec = design_.recommend(history.patients(), now_day, ll_);
    // titesim: cur <- min(mtd, cur + 1), cur the dose of the last patient.
    if (o.restrict) rec = std::min(rec, data.current + 1);
    return {false, rec, std::min(o.cohort_size, remaining)};
  }
  // The runner calls this once every patient has completed the window, so
  // every weight is 1: titesim's final titecrm(weights = 1).
  int select(const TrialHistory& history, double now_day) override {
    if (history.counts().total_patients == 0) return -1;
    return design_.recommend(history.patients(), now_day, ll_);
  }

 private:
  const TiteCrm& design_;
  std::vector<double> ll_;
};

}  // namespace

void TiteCrmOptions::validate(std::size_t n_doses) const {
  CrmOptions c;
  c.model = model;
  c.target = target;
  c.cohort_size = cohort_size;
  c.max_patients = max_patients;
  c.start_dose = start_dose;
  c.validate(n_doses);  // the same model and cohort rules as crm
  if (!(window_days > 0.0)) throw std::invalid_argument("tite_crm: the DLT window must be > 0 days");
}

TiteCrm::TiteCrm(const TiteCrmOptions& o, std::size_t n_doses) : o_(o) {
  o_.validate(n_doses);
  grid_ = std::make_unique<const TiteCrmGrid>(o_.model, o_.max_patients);
}

TiteCrm::~TiteCrm() = default;

std::unique_ptr<DesignRun> TiteCrm::start(DesignWorkspace*) const { return std::make_unique<TiteCrmRun>(*this); }

int TiteCrm::recommend(const std::vector<EnrolledPatient>& patients, double now_day,
                       std::vector<double>& ll) const {
  const std::size_t D = o_.model.skeleton.size();
  std::array<int, kMaxDesignDoses> nc{}, yc{};
  for (const auto& p : patients) {
    if (!p.evaluable || p.enrolled_day > now_day) continue;
    const double u = p.followup_days(now_day);
    const auto d = static_cast<std::size_t>(p.dose);
    const bool seen = p.dlt && (u >= o_.window_days || !(p.dlt_day > u));
    if (seen || u >= o_.window_days) {
      ++nc[d];
      if (seen) ++yc[d];
    }
  }
  grid_->reset(ll, std::vector<int>(nc.begin(), nc.begin() + static_cast<std::ptrdiff_t>(D)),
               std::vector<int>(yc.begin(), yc.begin() + static_cast<std::ptrdiff_t>(D)));
  for (const auto& p : patients) {
    if (!p.evaluable || p.enrolled_day > now_day) continue;
    const double u = p.followup_days(now_day);
    const bool seen = p.dlt && (u >= o_.window_days || !(p.dlt_day > u));
    if (seen || u >= o_.window_days || u <= 0.0) continue;
    grid_->add_pending(ll, static_cast<std::size_t>(p.dose), u / o_.window_days);  // dfcrm's linear weight
  }
  double mx = 0.0, z = 0.0;
  const double beta = grid_->mean(ll, mx, z, false);
  return grid_->recommend(beta, o_.target);
}

std::unique_ptr<Design> parse_tite_crm(core::MapReader& r, const DesignContext& ctx) {
  auto& diag = r.diagnostics();
  const std::size_t errors_before = diag.size();
  TiteCrmOptions o;
  o.target = r.required_double("target", DesignRules::target()).value_or(o.target);
  read_crm_model(r, ctx, o.model);
  read_cohort_keys(r, kMaxPatientsPerTrial, o.cohort_size, o.max_patients);
  o.start_dose = read_start_dose(r, ctx, o.start_dose);
  o.restrict = r.optional_bool("restrict", o.restrict);
  o.window_days = ctx.accrual_window_days;
  if (!(o.window_days > 0.0))
    diag.error(r.node().mark(), r.node().path(),
               "type tite_crm needs 'accrual' with a DLT window > 0 days (patients_per_month, dlt_window_days)");
  if (diag.size() != errors_before || ctx.n_doses == 0) return nullptr;
  return std::make_unique<TiteCrm>(o, ctx.n_doses);
}

}  // namespace twinsim::trial
