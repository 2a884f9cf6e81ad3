// The general model interface (issue 14, item 4): every PK, PD or whole PK/PD
// model, built-in or user-defined, seen the same way: named states,
// parameters, outputs and inputs, an initial state computed from the
// parameters, a right-hand side, an analytic Jacobian with its sparsity, and
// outputs with their derivatives (so models compose by the chain rule,
// composed_model.hpp). Models are found by name in the catalog
// (model_catalog.hpp); docs/models.md, "The model interface", shows how to add one.
//
// Describe, then run (OpenMM's System and Context): a Model is inert and
// shared by every thread and patient; a Workspace, made by the model, holds one
// patient's bound parameter values, whatever the model derives from them once
// (micro constants, a system matrix) and its scratch memory. rhs(), jacobian(),
// outputs() and their derivatives never allocate, draw random numbers or do
// I/O; each is one virtual call per evaluation, never one per state element.
//
// Two kinds of input:
//  - doses (`dosing`): a route names the state that receives the dose amount;
//    doses are events the host applies between integrations, never terms of
//    the right-hand side (the NONMEM way). `dose_modifiers` gives the
//    patient's F, lag and zero-order duration per route.
//  - driving inputs (`inputs`, the vector u): values another model supplies at
//    each t, e.g. the plasma concentration Cc a PD model reads.
//
// Units (built-in models; a user model's are its author's): t in h, amounts in
// mg, volumes in L, concentrations in mg/L, AUC in mg*h/L, ANC in 10^9/L,
// tumour size in mm. Every name carries its unit in the ModelInfo.
//
// Array conventions (C-ABI-friendly: plain pointers and column-major arrays, in
// the argument order of the functions pkpd/user generates, so a compiled user
// model is adapted by forwarding pointers, without copying):
//   y      states [n_states]
//   u      driving inputs [n_inputs]; may be null when n_inputs == 0
//   dydt   [n_states]
//   J      n_states x n_states, J[i + j*n_states] = d dydt_i / d y_j; every entry written
//   dJdu   n_states x n_inputs, dJdu[i + k*n_states] = d dydt_i / d u_k; may be null
//   out    outputs [n_outputs]
//   dOdy   n_outputs x n_states, dOdy[o + j*n_outputs] = d out_o / d y_j; every entry written
//   dOdu   n_outputs x n_inputs, dOdu[o + k*n_outputs] = d out_o / d u_k; may be null
#pragma once

#include <cassert>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "twinsim/pkpd/parameter.hpp"

namespace twinsim::pkpd {

// A state, output or driving input.
struct VariableSpec {
  std::string name;         // "CENT", "Cc", "ANC"
  std::string unit;         // "mg", "mg/L"; "" when the model's author gave none
  std::string description;
};

// Where the doses of one route enter: the model's dosing inputs.
struct DoseRoute {
  std::string route;  // "oral", "iv" (IV bolus and IV infusion doses)
  int state = 0;      // index of the state receiving the amount
};

// Dose-record properties of one patient and route (NONMEM's F, ALAG and D).
struct DoseModifiers {
  double f = 1.0;          // bioavailable fraction of the amount
  double lag_h = 0.0;      // h, delay of every dose
  double duration_h = 0.0; // h; > 0: the dose enters at a constant rate over this time (zero-order absorption)
};

// Structurally non-zero entries of a derivative matrix: an entry not listed is
// zero for every state, input and parameter value.
struct Sparsity {
  int rows = 0, cols = 0;
  bool dense = true;                          // every entry may be non-zero
  std::vector<std::pair<int, int>> nonzeros;  // (row, column), column-major order; used when !dense

