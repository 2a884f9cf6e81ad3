// The objective of one individual: its records as the model's doses and
// samples (as simulate_data_set reads them), its covariates from the data's
// columns, the prediction at each observation, residual error and prior.
#include <cmath>
#include <limits>

#include <Eigen/LU>
#include <boost/math/special_functions/erf.hpp>

#include "twinsim/core/nonmem_events.hpp"
#include "twinsim/pkpd/pk_simulator.hpp"
#include "twinsim/trial/fit/map_fit.hpp"
#include "twinsim/trial/patient/pk_patient_model.hpp"
#include "twinsim/trial/scenario/data_compartments.hpp"
#include "twinsim/vp/residual_error.hpp"
#include "twinsim/vp/virtual_patient.hpp"

namespace twinsim::trial {

namespace {

constexpr double kPenalty = 1e30;  // objective where the model cannot be solved

[[noreturn]] void refuse(const core::DataSet& data, std::size_t record, const char* column, const std::string& msg) {
  const std::size_t c = data.has_column(column) ? data.column(column) : 0;
  throw core::DataSetError(data.mark(record, c), data.column_names()[c], msg);
}

// -2 log Phi(z), stable for very negative z.
double minus2_log_phi(double z) { return -2.0 * std::log(0.5 * boost::math::erfc(-z / std::sqrt(2.0))); }

}  // namespace

struct IndividualObjective::Impl {
  const Scenario* s = nullptr;
  PkPatientModel model;
  std::vector<double> typical;
  std::vector<core::Range> ranges;
  vp::VirtualPatient patient;
  Eigen::MatrixXd omega, omega_inv;
  std::vector<HistoryDose> doses;
  struct Obs {
    std::size_t sample;
    int output;  // -1 Cc, else PD block
    double y;
    bool blq;
    double lloq;
    const vp::ResidualErrorSpec* error;
  };
  std::vector<Obs> obs;
  std::vector<pkpd::Sample> samples;
  // scratch
  std::vector<double> params;
  std::vector<core::DoseEvent> events;
  pkpd::PkSimulator sim;
  pkpd::Trajectory traj;

  explicit Impl(const Scenario& sc) : s(&sc), model(sc) {}
};

IndividualObjective::IndividualObjective(const Scenario& s, const core::DataSet& data, std::size_t k)
    : impl_(new Impl(s)) {
  Impl& m = *impl_;
  if (!s.pk) throw core::UsageError("fit needs a PK/PD scenario with model.pk (model.ode is not supported yet)");
  m.typical = s.typical_values();
  for (const auto& p : s.pk->model->parameters()) m.ranges.push_back(p.range);
  for (const auto& d : s.pd)
    for (const auto& p : d.model->parameters()) m.ranges.push_back(p.range);
  const vp::Population& pop = *s.population;
  m.omega = pop.spec().iiv.omega;
  m.omega_inv = m.omega.size() ? Eigen::MatrixXd(m.omega.inverse()) : Eigen::MatrixXd();
  const auto& ind = data.individuals()[k];
  // Covariates: the declared and resampled ones from the data's columns (the
  // first value of the individual), the derived ones computed.
  const auto& names = pop.covariate_names();
  m.patient.covariates.assign(names.size(), 0.0);
  const std::size_t n_given = names.size() - pop.spec().derived.size();
  for (std::size_t c = 0; c < n_given; ++c) {
    const std::size_t col = data.extra_column(names[c]);
    if (col >= data.extra_names().size())
      refuse(data, 0, "ID", "the population's covariate " + names[c] + " has no column in the data set (name a column " +
                                names[c] + ")");
    double v = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t r = ind.begin; r < ind.end && !std::isfinite(v); ++r) v = data.extra(r, col);
    if (!std::isfinite(v))
      refuse(data, ind.begin, names[c].c_str(), "ID " + core::format_number(ind.id) + " has no value of covariate " + names[c]);
    m.patient.covariates[c] = v;
  }
  pop.complete_covariates(m.patient);
  m.patient.etas.assign(pop.spec().iiv.size(), 0.0);
  m.patient.occasion_etas.assign(pop.spec().iov.size() * static_cast<std::size_t>(pop.n_cycles()), 0.0);

