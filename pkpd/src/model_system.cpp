#include "twinsim/pkpd/model_system.hpp"

#include <algorithm>
#include <stdexcept>

namespace twinsim::pkpd {

int ModelSystem::add_pd(const PdModel* model, std::vector<double> params, int input_block) {
  n_states = std::max(n_states, pk.n_states);
  if (input_block >= static_cast<int>(pd.size()) ||
      (input_block >= 0 && !pd[static_cast<std::size_t>(input_block)].model->is_effect_compartment()))
    throw std::invalid_argument("PD input must be an earlier effect compartment");
  PdBlock b;
  b.model = model;
  b.params = std::move(params);
  b.first_state = n_states;
  b.n_states = model->n_states();
  b.input_block = input_block;
  n_states += b.n_states;
  if (n_states > kMaxStates) throw std::invalid_argument("model has more than kMaxStates states");
  pd.push_back(std::move(b));
  return static_cast<int>(pd.size()) - 1;
}

void ModelSystem::initial_state(double* y) const {
  const int n = std::max(n_states, pk.n_states);
  if (!initial.empty()) {
    if (static_cast<int>(initial.size()) != n) throw std::invalid_argument("ModelSystem: initial state has the wrong size");
    std::copy(initial.begin(), initial.end(), y);
    return;
  }
  std::fill(y, y + n, 0.0);
  for (const auto& b : pd) b.model->initial(b.params.data(), y + b.first_state);
}

void ModelSystem::pd_rhs_from(double t, double cc, const double* y, double* dy, int offset) const {
  for (const auto& b : pd) {
    if (b.n_states == 0) continue;
    const double c = b.input_block < 0 ? cc : y[pd[static_cast<std::size_t>(b.input_block)].first_state - offset];
    b.model->rhs(b.params.data(), t, c, y + (b.first_state - offset), dy + (b.first_state - offset));
  }
}

void ModelSystem::pd_jacobian(double t, double cc, const double* y, double* jac, int ld, double* dfdcc) const {
  double dfdc[kMaxStates];
  for (const auto& b : pd) {
    if (b.n_states == 0) continue;
    const int f = b.first_state;
    const double c = b.input_block < 0 ? cc : y[pd[static_cast<std::size_t>(b.input_block)].first_state];
    b.model->jacobian(b.params.data(), t, c, y + f, jac + f + static_cast<std::ptrdiff_t>(f) * ld, ld, dfdc);
    if (b.input_block < 0) {
      for (int i = 0; i < b.n_states; ++i) dfdcc[f + i] = dfdc[i];
    } else {
      // Chain rule through the effect-compartment concentration (its first state).
      const int src = pd[static_cast<std::size_t>(b.input_block)].first_state;
      for (int i = 0; i < b.n_states; ++i) jac[(f + i) + static_cast<std::ptrdiff_t>(src) * ld] += dfdc[i];
    }
  }
}

}  // namespace twinsim::pkpd
