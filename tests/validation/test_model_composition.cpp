// [validation] Composition (pkpd/composed_model.hpp): a PD model driven by
// any named output of another model. The composed Jacobian (chain rule) is
// checked against central finite differences, and two compositions against
// the combined system written out by hand here:
//  - built-in 2-compartment oral PK -> a user PD ODE reading Cc (indirect
//    response, inhibition of production by Cc / (IC50 + Cc));
//  - built-in 1-compartment IV PK -> built-in sigmoid Emax (output E, a
//    function of Cc) -> a user PD ODE reading E: a PD reading another PD.
// Further chains go through a state output (effect compartment -> Friberg)
// and through a user model's output that is non-linear in its state and input.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "model_interface_support.hpp"
#include "user_model_support.hpp"
#include "twinsim/pkpd/composed_model.hpp"
#include "twinsim/pkpd/model_catalog.hpp"
#include "twinsim/pkpd/user/user_model_adapter.hpp"

using namespace twinsim;
using pkpd::Absorption;
using pkpd::Elimination;

namespace {

const char* kTurnover =
    "model:\n  pd:\n    type: ode\n    inputs: [Cc]\n"
    "    parameters: {KIN: 10, KOUT: 0.1, IMAX: 0.9, IC50: 2}\n"
    "    states: {R: KIN / KOUT}\n"
    "    equations: |\n"
    "      d/dt(R) = KIN * (1 - IMAX * Cc / (IC50 + Cc)) - KOUT * R\n"
    "    outputs: {TARGET: R / (KIN / KOUT)}\n";

const char* kOnEffect =
    "model:\n  pd:\n    type: ode\n    inputs: [E]\n"
    "    parameters: {KIN: 4, KOUT: 0.2}\n"
    "    states: {R: KIN / KOUT}\n"
    "    equations: |\n"
    "      d/dt(R) = KIN * (1 - E) - KOUT * R\n"
    "    outputs: {RESPONSE: R}\n";

// A biophase whose output is non-linear in its state and in its input.
const char* kBiophase =
    "model:\n  pd:\n    type: ode\n    inputs: [Cc]\n"
    "    parameters: {KE0: 0.4, K: 2}\n"
    "    states: {CE: 0}\n"
    "    equations: |\n"
    "      d/dt(CE) = KE0 * (Cc - CE)\n"
    "    outputs: {CEFF: CE^2 / (K + CE) + 0.01 * Cc * CE}\n";

std::shared_ptr<const pkpd::Model> user_pd(const char* text, bool native, const std::string& name) {
  pkpd::user::CompileOptions o;
  o.allow_compile = native;
  o.cache_dir = test::private_cache_dir("compose");
  auto m = pkpd::user::build_user_model(test::parse_model_text(text, "pd", pkpd::user::UserModelForm::kPdOnHostPk), o);
  if (native) REQUIRE(m.backend() == pkpd::user::Backend::kNative);
  return pkpd::user::as_model(std::move(m), name);
}

// Composed vs hand-written: rhs to 1e-14, Jacobian to 1e-13 (rounding only),
// outputs bitwise-close, at random states.
template <class Rhs, class Jac>
void against_hand_written(const pkpd::Model& m, pkpd::Workspace& ws, Rhs rhs, Jac jac, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const int N = m.n_states();
  for (int trial = 0; trial < 50; ++trial) {
    const auto y = test::random_point(rng, N, 0.05, 80.0);
    std::vector<double> a(N), b(N), J(N * N), K(N * N, 0.0);
    m.rhs(1.0, y.data(), nullptr, a.data(), ws);
    rhs(y.data(), b.data());
    for (int i = 0; i < N; ++i) CHECK(std::abs(a[i] - b[i]) <= 1e-14 * std::max(std::abs(b[i]), 1.0));
    m.jacobian(1.0, y.data(), nullptr, J.data(), nullptr, ws);
    jac(y.data(), K.data());
    for (int k = 0; k < N * N; ++k) CHECK(std::abs(J[k] - K[k]) <= 1e-13 * std::max(std::abs(K[k]), 1.0));
    test::check_derivatives(m, ws, 1.0, y, {});
  }
}

}  // namespace

