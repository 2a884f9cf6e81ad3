// A runnable user-defined model: the spec's names, units and bounds, plus
// right-hand side, analytic Jacobian, outputs and initial state as native code
// (generated C compiled by the system compiler, cached by content hash) or, where
// no compiler is available, as an interpreter of the same instruction lists.
// docs/user-models.md describes the language, the cache and the fallback.
//
// Conventions of every function (units as the model's author wrote them; the
// host's convention is h for t):
//   t      model time
//   y      states [n_states]
//   p      parameter values [n_parameters], in parameters() order
//   u      host inputs [n_inputs] (PD on built-in PK: e.g. Cc at t); may be null if n_inputs == 0
//   dydt   [n_states]
//   J      column-major n_states x n_states, J[i + j*n] = d dydt_i / d y_j (every entry written)
//   dJdu   column-major n_states x n_inputs, dJdu[i + k*n] = d dydt_i / d u_k; may be null
//   out    outputs [n_outputs]; y0 [n_states]
//   dOdy   column-major n_outputs x n_states, dOdy[o + j*n_outputs] = d out_o / d y_j (every entry written)
//   dOdu   column-major n_outputs x n_inputs, dOdu[o + k*n_outputs] = d out_o / d u_k; may be null
// None allocates; the native functions are plain C function pointers and the
// interpreter runs on a per-thread Scratch, so a host calls one function per
// rhs evaluation (no call per state element).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "twinsim/pkpd/user/model_spec.hpp"

namespace twinsim::pkpd::user {

using RhsFn = void (*)(double t, const double* y, const double* p, const double* u, double* dydt);
using JacFn = void (*)(double t, const double* y, const double* p, const double* u, double* J, double* dJdu);
using OutputsFn = void (*)(double t, const double* y, const double* p, const double* u, double* out);
using InitFn = void (*)(const double* p, double* y0);
using OutputJacFn = void (*)(double t, const double* y, const double* p, const double* u, double* dOdy,
                             double* dOdu);

struct UserModelFunctions {
  RhsFn rhs = nullptr;
  JacFn jac = nullptr;
  OutputsFn outputs = nullptr;
  InitFn init = nullptr;
  OutputJacFn output_jac = nullptr;
};

struct CompileOptions {
  bool allow_compile = true;     // false, or TWINSIM_NO_COMPILE=1 in the environment: interpreter
  std::string compiler;          // "" = $CC, else cc, gcc, clang on PATH
  std::string cache_dir;         // "" = $TWINSIM_CACHE_DIR, else $XDG_CACHE_HOME/twinsim, else ~/.cache/twinsim
  double compile_timeout_s = 120.0;  // a compiler still running then is killed (interpreter used)
};

enum class Backend { kNative, kInterpreter };

class UserModel {
 public:
  // Per-thread working memory of the interpreter (empty for native code).
  struct Scratch {
    std::vector<double> registers;
  };

  const UserModelSpec& spec() const { return *spec_; }
  const std::vector<UserParameter>& parameters() const { return spec_->parameters; }
  const std::vector<std::string>& state_names() const { return state_names_; }
  const std::vector<std::string>& output_names() const { return output_names_; }
  const std::vector<std::string>& inputs() const { return spec_->inputs; }
  const UserDosing& dosing() const { return spec_->dosing; }
  int n_states() const { return static_cast<int>(state_names_.size()); }
  int n_parameters() const { return static_cast<int>(spec_->parameters.size()); }
  int n_inputs() const { return static_cast<int>(spec_->inputs.size()); }
  int n_outputs() const { return static_cast<int>(output_names_.size()); }
  // Typical parameter values, in parameters() order.
  std::vector<double> default_parameters() const;

  // Structurally non-zero entries (row, column) of d dydt / d y and d dydt / d u.
  const std::vector<std::pair<int, int>>& jacobian_sparsity() const { return jac_pattern_; }
  const std::vector<std::pair<int, int>>& input_sparsity() const { return input_pattern_; }
  // The same for d out / d y and d out / d u (composition by the chain rule, pkpd/composed_model.hpp).
  const std::vector<std::pair<int, int>>& output_sparsity() const { return output_pattern_; }
  const std::vector<std::pair<int, int>>& output_input_sparsity() const { return output_input_pattern_; }

  Scratch make_scratch() const;
  void rhs(double t, const double* y, const double* p, const double* u, double* dydt, Scratch& s) const;
  void jacobian(double t, const double* y, const double* p, const double* u, double* J, double* dJdu,
                Scratch& s) const;
  void outputs(double t, const double* y, const double* p, const double* u, double* out, Scratch& s) const;
  void initial_state(const double* p, double* y0, Scratch& s) const;
  void output_jacobian(double t, const double* y, const double* p, const double* u, double* dOdy, double* dOdu,
                       Scratch& s) const;
  // The native entry points, or all null when interpreted.
  const UserModelFunctions& native() const { return native_; }

  Backend backend() const { return backend_; }
  bool cache_hit() const { return cache_hit_; }
  double build_seconds() const { return build_seconds_; }  // differentiate + generate + compile or load
  const std::string& library_path() const { return library_path_; }
  const std::string& note() const { return note_; }  // one line when interpreted: why; else ""

 private:
  friend UserModel build_user_model(UserModelSpec spec, const CompileOptions& options);
  struct Code;
  std::shared_ptr<const UserModelSpec> spec_;
  std::shared_ptr<const Code> code_;
  std::shared_ptr<const void> library_;
  std::vector<std::string> state_names_, output_names_;
  std::vector<std::pair<int, int>> jac_pattern_, input_pattern_, output_pattern_, output_input_pattern_;
  UserModelFunctions native_;
  Backend backend_ = Backend::kInterpreter;
  bool cache_hit_ = false;
  double build_seconds_ = 0.0;
  std::string library_path_, note_;
};

// Differentiates, generates code and compiles (or loads from the cache). A
// compiler that is missing, fails or times out is not an error: the model is
// interpreted and note() says why. Throws core::RuntimeError only for an
// internal inconsistency of the generated library.
UserModel build_user_model(UserModelSpec spec, const CompileOptions& options = {});

// The C source build_user_model compiles for `spec` (for inspection and tests).
std::string generated_c_source(const UserModelSpec& spec);

}  // namespace twinsim::pkpd::user
