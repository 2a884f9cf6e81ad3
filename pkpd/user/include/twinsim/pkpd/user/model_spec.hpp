// A user-defined ODE model as read from a scenario's `model.ode` block (or a
// `model.pd` entry of `type: ode`): names, units, bounds, and every equation
// resolved into one expression pool. Inert: nothing is compiled here
// (user_model.hpp builds the runnable model).
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "twinsim/core/config.hpp"
#include "twinsim/pkpd/user/expr.hpp"

namespace twinsim::pkpd::user {

enum class UserModelForm {
  kWhole,      // model.ode: the whole PK/PD system; doses go to the states of `dosing`
  kPdOnHostPk  // model.pd[i] of type ode: reads `inputs` (e.g. Cc) supplied by a built-in PK model
};

struct UserParameter {
  std::string name;
  double value = 0.0;  // typical value, in `unit`
  std::string unit;    // free text, "" if not given
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
};

struct UserState {
  std::string name;
  std::string initial_text;  // as written ("0", "CIRC0")
  NodeId initial = -1;       // expression of parameters
};

struct UserOutput {
  std::string name;
  std::string text;
  NodeId value = -1;  // expression of t, states, parameters, inputs
};

// The dosing routes a whole model can name; iv_bolus and iv_infusion doses go to `iv`.
struct UserDosing {
  int oral = -1;  // state index, -1 if none
  int iv = -1;
};

struct UserModelSpec {
  UserModelForm form = UserModelForm::kWhole;
  core::SourceMark where;   // the block (or the file it names)
  std::string key_path;     // "model.ode"
  std::vector<UserParameter> parameters;
  std::vector<UserState> states;
  std::vector<std::string> inputs;
  std::vector<UserOutput> outputs;
  UserDosing dosing;
  std::vector<std::string> equations;  // each statement as read (precedence made explicit)
  ExprPool pool;
  std::vector<NodeId> rhs;             // d/dt of each state

  std::vector<std::string> parameter_names() const;
  std::vector<std::string> state_names() const;
};

struct UserModelParseOptions {
  UserModelForm form = UserModelForm::kWhole;
  // Most nested operations in one expression after assignments are substituted.
  int max_depth = 2000;
  // The dense Jacobian has states^2 entries, each differentiated symbolically.
  std::size_t max_states = 1000;
};

// The user-model blocks of a scenario: `model.ode` (kWhole) and every
// `model.pd[i]` with `type: ode` (kPdOnHostPk), in file order. Reads nothing else.
struct UserModelBlock {
  core::ConfigNode node;
  UserModelForm form;
};
std::vector<UserModelBlock> user_model_blocks(const core::ConfigNode& scenario);

// Reads and checks the block. Every problem is collected in diag with the
// file:line:col of the character it is about (inside the equation text for
// errors in equations); returns nullopt-like empty spec when diag got errors.
UserModelSpec parse_user_model(const core::ConfigNode& node, core::Diagnostics& diag,
                               const UserModelParseOptions& options = {});

}  // namespace twinsim::pkpd::user
