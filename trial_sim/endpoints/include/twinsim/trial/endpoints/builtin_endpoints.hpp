// The built-in endpoints (docs/scenario-reference.md, `endpoints`), their
// options with the published defaults, and their registry entries.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "twinsim/trial/endpoints/ctcae.hpp"
#include "twinsim/trial/endpoints/endpoint.hpp"
#include "twinsim/trial/endpoints/recist.hpp"

namespace twinsim::trial {

// Neutropenia summary of an ANC output (ctcae.hpp): nadir, its time, worst
// grade, recovery. Implied by a PD model whose output is `variable`.
struct NeutropeniaOptions {
  std::string variable = kAncOutput;
  double lln = kDefaultAncLln;  // 10^9/L
};
std::shared_ptr<const Endpoint> make_neutropenia_endpoint(const NeutropeniaOptions& options);
EndpointType neutropenia_endpoint_type();

// RECIST 1.1 best overall response of a tumour-size output (recist.hpp),
// assessed every assessment_interval_h from the first dose (endpoints.recist).
struct RecistEndpointOptions {
  std::string variable = "TUMOR";
  double assessment_interval_h = 1008.0;  // every 6 weeks
  RecistOptions recist;
};
// end_h: end of the simulated period; assessments stop there.
std::shared_ptr<const Endpoint> make_recist_endpoint(const RecistEndpointOptions& options, double end_h);
EndpointType recist_endpoint_type();

// Exposure per cycle (Cmax, Tmax, Cmin, AUC) from the exact Cc trace, and the
// time above a concentration threshold per cycle and overall (endpoints.exposure).
struct ExposureEndpointOptions {
  double threshold_mg_l = 0.0;  // 0: no time-above-threshold columns
};
std::shared_ptr<const Endpoint> make_exposure_endpoint(const ExposureEndpointOptions& options, double end_h);
EndpointType exposure_endpoint_type();

}  // namespace twinsim::trial
