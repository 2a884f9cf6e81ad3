// [validation] How to add a built-in model (docs/models.md, "Adding a model"):
// one class against the general interface (here; in pkpd/src/models/ for a
// real one) plus one registry line, and the model is found by name, composes
// with the built-in PK and solves. The example is Gompertz tumour growth with
// log-kill by a driving concentration, checked against its closed form
// (Norton 1988, Cancer Res 48:7067; with z = ln(T / TMAX) the equation is
// linear: dz/dt = -KG z - KD C).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "model_interface_support.hpp"
#include "model_values.hpp"
#include "twinsim/pkpd/composed_model.hpp"
#include "twinsim/pkpd/model_catalog.hpp"

using namespace twinsim;

namespace {

// --- the one file: pkpd/src/models/gompertz.cpp --------------------------------
// dT/dt = KG * T * ln(TMAX / T) - KD * C * T, T(0) = T0; output TUMOR = T (mm).
class Gompertz final : public pkpd::Model {
 public:
  Gompertz() : Model(describe()) {}

  void initial_state(double* y0, pkpd::Workspace& ws) const override { y0[0] = ws.parameters()[0]; }
  void rhs(double, const double* y, const double* u, double* dydt, pkpd::Workspace& ws) const override {
    const double* p = ws.parameters();
    dydt[0] = p[1] * y[0] * std::log(p[2] / y[0]) - p[3] * u[0] * y[0];
  }
  void jacobian(double, const double* y, const double* u, double* J, double* dJdu,
                pkpd::Workspace& ws) const override {
    const double* p = ws.parameters();
    J[0] = p[1] * (std::log(p[2] / y[0]) - 1.0) - p[3] * u[0];
    if (dJdu) dJdu[0] = -p[3] * y[0];
  }
  void outputs(double, const double* y, const double*, double* out, pkpd::Workspace&) const override { out[0] = y[0]; }
  void output_jacobian(double, const double*, const double*, double* dOdy, double* dOdu,
                       pkpd::Workspace&) const override {
    dOdy[0] = 1.0;
    if (dOdu) dOdu[0] = 0.0;
  }

 private:
  static pkpd::ModelInfo describe() {
    pkpd::ModelInfo m;
    m.name = "gompertz";
    m.description = "Gompertz tumour growth with log-kill";
    m.equations = "dT/dt = KG*T*ln(TMAX/T) - KD*C*T, T(0) = T0; TUMOR = T";
    m.parameters = {{"T0", "mm", "baseline tumour size", core::Range::positive()},
                    {"KG", "1/h", "Gompertz growth rate constant", core::Range::positive()},
                    {"TMAX", "mm", "carrying capacity", core::Range::positive()},
                    {"KD", "L/mg/h", "kill rate per unit concentration", core::Range::non_negative()}};
    m.states = {{"T", "mm", "tumour size"}};
    m.outputs = {{"TUMOR", "mm", "tumour size"}};
    m.inputs = {{"C", "mg/L", "driving concentration"}};
    m.jacobian = pkpd::Sparsity::full(1, 1);
    m.input_jacobian = pkpd::Sparsity::full(1, 1);
    m.output_jacobian = pkpd::Sparsity::full(1, 1);
    m.output_input_jacobian = pkpd::Sparsity::of(1, 1, {});
    return m;
  }
};
// --------------------------------------------------------------------------------

}  // namespace

TEST_CASE("a model added with one class and one registry line is found, composes and solves", "[validation]") {
  pkpd::ModelRegistry r = pkpd::registry();
  r.add_model<Gompertz>("gompertz", "Gompertz tumour growth with log-kill");  // the one registry line
  const pkpd::ModelCatalog catalog(r);
  const auto m = catalog.model("gompertz");
  CHECK(catalog.find("gompertz")->builtin);

  // Held concentration: closed form z(t) = z_inf + (z0 - z_inf) exp(-KG t), z_inf = -KD C / KG.
  const double T0 = 20, KG = 0.01, TMAX = 200, KD = 0.002;
  for (const double c : {0.0, 1.5}) {
    const std::vector<double> p = {T0, KG, TMAX, KD};
    auto ws = m->make_workspace(p.data());
    pkpd::ModelOdeSystem sys(*m, *ws, {c});
    core::CvodeSolver solver(1);
    core::OdeOptions opt;
    opt.rtol = 1e-11;
    opt.atol = {1e-12};
    double y = 0.0;
    m->initial_state(&y, *ws);
    solver.start(sys, 0.0, &y, opt);
    double worst = 0.0;
    for (double t = 12; t <= 2400; t += 12) {
      REQUIRE(solver.advance(t, 2400, &y) == core::SolveStatus::kOk);
      const double z_inf = -KD * c / KG, z = z_inf + (std::log(T0 / TMAX) - z_inf) * std::exp(-KG * t);
      worst = std::max(worst, std::abs(y - TMAX * std::exp(z)) / (TMAX * std::exp(z)));
    }
    test::report("Gompertz through the interface vs closed form, C = " + std::to_string(c), worst);
    CHECK(worst < 1e-8);
  }

  // Composed with the built-in 1-compartment oral PK, driven by its Cc.
  const pkpd::ComposedModel pkpd_model(
      {{catalog.pk("one_compartment", {pkpd::Absorption::kFirstOrder, pkpd::Elimination::kLinear, 0}), "", {}, {}},
       {m, "TUMOR", {{"C", "Cc"}}, {}}});
  CHECK(pkpd_model.info().parameters[5].name == "TUMOR.T0");
  const std::vector<double> p = {5, 50, 1, 1, 0, T0, KG, TMAX, KD};
  auto ws = pkpd_model.make_workspace(p.data());
  std::mt19937_64 rng(1);
  for (int trial = 0; trial < 20; ++trial)
    test::check_derivatives(pkpd_model, *ws, 0.0, test::random_point(rng, 4, 0.5, 100.0), {});
}
