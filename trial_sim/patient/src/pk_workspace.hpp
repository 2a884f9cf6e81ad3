// Per-thread scratch of PkPatientModel, shared by its source files.
#pragma once

#include <cstdint>
#include <vector>

#include "twinsim/core/dosing.hpp"
#include "twinsim/pkpd/pk_simulator.hpp"
#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/protocol/dose_modification.hpp"
#include "twinsim/vp/virtual_patient.hpp"

namespace twinsim::trial {

struct PkWorkspace final : PatientWorkspace {
  pkpd::PkSimulator sim;
  pkpd::Trajectory traj, piece;
  std::vector<core::DoseEvent> doses;
  std::vector<double> times;
  std::vector<std::vector<double>> criteria_series;
  std::vector<const std::vector<double>*> criteria_ptrs;
  std::vector<double> criteria_values;  // one per DLT criterion, at one time
  vp::VirtualPatient patient;
  std::vector<double> params;
  std::vector<std::uint8_t> missed;
  std::vector<core::InputAction> cycle_actions;
  // Dose modification: the inputs decided so far, one piece's samples, the
  // state at the end of the last piece, and the resulting history.
  std::vector<core::InputAction> all_actions;
  std::vector<pkpd::Sample> piece_samples;
  std::vector<int> piece_index;
  std::vector<double> state;
  std::vector<double> initial;
  double per_unit = 1.0;  // mg per dose unit of this patient (regimen.dose_unit)
  double dose_mg = 0.0;   // mg per administration of the dose level  // full state at t = 0 (regimen.steady_state), empty: at rest
  DoseHistory history;
};

}  // namespace twinsim::trial
