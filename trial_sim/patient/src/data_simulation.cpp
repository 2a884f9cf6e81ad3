#include "twinsim/trial/patient/data_simulation.hpp"

#include <limits>

#include "twinsim/core/nonmem_events.hpp"
#include "twinsim/pkpd/pk_simulator.hpp"
#include "twinsim/trial/patient/pk_patient_model.hpp"
#include "twinsim/trial/scenario/data_compartments.hpp"
#include "twinsim/vp/virtual_patient.hpp"

namespace twinsim::trial {

namespace {

[[noreturn]] void unsupported(const core::DataSet& data, std::size_t record, const char* column, const std::string& msg) {
  throw core::DataSetError(data.mark(record, data.column(column)), column, msg);
}

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
  pkpd::Trajectory traj;
  vp::VirtualPatient patient;
  std::vector<double> params;
  std::vector<core::DoseEvent> doses;
  std::vector<pkpd::Sample> samples;
  std::vector<int> lines;  // of the samples' records
  for (std::size_t k = 0; k < data.individuals().size(); ++k) {
    const auto& ind = data.individuals()[k];
    params = typical;
    if (opt.iiv) {
      s.population->generate(s.seed, 0, k, patient);
      s.population->individual_parameters(patient, typical, 0, params);
    }
    binding.apply(ind.begin, params.data());
    const pkpd::ModelSystem system = model.compile(params);
    doses.clear();
    samples.clear();
    lines.clear();
    double dosed_at = -std::numeric_limits<double>::infinity();  // time of the latest dose so far
    for (const auto& e : core::expand_events(data, k)) {
      if (e.evid == core::Evid::reset || e.evid == core::Evid::reset_dose)
        unsupported(data, e.record, "EVID", "resets (EVID 3, 4) are not supported by twinsim simulate");
      if (e.is_dose()) {
        if (e.ss != 0)
          unsupported(data, e.record, "SS", "steady-state doses (SS 1, 2) are not supported by twinsim simulate");
        const DoseRecordSpec d = data_dose_record(*s.pk, typical_pk, e.time, e.amt, e.rate, e.cmt);
        doses.push_back(make_record_dose(system.pk, d, e.time, e.amt));
        out.doses.push_back({ind.id, e.time, e.amt, e.rate, e.cmt, data.records()[e.record].line, e.additional});
        dosed_at = e.time;
      } else if (e.evid == core::Evid::observation && !e.additional) {
        samples.push_back({e.time, dosed_at == e.time});
        lines.push_back(data.records()[e.record].line);
      }
    }
    sim.simulate(system, core::expand_doses(doses), samples, pkpd::Engine::kAuto, traj);
    for (std::size_t j = 0; j < samples.size(); ++j) {
      DataSimulation::Row row;
      row.id = ind.id;
      row.time = samples[j].time;
      row.line = lines[j];
      row.status = traj.status;
      const double* y = traj.states.col(static_cast<Eigen::Index>(j)).data();
      const bool ok = traj.status == core::SolveStatus::kOk;
      row.values.push_back(ok ? system.pk.concentration(y) : std::numeric_limits<double>::quiet_NaN());
      for (std::size_t b = 0; b < s.pd.size(); ++b)
        row.values.push_back(ok ? system.output(static_cast<int>(b), y) : std::numeric_limits<double>::quiet_NaN());
      out.rows.push_back(std::move(row));
    }
    out.individuals.push_back({ind.id, params, traj.status});
  }
  return out;
}

}  // namespace twinsim::trial
