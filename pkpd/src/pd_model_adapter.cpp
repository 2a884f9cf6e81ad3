// A registry PD model (pd_model.hpp) behind the general model interface.
#include <algorithm>

#include "twinsim/pkpd/model_adapters.hpp"

namespace twinsim::pkpd {

namespace {

class PdAdapter final : public Model {
 public:
  PdAdapter(ModelInfo info, std::shared_ptr<const PdModel> pd) : Model(std::move(info)), pd_(std::move(pd)) {}

  std::string check(const double* p) const override { return pd_->check(p); }
  void initial_state(double* y0, Workspace& ws) const override { pd_->initial(ws.parameters(), y0); }
  void rhs(double t, const double* y, const double* u, double* dydt, Workspace& ws) const override {
    pd_->rhs(ws.parameters(), t, u[0], y, dydt);
  }
  // The PdModel writes only its structurally non-zero entries.
  void jacobian(double t, const double* y, const double* u, double* J, double* dJdu, Workspace& ws) const override {
    const int n = n_states();
    double* dfdc = dJdu ? dJdu : own<Ws>(ws).dfdc.data();
    std::fill(J, J + n * n, 0.0);
    std::fill(dfdc, dfdc + n, 0.0);
    pd_->jacobian(ws.parameters(), t, u[0], y, J, n, dfdc);
  }
  void outputs(double, const double* y, const double* u, double* out, Workspace& ws) const override {
    out[0] = pd_->value(ws.parameters(), u[0], y);
  }
  void output_jacobian(double, const double* y, const double* u, double* dOdy, double* dOdu,
                       Workspace& ws) const override {
    double dvdc = 0.0;
    pd_->value_gradient(ws.parameters(), u[0], y, dOdy, &dvdc);  // one output: row 0 is contiguous
    if (dOdu) dOdu[0] = dvdc;
  }

 private:
  struct Ws final : Workspace {
    std::vector<double> dfdc;
  };
  std::unique_ptr<Workspace> new_workspace() const override {
    auto ws = std::make_unique<Ws>();
    ws->dfdc.assign(static_cast<std::size_t>(n_states()), 0.0);
    return ws;
  }
  std::shared_ptr<const PdModel> pd_;
};

}  // namespace

std::shared_ptr<const Model> make_pd_model(const std::string& name, const std::string& description,
                                           std::shared_ptr<const PdModel> pd) {
  ModelInfo info;
  info.name = name;
  info.description = description;
  info.equations = pd->equations();
  info.parameters = pd->parameters();
  for (const StateSpec& s : pd->states()) info.states.push_back({s.name, s.unit, ""});
  const StateSpec out = pd->output();
  info.outputs = {{out.name, out.unit, "the clinically read output"}};
  info.inputs = {{"C", "mg/L", "driving concentration: Cc, or an effect compartment's Ce"}};
  const int n = pd->n_states();
  // PdModel declares no sparsity.
  info.jacobian = Sparsity::full(n, n);
  info.input_jacobian = Sparsity::full(n, 1);
  info.output_jacobian = Sparsity::full(1, n);
  info.output_input_jacobian = Sparsity::full(1, 1);
  return std::make_shared<PdAdapter>(std::move(info), std::move(pd));
}

}  // namespace twinsim::pkpd
