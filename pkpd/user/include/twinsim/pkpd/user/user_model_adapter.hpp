// A user model (user_model.hpp) as a general Model (twinsim/pkpd/model.hpp),
// so a model written in a scenario is found by name, composed with built-in
// models and solved like any of them. The adapter forwards the pointers it is
// given to the compiled functions (or the interpreter): the interface's array
// conventions are the generated functions' own, so nothing is copied.
//
// Names and units are the author's: parameters carry their unit and
// [lower, upper] bounds, states and outputs have no unit ("").
#pragma once

#include <memory>
#include <string>

#include "twinsim/pkpd/model.hpp"
#include "twinsim/pkpd/model_catalog.hpp"
#include "twinsim/pkpd/user/user_model.hpp"

namespace twinsim::pkpd::user {

// The model under `name` ("model.ode", or a PD entry's name). Dosing routes
// "oral" and "iv" as the block's `dosing` names them.
std::shared_ptr<const Model> as_model(UserModel model, std::string name);

// Adds the model to the catalog under `name`; throws std::invalid_argument if
// the name is taken.
void register_model(ModelCatalog& catalog, std::string name, UserModel model);

}  // namespace twinsim::pkpd::user