TEST_CASE("a user PD ODE on a built-in PK's Cc is the hand-written combined system", "[validation]") {
  const pkpd::ModelCatalog catalog;
  for (const bool native : {true, false}) {
    const pkpd::ComposedModel m({{catalog.pk("two_compartment", {Absorption::kFirstOrder, Elimination::kLinear, 0}), "", {}, {}},
                                 {user_pd(kTurnover, native, "turnover"), "TARGET", {}, {}}});
    // Cc links by name; the PD's parameters are qualified by its label.
    REQUIRE(m.n_inputs() == 0);
    REQUIRE(m.info().states.back().name == "TARGET.R");
    const std::vector<double> p = {10, 50, 5, 100, 1.2, 1, 0, 10, 0.1, 0.9, 2};
    REQUIRE(m.info().parameters[7].name == "TARGET.KIN");
    auto ws = m.make_workspace(p.data());
    const double CL = 10, V1 = 50, Q = 5, V2 = 100, KA = 1.2, KIN = 10, KOUT = 0.1, IMAX = 0.9, IC50 = 2;
    // States: DEPOT, CENT, PERI, AUC, R.
    auto rhs = [&](const double* y, double* dy) {
      const double cc = y[1] / V1;
      dy[0] = -KA * y[0];
      dy[1] = KA * y[0] - (CL + Q) / V1 * y[1] + Q / V2 * y[2];
      dy[2] = Q / V1 * y[1] - Q / V2 * y[2];
      dy[3] = cc;
      dy[4] = KIN * (1 - IMAX * cc / (IC50 + cc)) - KOUT * y[4];
    };
    auto jac = [&](const double* y, double* J) {
      auto at = [&](int i, int j) -> double& { return J[i + j * 5]; };
      const double cc = y[1] / V1;
      at(0, 0) = -KA;
      at(1, 0) = KA;
      at(1, 1) = -(CL + Q) / V1;
      at(1, 2) = Q / V2;
      at(2, 1) = Q / V1;
      at(2, 2) = -Q / V2;
      at(3, 1) = 1 / V1;
      at(4, 1) = -KIN * IMAX * IC50 / ((IC50 + cc) * (IC50 + cc)) / V1;
      at(4, 4) = -KOUT;
    };
    against_hand_written(m, *ws, rhs, jac, native ? 1 : 2);
    // Outputs: Cc, AUC, TARGET.
    const std::vector<double> y = {20, 30, 10, 4, 70};
    std::vector<double> out(3);
    m.outputs(0.0, y.data(), nullptr, out.data(), *ws);
    CHECK(out[0] == y[1] / V1);
    CHECK(std::abs(out[2] - y[4] / (KIN / KOUT)) < 1e-15);
    // The Jacobian pattern: only the Cc column reaches R.
    CHECK(m.info().jacobian.may_be_nonzero(4, 1));
    CHECK_FALSE(m.info().jacobian.may_be_nonzero(4, 0));
    CHECK(m.info().jacobian.count() == 9);
  }
}

