// `twinsim simulate SCENARIO --data DATA.csv`: exactly the individuals and
// records of a NONMEM-format data set under the scenario's model. Each
// individual's parameters are the typical values, with random effects only
// when asked (`iiv`: individual k is patient k of trial 0 of the scenario's
// population), then the data set's parameter columns (mrgsolve's rule: a
// column named as a parameter, `CL` or `ANC.SLOPE`) at the individual's first
// record. One output row per observation record (EVID 0), in record order:
// an observation at a dose's time sees the dose if its record comes after
// the dose's. Units: h, mg/L and the PD outputs' own.
#pragma once

#include <string>
#include <vector>

#include "twinsim/core/nonmem_data.hpp"
#include "twinsim/core/ode.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace twinsim::trial {

struct DataSimulationOptions {
  bool iiv = false;  // draw random effects from the scenario's population
};

struct DataSimulation {
  std::vector<std::string> outputs;  // Cc, then each PD block's output
  struct Row {
    double id = 0, time = 0;  // time h
    int line = 0;             // CSV line of the observation record (1-based), for traceability
    std::vector<double> values;  // one per output; NaN if the individual's solve failed
    core::SolveStatus status = core::SolveStatus::kOk;
  };
  std::vector<Row> rows;
  // Scenario::parameter_names(): the order of Individual::parameters.
  std::vector<std::string> parameter_names;
  struct Individual {
    double id = 0;
    std::vector<double> parameters;  // the values simulated (typical, random effects, data columns)
    core::SolveStatus status = core::SolveStatus::kOk;  // the first failure of its records
  };
  std::vector<Individual> individuals;  // data-set order
  // Every dose given, additional doses included, in processing order per
  // individual; a dose a reset cancelled is not here.
  struct Dose {
    double id = 0, time = 0;  // time h
    double amt = 0;           // mg, AMT before bioavailability
    double rate = 0;          // mg/h; 0 a bolus
    int cmt = 0;              // NONMEM compartment number
    int line = 0;             // CSV line of its dose record (of the initiating record for an additional dose)
    bool additional = false;  // made from ADDL
    int ss = 0;               // 1: a steady-state dose (the amounts replaced by the steady state)
  };
  std::vector<Dose> doses;
};

// Resets (EVID 3, 4) restart the individual's system at TIME from its
// initial state (PK empty, PD at rest), as NONMEM does; a steady-state dose
// (SS 1) restarts it with the PK amounts at the periodic state of that dose
// given every II for ever (pkpd/steady_state.hpp), PD states at rest, as
// regimen.steady_state starts. A restart stops running infusions; expand_events
// has cancelled the pending additional doses. Throws core::DataSetError (at
// the CSV field) for what the simulation does not support: SS 2.
DataSimulation simulate_data_set(const Scenario& scenario, const core::DataSet& data,
                                 const DataSimulationOptions& options = {});

}  // namespace twinsim::trial
