#include "twinsim/pkpd/model_ode.hpp"

#include <stdexcept>

namespace twinsim::pkpd {

ModelOdeSystem::ModelOdeSystem(const Model& model, Workspace& ws, std::vector<double> u)
    : model_(model), ws_(ws), u_(std::move(u)) {
  if (ws.model() != &model) throw std::invalid_argument("ModelOdeSystem: the workspace belongs to another model");
  if (static_cast<int>(u_.size()) != model.n_inputs())
    throw std::invalid_argument("ModelOdeSystem: " + model.name() + " takes " + std::to_string(model.n_inputs()) +
                                " driving inputs, got " + std::to_string(u_.size()));
}

}  // namespace twinsim::pkpd