TEST_CASE("a PD reading another PD's output is the hand-written combined system", "[validation]") {
  const pkpd::ModelCatalog catalog;
  for (const bool native : {true, false}) {
    // 1-cmt IV -> Emax (E0 0, EMAX 0.8, EC50 1.5, HILL 1.7) -> R reading E.
    const pkpd::ComposedModel m({{catalog.pk("one_compartment"), "", {}, {}},
                                 {catalog.model("emax"), "E", {{"C", "Cc"}}, {}},
                                 {user_pd(kOnEffect, native, "on_effect"), "R", {}, {}}});
    REQUIRE(m.n_inputs() == 0);
    const std::vector<double> p = {5, 50, 1, 0, 0, 0.8, 1.5, 1.7, 4, 0.2};
    auto ws = m.make_workspace(p.data());
    const double CL = 5, V = 50, EMAX = 0.8, EC50 = 1.5, H = 1.7, KIN = 4, KOUT = 0.2;
    // States: CENT, AUC, R.
    auto e_of = [&](double cc) { return EMAX * std::pow(cc, H) / (std::pow(EC50, H) + std::pow(cc, H)); };
    auto rhs = [&](const double* y, double* dy) {
      const double cc = y[0] / V;
      dy[0] = -CL / V * y[0];
      dy[1] = cc;
      dy[2] = KIN * (1 - e_of(cc)) - KOUT * y[2];
    };
    auto jac = [&](const double* y, double* J) {
      const double cc = y[0] / V, ch = std::pow(cc, H), c50h = std::pow(EC50, H);
      const double de = EMAX * H * std::pow(cc, H - 1) * c50h / ((c50h + ch) * (c50h + ch));
      J[0 + 0 * 3] = -CL / V;
      J[1 + 0 * 3] = 1 / V;
      J[2 + 0 * 3] = -KIN * de / V;
      J[2 + 2 * 3] = -KOUT;
    };
    against_hand_written(m, *ws, rhs, jac, native ? 3 : 4);
  }
}

TEST_CASE("composed Jacobians match central differences through every kind of link", "[validation]") {
  const pkpd::ModelCatalog catalog;
  std::mt19937_64 rng(11);
  for (const bool native : {true, false}) {
    // Through a state output: effect compartment -> Friberg (Emax) on Ce; and a
    // user biophase whose output CEFF drives built-in Friberg.
    const pkpd::ComposedModel chain({{catalog.pk("three_compartment", {Absorption::kTransit, Elimination::kMichaelisMenten, 2}), "", {}, {}},
                                     {catalog.model("effect_compartment"), "Ce", {{"C", "Cc"}}, {}},
                                     {catalog.model("friberg_emax"), "ANC", {{"C", "Ce"}}, {}},
                                     {user_pd(kBiophase, native, "biophase"), "B", {}, {}},
                                     {catalog.model("friberg"), "ANC2", {{"C", "CEFF"}}, {{"ANC", "ANC2"}}}});
    auto ws = chain.make_workspace();
    auto p = chain.default_parameters();
    const std::vector<std::pair<std::string, double>> required = {
        {"V1", 50}, {"Q", 5}, {"V2", 100}, {"Q3", 2}, {"V3", 200}, {"VMAX", 30}, {"KM", 2}, {"MTT_ABS", 2},
        {"KA", 1}, {"Ce.KE0", 0.3}, {"ANC.CIRC0", 5}, {"ANC.MTT", 100}, {"ANC.GAMMA", 0.2}, {"ANC.EMAX", 0.8},
        {"ANC.EC50", 1}, {"ANC2.CIRC0", 6}, {"ANC2.MTT", 120}, {"ANC2.GAMMA", 0.15}, {"ANC2.SLOPE", 0.1}};
    for (const auto& [name, value] : required) {
      const int i = pkpd::find_param(chain.info().parameters, name);
      REQUIRE(i >= 0);
      p[static_cast<std::size_t>(i)] = value;
    }
    for (double v : p) REQUIRE_FALSE(std::isnan(v));
    chain.bind(*ws, p.data());
    for (int trial = 0; trial < 20; ++trial)
      test::check_derivatives(chain, *ws, 2.0 * trial, test::random_point(rng, chain.n_states(), 0.1, 20.0), {});
    // Unlinked inputs are inputs of the composed model: Emax on an external C,
    // read by the user model, with dJdu and dOdu by the chain rule.
    const pkpd::ComposedModel open({{catalog.model("emax"), "E", {}, {}},
                                    {user_pd(kOnEffect, native, "on_effect"), "R", {}, {}}});
    REQUIRE(open.n_inputs() == 1);
    CHECK(open.info().inputs[0].name == "C");
    const std::vector<double> q = {0.1, 0.8, 1.5, 1.7, 4, 0.2};
    auto ws2 = open.make_workspace(q.data());
    for (int trial = 0; trial < 20; ++trial)
      test::check_derivatives(open, *ws2, 0.0, test::random_point(rng, 1, 1.0, 30.0), test::random_point(rng, 1, 0.05, 10.0));
  }
}
