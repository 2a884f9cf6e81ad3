// A patient's whole model: the compiled PK system plus PD blocks driven by the
// central concentration or by an effect-compartment concentration.
//
// State layout: PK states (see pk_model.hpp) first, then each PD block's
// states in order. Direct-effect PD blocks have no states.
//
// A whole user-defined model (model.ode) is one PD block on a PK system
// without states: doses enter the block's states (pk.oral_target and
// pk.idx_central name them), and Cc and AUC are the block's output cc_output
// and state auc_state (cc_block >= 0).
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "twinsim/pkpd/pd_model.hpp"
#include "twinsim/pkpd/pk_model.hpp"

namespace twinsim::pkpd {

struct PdBlock {
  const PdModel* model = nullptr;
  std::vector<double> params;  // in model->parameters() order
  int first_state = 0;         // index of the block's first state in the full vector
  int n_states = 0;
  int input_block = -1;        // -1: driven by Cc; else index of an effect-compartment block
};

struct ModelSystem {
  ModelSystem() = default;
  explicit ModelSystem(PkSystem p) : pk(std::move(p)), n_states(pk.n_states) {}

  PkSystem pk;
  std::vector<PdBlock> pd;
  int n_states = 0;
  // Where the simulation starts: time t0 (h) and, if not empty, the full state
  // there (to continue a run with new parameters, e.g. the next cycle's
  // inter-occasion variability or a reduced dose). Empty: PK empty, PD at rest.
  double t0 = 0.0;
  std::vector<double> initial;

  // >= 0: the central concentration is output cc_output of PD block cc_block
  // and the AUC is state auc_state (a whole user model); -1: the PK system's.
  int cc_block = -1;
  int cc_output = -1;  // -1 with cc_block >= 0: the model has no Cc (NaN)
  int auc_state = -1;

  // Cc (mg/L) and AUC (mg*h/L) at state y.
  double concentration(const double* y) const {
    if (cc_block < 0) return pk.concentration(y);
    return cc_output < 0 ? std::numeric_limits<double>::quiet_NaN() : output(cc_block, cc_output, y);
  }
  double auc(const double* y) const {
    if (cc_block < 0) return y[pk.idx_auc];
    return auc_state < 0 ? std::numeric_limits<double>::quiet_NaN() : y[auc_state];
  }
  // The concentration PD blocks driven by Cc read: the PK system's (a whole
  // user model reads none).
  double driving_concentration(const double* y) const { return cc_block < 0 ? pk.concentration(y) : 0.0; }

  // Appends a PD block after the existing states; returns its index.
  int add_pd(const PdModel* model, std::vector<double> params, int input_block);
  bool has_pd_states() const { return n_states > pk.n_states; }
  // Initial state: `initial` if set, else PK empty and PD blocks at rest.
  void initial_state(double* y) const;
  // Concentration driving block b.
  double input(int b, const double* y) const {
    const int in = pd[static_cast<std::size_t>(b)].input_block;
    return in < 0 ? driving_concentration(y) : y[pd[static_cast<std::size_t>(in)].first_state];
  }
  // dy/dt of every PD state at time t with central concentration cc; y and dy
  // use the full layout (PD states at their first_state offsets).
  void pd_rhs(double t, double cc, const double* y, double* dy) const { pd_rhs_from(t, cc, y, dy, 0); }
  // The same on the PD states alone: y[0] and dy[0] are state pk.n_states
  // (the hybrid engine integrates only those; no copy into the full layout).
  void pd_rhs_pd_only(double t, double cc, const double* y, double* dy) const {
    pd_rhs_from(t, cc, y, dy, pk.n_states);
  }
  // PD part of the Jacobian, column-major with leading dimension ld, into the
  // full layout; dfdcc[i] receives d(dy_i)/d(cc) for PD states driven by Cc.
  void pd_jacobian(double t, double cc, const double* y, double* jac, int ld, double* dfdcc) const;
  // Output value of block b at state y.
  // (pd_rhs with y and dy starting at state `offset`.)
  void pd_rhs_from(double t, double cc, const double* y, double* dy, int offset) const;

  double output(int b, const double* y) const {
    const PdBlock& blk = pd[static_cast<std::size_t>(b)];
    return blk.model->value(blk.params.data(), input(b, y), y + blk.first_state);
  }
  // Output k of block b (models with several outputs).
  double output(int b, int k, const double* y) const {
    const PdBlock& blk = pd[static_cast<std::size_t>(b)];
    return blk.model->value_of(k, blk.params.data(), input(b, y), y + blk.first_state);
  }
};

}  // namespace twinsim::pkpd
