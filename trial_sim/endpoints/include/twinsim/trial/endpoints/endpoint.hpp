// An endpoint: what the clinic reads off one simulated patient, as named,
// typed columns of the per-patient table (and of the per-cycle table). Each
// endpoint names the model outputs it reads; the patient model resolves those
// names once and hands the endpoint a PatientView of the trajectory, so no
// endpoint knows how outputs are stored and patient/ knows no endpoint.
//
// Endpoints come from a registry (endpoint_types(), one line per built-in in
// endpoint_registry.cpp, more by register_endpoint()); the scenario reader
// asks each type for its endpoint. Their columns follow in registry order.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "twinsim/core/config.hpp"
#include "twinsim/pkpd/exposure.hpp"
#include "twinsim/trial/results/column_spec.hpp"

namespace twinsim::trial {

// One simulated patient as endpoints see it. Output k is the k-th name of the
// endpoint's outputs().
class PatientView {
 public:
  virtual ~PatientView() = default;
  // Sample times of the trajectory (h, ascending): the output grid, dose
  // times, cycle starts and every endpoint's sample_times().
  virtual const std::vector<double>& times() const = 0;
  // Output k at every sample time.
  virtual void series(std::size_t k, std::vector<double>& out) const = 0;
  // Output k at time t (h), which must be a sample time (the pre-dose value).
  virtual double at(std::size_t k, double t) const = 0;
  // Whether output k is measured with residual error (population.residual_error).
  virtual bool measured_with_error(std::size_t k) const = 0;
  // One measurement of output k whose true value is x. Measurements draw from
  // the patient's one residual-error stream, in call order: endpoints in
  // registry order, then the observed time courses.
  virtual double measure(std::size_t k, double x) = 0;
  // Exact trace of Cc (exposure.hpp).
  virtual const pkpd::ExposureTrace& exposure() const = 0;
  // Time the patient went off study (h; infinity without dropout).
  virtual double dropout_h() const = 0;
};

// The per-patient column designs read as the patient's efficacy outcome
// (0/1) in PK/PD mode: RECIST's objective response (CR or PR).
inline constexpr char kResponseColumn[] = "objective_response";

class Endpoint {
 public:
  virtual ~Endpoint() = default;
  // Model outputs it reads (names from Scenario::variables()).
  virtual std::vector<std::string> outputs() const { return {}; }
  // Its per-patient columns, and its per-cycle ones.
  virtual std::vector<ColumnSpec> columns() const { return {}; }
  virtual std::vector<ColumnSpec> cycle_columns() const { return {}; }
  // Times (h) the trajectory must be sampled at.
  virtual std::vector<double> sample_times() const { return {}; }
  // A concentration (mg/L) whose crossings the exposure trace must locate; 0: none.
  virtual double exposure_threshold() const { return 0.0; }
  // Writes columns().size() values to row.
  virtual void evaluate(PatientView& /*patient*/, double* /*row*/) const {}
  // Writes cycle_columns().size() values to row for the cycle given on [start_h, end_h].
  virtual void evaluate_cycle(const PatientView& /*patient*/, double /*start_h*/, double /*end_h*/,
                              double* /*row*/) const {}
};

// What an endpoint type reads its endpoint from.
struct EndpointReading {
  const core::ConfigNode* node;  // its key under `endpoints`; null when absent
  core::Diagnostics& diag;
  const std::vector<std::string>& variables;      // names it may read (Scenario::variables())
  const std::vector<std::string>& model_outputs;  // the PD models' output names
  double anc_lln;                                 // endpoints.anc_lln, 10^9/L
  double end_h;                                   // end of the simulated period (h)
};

struct EndpointType {
  std::string name;
  std::string key;  // its key under `endpoints`; "" when implied by the model alone
  // The endpoint the scenario asks for, or null (not asked for, or an error
  // reported to reading.diag).
  std::function<std::shared_ptr<const Endpoint>(const EndpointReading&)> read;
};

// The registered endpoint types, in column order.
const std::vector<EndpointType>& endpoint_types();
// Adds a type after those registered (or replaces the one of the same name).
// Not thread-safe: register before loading scenarios.
void register_endpoint(EndpointType type);

}  // namespace twinsim::trial