  const pkpd::PkSystem typical_pk = s.pk->model->compile(s.pk->values);
  double dosed_at = -std::numeric_limits<double>::infinity();
  for (const auto& e : core::expand_events(data, k)) {
    if (e.evid == core::Evid::reset || e.evid == core::Evid::reset_dose)
      refuse(data, e.record, "EVID", "resets (EVID 3, 4) are not supported by twinsim fit");
    if (e.is_dose()) {
      if (e.ss != 0) refuse(data, e.record, "SS", "steady-state doses (SS 1, 2) are not supported by twinsim fit");
      m.doses.push_back({data_dose_record(*s.pk, typical_pk, e.time, e.amt, e.rate, e.cmt), e.time, e.amt});
      dosed_at = e.time;
      continue;
    }
    if (e.evid != core::Evid::observation || e.additional) continue;
    const core::DataRecord& r = data.records()[e.record];
    if (!r.is_observed()) continue;
    Impl::Obs o{};
    o.sample = m.samples.size();
    o.output = -1;
    for (std::size_t b = 0; b < s.pd.size(); ++b)
      if (s.pd[b].name == r.output) o.output = static_cast<int>(b);
    if (o.output < 0 && r.output != kConcentrationOutput)
      refuse(data, e.record, "OUTPUT", "output '" + r.output + "' cannot be fitted (Cc or a PD output)");
    o.error = pop.residual_error(r.output);
    if (!o.error)
      refuse(data, e.record, data.has_column("OUTPUT") ? "OUTPUT" : "DVID",
             "the scenario has no residual error model for '" + r.output +
                 "' (population.residual_error): a fit needs one for every observed output");
    o.blq = r.blq;
    o.lloq = r.lloq;
    o.y = r.dv;
    if (o.error->model == vp::ResidualModel::kExponential && !o.blq && !(o.y > 0))
      refuse(data, e.record, "DV", "an observation with an exponential error model needs DV > 0 (got " +
                                       core::format_number(o.y) + ")");
    m.obs.push_back(o);
    m.samples.push_back({e.time, dosed_at == e.time});
  }
}

IndividualObjective::~IndividualObjective() { delete impl_; }

std::size_t IndividualObjective::n_eta() const { return impl_->patient.etas.size(); }
const Eigen::MatrixXd& IndividualObjective::omega() const { return impl_->omega; }
const std::vector<IndividualObjective::HistoryDose>& IndividualObjective::history_doses() const { return impl_->doses; }
std::size_t IndividualObjective::n_observations() const { return impl_->obs.size(); }

void IndividualObjective::parameters(const double* eta, std::vector<double>& out) {
  Impl& m = *impl_;
  for (std::size_t i = 0; i < m.patient.etas.size(); ++i) m.patient.etas[i] = eta[i];
  m.s->population->individual_parameters(m.patient, m.typical, 0, out);
}

double IndividualObjective::operator()(const double* eta) {
  Impl& m = *impl_;
  const auto n = static_cast<Eigen::Index>(m.patient.etas.size());
  const Eigen::Map<const Eigen::VectorXd> e(eta, n);
  double obj = n ? e.dot(m.omega_inv * e) : 0.0;
  parameters(eta, m.params);
  for (std::size_t k = 0; k < m.params.size() && k < m.ranges.size(); ++k)
    if (!std::isfinite(m.params[k]) || !m.ranges[k].contains(m.params[k])) return kPenalty;
  const pkpd::ModelSystem system = m.model.compile(m.params);
  m.events.clear();
  for (const auto& d : m.doses) m.events.push_back(make_record_dose(system.pk, d.spec, d.time_h, d.amount_mg));
  m.sim.simulate(system, core::expand_doses(m.events), m.samples, pkpd::Engine::kAuto, m.traj);
  if (m.traj.status != core::SolveStatus::kOk) return kPenalty;
  for (const auto& o : m.obs) {
    const double* y = m.traj.states.col(static_cast<Eigen::Index>(o.sample)).data();
    const double f = o.output < 0 ? system.concentration(y) : system.output(o.output, y);
    if (!std::isfinite(f)) return kPenalty;
    double sd, r;
    if (o.error->model == vp::ResidualModel::kExponential) {
      if (!(f > 0)) return kPenalty;
      sd = o.error->exponential;
      r = ((o.blq ? std::log(o.lloq) : std::log(o.y)) - std::log(f)) / sd;
    } else {
      sd = vp::residual_sd(*o.error, f);
      if (!(sd > 0)) return kPenalty;
      r = ((o.blq ? o.lloq : o.y) - f) / sd;
    }
    obj += o.blq ? minus2_log_phi(r) : r * r + 2.0 * std::log(sd);
  }
  return std::isfinite(obj) ? obj : kPenalty;
}

core::DataSetOptions fit_data_set_options(const Scenario& s) {
  core::DataSetOptions o = data_set_options(*s.pk);
  o.require_id = true;
  o.fitting = true;
  o.outputs.push_back(kConcentrationOutput);
  for (const auto& pd : s.pd) o.outputs.push_back(pd.name);
  return o;
}

}  // namespace twinsim::trial
