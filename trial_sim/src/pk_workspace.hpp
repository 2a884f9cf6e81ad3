// Per-thread scratch of PkPatientModel, shared by its source files.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "twinsim/core/dosing.hpp"
#include "twinsim/pkpd/pk_simulator.hpp"
#include "twinsim/trial/patient_model.hpp"
#include "twinsim/vp/virtual_patient.hpp"

namespace twinsim::trial {

// What dose modification did to one patient (population.dose_modification).
struct DoseHistory {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> cycle_start_h;  // actual start of each cycle (NaN: not started)
  std::vector<double> cycle_dose_mg;  // amount per administration (0: not started)
  int n_holds = 0;                    // delayed cycle starts
  double hold_h = 0.0;                // total delay
  int n_reductions = 0;
  int final_dose = -1;                // dose index of the last cycle started
  double discontinued_h = kNaN;       // when treatment was stopped by the rule

  void reset(int cycles) {
    cycle_start_h.assign(static_cast<std::size_t>(cycles), kNaN);
    cycle_dose_mg.assign(static_cast<std::size_t>(cycles), 0.0);
    n_holds = 0;
    hold_h = 0.0;
    n_reductions = 0;
    final_dose = -1;
    discontinued_h = kNaN;
  }
};

struct PkWorkspace final : PatientWorkspace {
  pkpd::PkSimulator sim;
  pkpd::Trajectory traj, piece;
  std::vector<core::DoseEvent> doses;
  std::vector<double> times, series;
  std::vector<std::vector<double>> criteria_series;
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
  DoseHistory history;
};

}  // namespace twinsim::trial
