#include "twinsim/trial/patient/data_simulation.hpp"

#include <algorithm>
#include <limits>

#include "twinsim/core/nonmem_events.hpp"
#include "twinsim/pkpd/pk_simulator.hpp"
#include "twinsim/pkpd/steady_state.hpp"
#include "twinsim/trial/patient/pk_patient_model.hpp"
#include "twinsim/trial/scenario/data_compartments.hpp"
#include "twinsim/vp/virtual_patient.hpp"

namespace twinsim::trial {

namespace {

[[noreturn]] void unsupported(const core::DataSet& data, std::size_t record, const char* column, const std::string& msg) {
  throw core::DataSetError(data.mark(record, data.column(column)), column, msg);
}

// The records between two restarts of the kinetic system (the first record,
// a reset, an SS 1 dose), simulated in one pass from `system.t0` and
// `system.initial`: a restart replaces every amount, so nothing of the
// previous segment carries over (its infusions stop, its pending doses are
// cancelled by expand_events).
struct Segment {
  std::vector<core::DoseEvent> doses;
  std::vector<core::InputAction> carried;  // an SS 1 dose's earlier periods still running at its time
  std::vector<pkpd::Sample> samples;
  std::vector<int> lines;  // of the samples' records
  double dosed_at = -std::numeric_limits<double>::infinity();  // time of the latest dose so far
};

class IndividualRun {
 public:
  IndividualRun(const Scenario& s, pkpd::ModelSystem system, double id, pkpd::PkSimulator& sim, DataSimulation& out)
      : s_(s), system_(std::move(system)), id_(id), sim_(sim), out_(out) {}

  Segment& segment() { return seg_; }
  const pkpd::ModelSystem& system() const { return system_; }
  core::SolveStatus status() const { return status_; }

  // Simulates the segment so far and starts the next at `t0_h` with every
  // PK amount at `pk_state` (empty: the initial state) and PD states at rest.
  void restart(double t0_h, const std::vector<double>& pk_state = {}) {
    flush();
    system_.t0 = t0_h;
    system_.initial.clear();
    if (!pk_state.empty()) {
      system_.initial.resize(static_cast<std::size_t>(system_.n_states));
      system_.initial_state(system_.initial.data());
      std::copy(pk_state.begin(), pk_state.end(), system_.initial.begin());
    }
  }

  // The state an SS 1 dose `dose` (at time 0) given every ii_h h for ever
  // leaves just before the dose: PK amounts at their periodic state, then
  // the segment starts at `time_h` with the earlier periods' running inputs.
  void steady_state(const core::DoseEvent& dose, double ii_h, double time_h) {
    const pkpd::SteadyState ss = pkpd::periodic_state(sim_, system_.pk, core::expand_doses({dose}), ii_h);
    if (ss.status != core::SolveStatus::kOk) {
      restart(time_h);
      failed_ = ss.status;
      return;
    }
    restart(time_h, ss.state);
    for (core::InputAction a : ss.carried) {
      a.time += time_h;
      seg_.carried.push_back(a);
    }
  }

  void flush() {
    if (!seg_.samples.empty()) simulate();
    seg_ = Segment{};
    failed_ = core::SolveStatus::kOk;
  }

 private:
  void simulate() {
    std::vector<core::InputAction> actions = core::expand_doses(seg_.doses);
    if (!seg_.carried.empty()) {
      actions.insert(actions.end(), seg_.carried.begin(), seg_.carried.end());
      std::stable_sort(actions.begin(), actions.end(),
                       [](const core::InputAction& x, const core::InputAction& y) { return x.time < y.time; });
    }
    if (failed_ == core::SolveStatus::kOk) {
      sim_.simulate(system_, actions, seg_.samples, pkpd::Engine::kAuto, traj_);
    } else {
      traj_.status = failed_;
    }
    const bool ok = traj_.status == core::SolveStatus::kOk;
    if (!ok && status_ == core::SolveStatus::kOk) status_ = traj_.status;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t j = 0; j < seg_.samples.size(); ++j) {
      DataSimulation::Row row;
      row.id = id_;
      row.time = seg_.samples[j].time;
      row.line = seg_.lines[j];
      row.status = traj_.status;
      const double* y = ok ? traj_.states.col(static_cast<Eigen::Index>(j)).data() : nullptr;
      row.values.push_back(ok ? system_.pk.concentration(y) : nan);
      for (std::size_t b = 0; b < s_.pd.size(); ++b)
        row.values.push_back(ok ? system_.output(static_cast<int>(b), y) : nan);
      out_.rows.push_back(std::move(row));
    }
  }

  const Scenario& s_;
  pkpd::ModelSystem system_;
  double id_;
  pkpd::PkSimulator& sim_;
  DataSimulation& out_;
  Segment seg_;
  pkpd::Trajectory traj_;
  core::SolveStatus failed_ = core::SolveStatus::kOk;  // the segment's start could not be computed
  core::SolveStatus status_ = core::SolveStatus::kOk;
};

}  // namespace

DataSimulation simulate_data_set(const Scenario& s, const core::DataSet& data, const DataSimulationOptions& opt) {
  if (!s.pk) throw std::invalid_argument("simulate_data_set: design-only scenario");
  const PkPatientModel model(s);
  const pkpd::PkSystem typical_pk = s.pk->model->compile(s.pk->values);
  const std::vector<std::string> names = s.parameter_names();
  const std::vector<double> typical = s.typical_values();
  const core::ParameterBinding binding(data, names);
  DataSimulation out;
  out.parameter_names = names;
  out.outputs.push_back(kConcentrationOutput);
  for (const auto& pd : s.pd) out.outputs.push_back(pd.name);

  pkpd::PkSimulator sim;
  vp::VirtualPatient patient;
  std::vector<double> params;
  for (std::size_t k = 0; k < data.individuals().size(); ++k) {
    const auto& ind = data.individuals()[k];
    params = typical;
    if (opt.iiv) {
      s.population->generate(s.seed, 0, k, patient);
      s.population->individual_parameters(patient, typical, 0, params);
    }
    binding.apply(ind.begin, params.data());
    IndividualRun run(s, model.compile(params), ind.id, sim, out);
    for (const auto& e : core::expand_events(data, k)) {
      // NONMEM's reset: every compartment to its initial state at TIME, then
      // (EVID 4) the record's dose.
      if (e.evid == core::Evid::reset || e.evid == core::Evid::reset_dose) run.restart(e.time);
      Segment& seg = run.segment();
      if (e.is_dose()) {
        if (e.ss == 2)
          unsupported(data, e.record, "SS",
                      "a steady-state dose added to the amounts (SS 2) is not supported by twinsim simulate; "
                      "SS 1 (replacing them) is");
        const DoseRecordSpec d = data_dose_record(*s.pk, typical_pk, e.time, e.amt, e.rate, e.cmt);
        const core::DoseEvent dose = make_record_dose(run.system().pk, d, e.time, e.amt);
        if (e.ss == 1) {
          core::DoseEvent first = dose;
          first.time -= e.time;
          run.steady_state(first, e.ii, e.time);
        }
        run.segment().doses.push_back(dose);
        out.doses.push_back({ind.id, e.time, e.amt, e.rate, e.cmt, data.records()[e.record].line, e.additional, e.ss});
        run.segment().dosed_at = e.time;
      } else if (e.evid == core::Evid::observation && !e.additional) {
        seg.samples.push_back({e.time, seg.dosed_at == e.time});
        seg.lines.push_back(data.records()[e.record].line);
      }
    }
    run.flush();
    out.individuals.push_back({ind.id, params, run.status()});
  }
  return out;
}

}  // namespace twinsim::trial
