// A PK model assembled from a disposition (1/2/3 compartments), an absorption
// process and an elimination process, and its compiled form for one patient.
//
// State layout (amounts in mg, except AUC in mg*h/L):
//   [TR1 .. TRn]  transit compartments (absorption: transit)
//   [DEPOT]       absorption compartment (first_order, transit)
//   CENT          central compartment
//   [PERI1, PERI2] peripheral compartments (2- and 3-compartment models)
//   AUC           integral of the central concentration, so AUC is exact
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "twinsim/pkpd/disposition.hpp"
#include "twinsim/pkpd/parameter.hpp"

namespace twinsim::pkpd {

enum class Absorption { kNone, kFirstOrder, kZeroOrder, kTransit };
enum class Elimination { kLinear, kMichaelisMenten };
enum class Route { kOral, kIvBolus, kIvInfusion };

const char* to_string(Absorption a);
const char* to_string(Elimination e);
const char* to_string(Route r);

// Largest system (transit chain included) solved without heap allocation.
constexpr int kMaxStates = 32;
constexpr int kMaxTransit = 20;
using StateVector = Eigen::Matrix<double, Eigen::Dynamic, 1, 0, kMaxStates, 1>;
using StateMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, 0, kMaxStates, kMaxStates>;

// Everything the solvers need for one patient: no names, no maps.
struct PkSystem {
  int n_states = 0;
  int n_transit = 0;
  int idx_first_transit = -1;
  int idx_depot = -1;
  int idx_central = 0;
  int idx_auc = 0;
  double v_central = 1.0;  // L
  // Linear part of dA/dt = A x (+ inputs). With Michaelis-Menten elimination
  // the central elimination term is not in A.
  StateMatrix A;
  bool michaelis_menten = false;
  double vmax = 0.0;  // mg/h
  double km = 0.0;    // mg/L
  // Dose-record properties.
  double f = 1.0;     // bioavailable fraction
  double tlag = 0.0;  // h
  double d1 = 0.0;    // h, zero-order absorption duration
  int oral_target = 0;  // state receiving oral doses

  bool linear() const { return !michaelis_menten; }
  double concentration(const double* x) const { return x[idx_central] / v_central; }
};

class PkModel {
 public:
  // Throws std::invalid_argument for an unknown compartment count.
  PkModel(int compartments, Absorption absorption, Elimination elimination);

  int compartments() const { return compartments_; }
  Absorption absorption() const { return absorption_; }
  Elimination elimination() const { return elimination_; }
  const std::string& disposition_name() const { return disposition_name_; }

  // All parameters this configuration takes, in a fixed order: disposition
  // (CL replaced by VMAX, KM under Michaelis-Menten), absorption, then F, TLAG.
  const std::vector<ParamSpec>& parameters() const { return params_; }
  // State names in layout order ("TR1", "DEPOT", "CENT", "PERI1", "AUC").
  std::vector<std::string> state_names(int n_transit) const;
  std::string equations() const;

  // Which routes make sense: oral needs an absorption process.
  bool accepts(Route route) const;

  // Builds the per-patient system; values are in parameters() order and have
  // already been range-checked.
  PkSystem compile(const std::vector<double>& values) const;

 private:
  int compartments_;
  Absorption absorption_;
  Elimination elimination_;
  std::string disposition_name_;
  std::unique_ptr<Disposition> disposition_;
  std::vector<ParamSpec> params_;
  int n_disposition_params_ = 0;
};

}  // namespace twinsim::pkpd