  static Sparsity full(int rows, int cols);
  // From a pattern; sorted and de-duplicated here.
  static Sparsity of(int rows, int cols, std::vector<std::pair<int, int>> entries);
  bool may_be_nonzero(int row, int col) const;
  std::size_t count() const;  // entries that may be non-zero
};

struct ModelInfo {
  std::string name;         // as found in the catalog: "two_compartment", "friberg", "model.ode"
  std::string description;
  std::string equations;    // plain text, for `twinsim models` and error messages
  std::vector<ParamSpec> parameters;  // the order of the values bound to a workspace
  std::vector<VariableSpec> states;
  std::vector<VariableSpec> outputs;
  std::vector<VariableSpec> inputs;   // driving inputs u
  std::vector<DoseRoute> dosing;
  Sparsity jacobian;                  // d dydt / d y
  Sparsity input_jacobian;            // d dydt / d u
  Sparsity output_jacobian;           // d out / d y
  Sparsity output_input_jacobian;     // d out / d u
};

// Index of `name` in specs, or -1.
int find_variable(const std::vector<VariableSpec>& specs, const std::string& name);

class Model;

// One patient's bound parameters plus whatever the model keeps per patient.
// Made by Model::make_workspace (the only allocation), bound by Model::bind,
// used by one thread at a time. A host keeps one per thread and rebinds it for
// each patient, or one per patient.
class Workspace {
 public:
  Workspace() = default;
  virtual ~Workspace() = default;
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  // The bound values, in ModelInfo::parameters order.
  const double* parameters() const { return p_.data(); }
  const Model* model() const { return model_; }

 private:
  friend class Model;
  const Model* model_ = nullptr;
  std::vector<double> p_;
};

class Model {
 public:
  explicit Model(ModelInfo info) : info_(std::move(info)) {}
  virtual ~Model() = default;
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const ModelInfo& info() const { return info_; }
  const std::string& name() const { return info_.name; }
  int n_states() const { return static_cast<int>(info_.states.size()); }
  int n_parameters() const { return static_cast<int>(info_.parameters.size()); }
  int n_outputs() const { return static_cast<int>(info_.outputs.size()); }
  int n_inputs() const { return static_cast<int>(info_.inputs.size()); }
  // Typical values: the declared defaults (NaN where a parameter is required).
  std::vector<double> default_parameters() const;

  // Allocates a workspace for this model; bind() it before use.
  std::unique_ptr<Workspace> make_workspace() const;
  // Allocates a workspace and binds p to it.
  std::unique_ptr<Workspace> make_workspace(const double* p) const;
  // Binds one patient's parameter values (n_parameters(), declared order,
  // already range-checked) and computes what depends only on them. No allocation.
  void bind(Workspace& ws, const double* p) const;
  // Relations between parameter values that single-parameter bounds cannot
  // express; an error message, or "".
  virtual std::string check(const double* p) const {
    (void)p;
    return "";
  }

  // State before any dose (t = 0, no drug), from the bound parameters.
  virtual void initial_state(double* y0, Workspace& ws) const = 0;
  virtual void rhs(double t, const double* y, const double* u, double* dydt, Workspace& ws) const = 0;
  virtual void jacobian(double t, const double* y, const double* u, double* J, double* dJdu,
                        Workspace& ws) const = 0;
  virtual void outputs(double t, const double* y, const double* u, double* out, Workspace& ws) const = 0;
  virtual void output_jacobian(double t, const double* y, const double* u, double* dOdy, double* dOdu,
                               Workspace& ws) const = 0;
  // Dose-record properties of route r (an index into info().dosing) for the
  // bound patient. Default: F = 1, no lag, a bolus.
  virtual DoseModifiers dose_modifiers(int r, const Workspace& ws) const {
    (void)r, (void)ws;
    return {};
  }

 protected:
  // The model's own workspace type; the default keeps only the parameters.
  virtual std::unique_ptr<Workspace> new_workspace() const { return std::make_unique<Workspace>(); }
  // Called by bind() after the values are stored.
  virtual void prepare(Workspace& ws) const { (void)ws; }
  // The workspace this model made, as its own type.
  template <class W>
  W& own(Workspace& ws) const {
    assert(ws.model_ == this && "workspace of another model");
    return static_cast<W&>(ws);
  }
  template <class W>
  const W& own(const Workspace& ws) const {
    assert(ws.model_ == this && "workspace of another model");
    return static_cast<const W&>(ws);
  }
 private:
  ModelInfo info_;
};

}  // namespace twinsim::pkpd
