#include "twinsim/pkpd/user/user_model_adapter.hpp"

namespace twinsim::pkpd::user {

namespace {

class UserModelAdapter final : public Model {
 public:
  UserModelAdapter(ModelInfo info, UserModel m) : Model(std::move(info)), m_(std::move(m)) {}

  void initial_state(double* y0, Workspace& ws) const override {
    m_.initial_state(ws.parameters(), y0, own<Ws>(ws).scratch);
  }
  void rhs(double t, const double* y, const double* u, double* dydt, Workspace& ws) const override {
    m_.rhs(t, y, ws.parameters(), u, dydt, own<Ws>(ws).scratch);
  }
  void jacobian(double t, const double* y, const double* u, double* J, double* dJdu, Workspace& ws) const override {
    m_.jacobian(t, y, ws.parameters(), u, J, dJdu, own<Ws>(ws).scratch);
  }
  void outputs(double t, const double* y, const double* u, double* out, Workspace& ws) const override {
    m_.outputs(t, y, ws.parameters(), u, out, own<Ws>(ws).scratch);
  }
  void output_jacobian(double t, const double* y, const double* u, double* dOdy, double* dOdu,
                       Workspace& ws) const override {
    m_.output_jacobian(t, y, ws.parameters(), u, dOdy, dOdu, own<Ws>(ws).scratch);
  }

 private:
  struct Ws final : Workspace {
    UserModel::Scratch scratch;
  };
  std::unique_ptr<Workspace> new_workspace() const override {
    auto ws = std::make_unique<Ws>();
    ws->scratch = m_.make_scratch();
    return ws;
  }
  UserModel m_;
};

}  // namespace

std::shared_ptr<const Model> as_model(UserModel model, std::string name) {
  const UserModelSpec& spec = model.spec();
  ModelInfo info;
  info.name = std::move(name);
  info.description = spec.form == UserModelForm::kWhole ? "user-defined PK/PD model (" + spec.key_path + ")"
                                                         : "user-defined PD model (" + spec.key_path + ")";
  for (const auto& e : spec.equations) info.equations += (info.equations.empty() ? "" : "\n") + e;
  for (const auto& p : spec.parameters)
    info.parameters.push_back({p.name, p.unit, "user-defined parameter", core::Range{p.lower, p.upper, false, false}, p.value});
  for (const auto& s : spec.states) info.states.push_back({s.name, "", "initial value " + s.initial_text});
  for (const auto& o : spec.outputs) info.outputs.push_back({o.name, "", o.text});
  for (const auto& in : spec.inputs) info.inputs.push_back({in, "", "driving input"});
  if (spec.dosing.oral >= 0) info.dosing.push_back({"oral", spec.dosing.oral});
  if (spec.dosing.iv >= 0) info.dosing.push_back({"iv", spec.dosing.iv});
  const int n = model.n_states(), m = model.n_inputs(), o = model.n_outputs();
  info.jacobian = Sparsity::of(n, n, model.jacobian_sparsity());
  info.input_jacobian = Sparsity::of(n, m, model.input_sparsity());
  info.output_jacobian = Sparsity::of(o, n, model.output_sparsity());
  info.output_input_jacobian = Sparsity::of(o, m, model.output_input_sparsity());
  return std::make_shared<UserModelAdapter>(std::move(info), std::move(model));
}

void register_model(ModelCatalog& catalog, std::string name, UserModel model) {
  const std::string description =
      model.spec().form == UserModelForm::kWhole ? "user-defined PK/PD model" : "user-defined PD model";
  catalog.add(name, description, as_model(std::move(model), name));
}

}  // namespace twinsim::pkpd::user
