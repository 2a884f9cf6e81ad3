// A user model (user_model.hpp) as a pkpd::PdModel, the block form the
// patient simulator solves (model_system.hpp): a `model.pd` entry of
// `type: ode` is a block driven by the built-in PK's Cc (its one input), and a
// whole `model.ode` is the only block of a system without PK states, whose
// doses enter its own states. The built-in engines then solve it unchanged:
// linear PK by its closed form with the PD states by Dormand-Prince/CVODE
// (hybrid engine), a whole model by CVODE, each with the analytic Jacobian.
//
// Every call forwards the pointers to the compiled functions: no allocation
// per call. The interpreter (no compiler) keeps its registers in thread-local
// scratch, allocated on a thread's first call for a model.
//
// Outputs are evaluated without the time (value() has no t): the scenario
// loader rejects outputs that depend on t (depends_on_time).
#pragma once

#include <memory>

#include "twinsim/pkpd/pd_model.hpp"
#include "twinsim/pkpd/user/user_model.hpp"

namespace twinsim::pkpd::user {

// Most outputs a user model simulated in a scenario may have (stack buffers).
constexpr int kMaxUserOutputs = 64;

// The block. A PD entry must have at most one input (read as Cc).
std::shared_ptr<const PdModel> as_pd_model(UserModel model);

// Whether expression `id` of the spec reads the time t (directly or through
// an assigned name).
bool depends_on_time(const UserModelSpec& spec, NodeId id);

// Appends the state AUC, d/dt(AUC) = the output `cc_output` (the whole
// model's Cc), so AUC is integrated with the model as the built-in PK's is.
void add_auc_state(UserModelSpec& spec, int cc_output);

}  // namespace twinsim::pkpd::user
