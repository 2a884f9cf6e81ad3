// A compiled PK system (pk_model.hpp) behind the general model interface.
#include <algorithm>
#include <stdexcept>

#include "pk_equations.hpp"
#include "twinsim/pkpd/model_adapters.hpp"

namespace twinsim::pkpd {

namespace {

class PkAdapter final : public Model {
 public:
  PkAdapter(ModelInfo info, std::unique_ptr<PkModel> pk, int n_transit, std::vector<int> slot)
      : Model(std::move(info)), pk_(std::move(pk)), n_transit_(n_transit), slot_(std::move(slot)) {}

  void initial_state(double* y0, Workspace&) const override { std::fill(y0, y0 + n_states(), 0.0); }
  void rhs(double, const double* y, const double*, double* dydt, Workspace& ws) const override {
    detail::pk_rhs(own<Ws>(ws).sys, y, nullptr, dydt);
  }
  void jacobian(double, const double* y, const double*, double* J, double*, Workspace& ws) const override {
    const int n = n_states();
    std::fill(J, J + n * n, 0.0);
    detail::pk_jacobian(own<Ws>(ws).sys, y, J, n);
  }
  void outputs(double, const double* y, const double*, double* out, Workspace& ws) const override {
    const PkSystem& s = own<Ws>(ws).sys;
    out[0] = s.concentration(y);
    out[1] = y[s.idx_auc];
  }
  void output_jacobian(double, const double*, const double*, double* dOdy, double*, Workspace& ws) const override {
    const PkSystem& s = own<Ws>(ws).sys;
    std::fill(dOdy, dOdy + 2 * n_states(), 0.0);
    dOdy[0 + 2 * s.idx_central] = 1.0 / s.v_central;
    dOdy[1 + 2 * s.idx_auc] = 1.0;
  }
  // As make_dose (pk_simulator.hpp): F and TLAG apply to every route.
  DoseModifiers dose_modifiers(int r, const Workspace& ws) const override {
    const PkSystem& s = own<Ws>(ws).sys;
    DoseModifiers d;
    d.f = s.f;
    d.lag_h = s.tlag;
    if (info().dosing[static_cast<std::size_t>(r)].route == "oral") d.duration_h = s.d1;
    return d;
  }

 private:
  struct Ws final : Workspace {
    std::vector<double> values;  // in PkModel::parameters() order
    PkSystem sys;
  };
  std::unique_ptr<Workspace> new_workspace() const override {
    auto ws = std::make_unique<Ws>();
    ws->values.assign(slot_.size(), 0.0);
    return ws;
  }
  void prepare(Workspace& w) const override {
    Ws& ws = own<Ws>(w);
    for (std::size_t k = 0; k < slot_.size(); ++k)
      ws.values[k] = slot_[k] < 0 ? n_transit_ : ws.parameters()[slot_[k]];
    ws.sys = pk_->compile(ws.values);
  }

  std::unique_ptr<PkModel> pk_;
  int n_transit_;
  std::vector<int> slot_;  // per PkModel parameter: index among this model's parameters; -1 for NTR
};

std::string state_description(const std::string& name) {
  if (name == "DEPOT") return "absorption depot";
  if (name == "CENT") return "central compartment";
  if (name == "AUC") return "integral of Cc since t = 0";
  if (name.rfind("TR", 0) == 0) return "transit compartment " + name.substr(2);
  return "peripheral compartment " + name.substr(4);
}

}  // namespace

std::shared_ptr<const Model> make_pk_model(int compartments, const PkModelOptions& o) {
  const bool transit = o.absorption == Absorption::kTransit;
  if (transit ? (o.transit_compartments < 1 || o.transit_compartments > kMaxTransit) : o.transit_compartments != 0)
    throw std::invalid_argument(transit ? "transit absorption needs 1 to " + std::to_string(kMaxTransit) +
                                              " transit compartments (got " + std::to_string(o.transit_compartments) + ")"
                                        : "transit compartments are given only with absorption: transit");
  auto pk = std::make_unique<PkModel>(compartments, o.absorption, o.elimination);
  ModelInfo info;
  info.name = pk->disposition_name();
  info.description = std::to_string(compartments) + "-compartment PK, " + to_string(o.absorption) +
                     " absorption, " + to_string(o.elimination) + " elimination";
  info.equations = pk->equations();
  std::vector<int> slot;
  std::vector<double> structure;  // values giving every rate constant a non-zero value
  for (const ParamSpec& s : pk->parameters()) {
    if (s.name == "NTR") {
      slot.push_back(-1);
      structure.push_back(o.transit_compartments);
      info.equations += "\nNTR = " + std::to_string(o.transit_compartments) + " (fixed by the model)";
      continue;
    }
    slot.push_back(static_cast<int>(info.parameters.size()));
    info.parameters.push_back(s);
    structure.push_back(1.0);
  }
  const PkSystem s = pk->compile(structure);
  for (const auto& name : pk->state_names(s.n_transit))
    info.states.push_back({name, name == "AUC" ? "mg*h/L" : "mg", state_description(name)});
  info.outputs = {{"Cc", "mg/L", "central concentration CENT / V"}, {"AUC", "mg*h/L", "area under Cc since t = 0"}};
  if (o.absorption != Absorption::kNone) info.dosing.push_back({"oral", s.oral_target});
  info.dosing.push_back({"iv", s.idx_central});
  const int n = s.n_states;
  std::vector<std::pair<int, int>> nz;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i)
      if (s.A(i, j) != 0.0 || (s.michaelis_menten && i == s.idx_central && j == s.idx_central)) nz.push_back({i, j});
  info.jacobian = Sparsity::of(n, n, std::move(nz));
  info.input_jacobian = Sparsity::of(n, 0, {});
  info.output_jacobian = Sparsity::of(2, n, {{0, s.idx_central}, {1, s.idx_auc}});
  info.output_input_jacobian = Sparsity::of(2, 0, {});
  return std::make_shared<PkAdapter>(std::move(info), std::move(pk), o.transit_compartments, std::move(slot));
}

}  // namespace twinsim::pkpd
