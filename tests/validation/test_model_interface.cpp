// [validation] Every built-in model through the general model interface
// (pkpd/model.hpp) gives the numbers of today's engines:
//  - each PK configuration (1-3 compartments; IV, first-order, zero-order and
//    transit absorption; linear and Michaelis-Menten elimination) solved by
//    CVODE through the interface is bitwise the PK simulator's ODE engine, and
//    agrees with its analytic (matrix-exponential) engine where PK is linear;
//  - each registry PD model's right-hand side, Jacobian, output and initial
//    state through the interface are bitwise the PdModel's; the output
//    derivatives the interface adds match central differences;
//  - PK + PD composed (composed_model.hpp) is the engines' ModelSystem: the
//    same right-hand side bitwise, the same Jacobian up to rounding, the same
//    trajectories within the solver tolerance.
#include <catch2/catch.hpp>

#include <random>

#include "model_interface_support.hpp"
#include "model_values.hpp"
#include "twinsim/core/dosing.hpp"
#include "twinsim/pkpd/composed_model.hpp"
#include "twinsim/pkpd/model_catalog.hpp"
#include "twinsim/pkpd/pk_simulator.hpp"

using namespace twinsim;
using pkpd::Absorption;
using pkpd::Elimination;

namespace {

const test::Params kPk = {{"CL", 10}, {"V", 50}, {"V1", 50}, {"Q", 5}, {"V2", 100}, {"Q3", 2}, {"V3", 200},
                          {"KA", 1.2}, {"D1", 3}, {"MTT_ABS", 2}, {"VMAX", 40}, {"KM", 1.5}, {"F", 0.8}, {"TLAG", 0}};

// The given values of the model's parameters; defaults fill the rest.
std::vector<double> pick(const std::vector<pkpd::ParamSpec>& specs, const test::Params& given) {
  std::vector<double> v;
  for (const auto& s : specs) {
    const auto it = given.find(s.name);
    if (it == given.end()) REQUIRE_FALSE(s.required());
    v.push_back(it != given.end() ? it->second : s.default_value);
  }
  return v;
}

std::vector<double> sample_times() {
  std::vector<double> t;
  for (double x = 0.25; x <= 96.0; x += 0.75) t.push_back(x);
  return t;
}

// The PK simulator's trajectory of the same patient and dose.
Eigen::MatrixXd engine_trajectory(const pkpd::ModelSystem& sys, pkpd::Route route, pkpd::Engine engine,
                                  const std::vector<double>& times) {
  const auto actions = core::expand_doses({pkpd::make_dose(sys.pk, route, 0.0, 100.0, 0.0)});
  std::vector<pkpd::Sample> samples;
  for (double t : times) samples.push_back({t, false, true});
  pkpd::PkSimulator sim;
  pkpd::Trajectory out;
  sim.simulate(sys, actions, samples, engine, out);
  REQUIRE(out.status == core::SolveStatus::kOk);
  return out.states;
}

}  // namespace

TEST_CASE("every PK configuration through the interface is the engines' PK model", "[validation]") {
  const pkpd::ModelCatalog catalog;
  const auto times = sample_times();
  for (int ncmt = 1; ncmt <= 3; ++ncmt) {
    for (Absorption abs : {Absorption::kNone, Absorption::kFirstOrder, Absorption::kZeroOrder, Absorption::kTransit}) {
      for (Elimination elim : {Elimination::kLinear, Elimination::kMichaelisMenten}) {
        pkpd::PkModelOptions opt{abs, elim, abs == Absorption::kTransit ? 3 : 0};
        const auto model = catalog.pk(ncmt, opt);
        const std::string what = model->info().description;
        INFO(what);
        // The engine's model of the same configuration, NTR as a parameter.
        const pkpd::PkModel pk(ncmt, abs, elim);
        test::Params given = kPk;
        given["NTR"] = 3;
        const pkpd::ModelSystem sys(pk.compile(pick(pk.parameters(), given)));
        const auto p = pick(model->info().parameters, kPk);
        auto ws = model->make_workspace(p.data());

        // Layout and dose records (with a lag) as the engine's.
        const auto names = pk.state_names(sys.pk.n_transit);
        REQUIRE(model->n_states() == sys.pk.n_states);
        for (int i = 0; i < model->n_states(); ++i) CHECK(model->info().states[i].name == names[i]);
        const bool oral = abs != Absorption::kNone;
        REQUIRE(model->info().dosing.size() == (oral ? 2u : 1u));
        given["TLAG"] = 0.5;
        const pkpd::PkSystem lagged = pk.compile(pick(pk.parameters(), given));
        test::Params with_lag = kPk;
        with_lag["TLAG"] = 0.5;
        const auto p_lag = pick(model->info().parameters, with_lag);
        auto ws_lag = model->make_workspace(p_lag.data());
        const pkpd::Route routes[2] = {pkpd::Route::kOral, pkpd::Route::kIvBolus};
        for (std::size_t r = 0; r < model->info().dosing.size(); ++r) {
          const auto d = pkpd::make_dose(lagged, routes[oral ? r : 1], 0.0, 100.0, 0.0);
          CHECK(model->info().dosing[r].state == d.cmt);
          const auto mod = model->dose_modifiers(static_cast<int>(r), *ws_lag);
          CHECK(mod.f == d.f);
          CHECK(mod.lag_h == d.lag);
          CHECK(mod.duration_h == d.duration);
        }

        // A bolus (the zero-order route is a rate, so those go IV): CVODE through
        // the interface against the ODE engine, bitwise, and against the exact engine.
        const bool bolus_oral = oral && abs != Absorption::kZeroOrder;
        const auto mine = test::solve_after_dose(*model, *ws, bolus_oral ? "oral" : "iv", 100.0, times);
        const auto route = bolus_oral ? pkpd::Route::kOral : pkpd::Route::kIvBolus;
        // The engine applies F at the dose, as the interface's caller does.
        const Eigen::MatrixXd ode = engine_trajectory(sys, route, pkpd::Engine::kOde, times);
        bool identical = true;
        for (std::size_t s = 0; s < times.size(); ++s)
          for (int i = 0; i < model->n_states(); ++i) identical = identical && mine[s][i] == ode(i, static_cast<Eigen::Index>(s));
        CHECK(identical);
        if (elim == Elimination::kLinear) {
          const Eigen::MatrixXd exact = engine_trajectory(sys, route, pkpd::Engine::kAnalytic, times);
          double worst = 0.0;
          for (std::size_t s = 0; s < times.size(); ++s)
            for (int i = 0; i < model->n_states(); ++i)
              worst = std::max(worst, test::scaled_err(mine[s][i], exact(i, static_cast<Eigen::Index>(s))));
          test::report("PK through the interface vs analytic engine: " + what, worst);
          CHECK(worst < 1e-6);  // CVODE at rtol 1e-8, atol 1e-10 over 96 h
        }
        std::mt19937_64 rng(static_cast<unsigned>(ncmt * 100 + static_cast<int>(abs) * 10 + static_cast<int>(elim)));
        test::check_derivatives(*model, *ws, 1.0, test::random_point(rng, model->n_states(), 0.1, 50.0), {});
      }
    }
  }
}

TEST_CASE("every registry PD model through the interface is the PdModel", "[validation]") {
  const pkpd::ModelCatalog catalog;
  std::mt19937_64 rng(7);
  for (const auto& entry : pkpd::registry().pd_models()) {
    const pkpd::PdModel& pd = *entry.model;
    const auto model = catalog.model(entry.name);
    INFO(entry.name);
    const int n = pd.n_states();
    REQUIRE(model->n_states() == n);
    REQUIRE(model->n_inputs() == 1);
    REQUIRE(model->n_outputs() == 1);
    CHECK(model->info().outputs[0].name == pd.output().name);
    // Typical values, as the tests of the PD models use them.
    std::vector<double> p;
    for (const auto& s : pd.parameters()) p.push_back(s.required() ? (s.range.contains(0.5) ? 0.5 : 2.0) : s.default_value);
    auto ws = model->make_workspace(p.data());
    CHECK(model->check(p.data()) == pd.check(p.data()));
    std::vector<double> a(n), b(n);
    model->initial_state(a.data(), *ws);
    pd.initial(p.data(), b.data());
    CHECK(a == b);
    for (int trial = 0; trial < 20; ++trial) {
      const auto y = test::random_point(rng, n, 0.1, 10.0);
      const double c = test::random_point(rng, 1, 0.01, 20.0)[0], t = 5.0 * trial;
      model->rhs(t, y.data(), &c, a.data(), *ws);
      pd.rhs(p.data(), t, c, y.data(), b.data());
      CHECK(a == b);
      std::vector<double> J1(n * n), J2(n * n, 0.0), g1(n), g2(n, 0.0);
      model->jacobian(t, y.data(), &c, J1.data(), g1.data(), *ws);
      pd.jacobian(p.data(), t, c, y.data(), J2.data(), n, g2.data());
      CHECK(J1 == J2);
      CHECK(g1 == g2);
      double out = 0.0;
      model->outputs(t, y.data(), &c, &out, *ws);
      CHECK(out == pd.value(p.data(), c, y.data()));
      test::check_derivatives(*model, *ws, t, y, {c});
    }
  }
}

TEST_CASE("built-in PK and PD composed are the engines' ModelSystem", "[validation]") {
  const pkpd::ModelCatalog catalog;
  const auto times = sample_times();
  struct Case {
    std::vector<std::string> pd;  // a chain: each reads the previous one's output, the first reads Cc
    test::Params values;
  };
  const std::vector<Case> cases = {
      {{"friberg"}, {{"CIRC0", 5}, {"MTT", 125}, {"GAMMA", 0.17}, {"SLOPE", 0.3}}},
      {{"friberg_emax"}, {{"CIRC0", 5}, {"MTT", 100}, {"GAMMA", 0.2}, {"EMAX", 0.8}, {"EC50", 1}}},
      {{"claret"}, {{"TUMOR0", 60}, {"KL", 0.0005}, {"KD", 0.02}, {"LAMBDA", 0.01}}},
      {{"simeoni"}, {{"TUMOR0", 60}, {"LAMBDA0", 0.005}, {"LAMBDA1", 0.5}, {"K1", 0.05}, {"K2", 0.02}}},
      {{"indirect_response_2"}, {{"R0", 10}, {"KOUT", 0.2}, {"IMAX", 0.7}, {"IC50", 1}, {"HILL", 1.5}}},
      {{"effect_compartment", "indirect_response_3"},
       {{"KE0", 0.3}, {"R0", 10}, {"KOUT", 0.2}, {"EMAX", 2}, {"EC50", 1}}},
  };
  for (const Case& cs : cases) {
    INFO(cs.pd.front() << (cs.pd.size() > 1 ? " -> " + cs.pd.back() : ""));
    const pkpd::PkModelOptions opt{Absorption::kFirstOrder, Elimination::kLinear, 0};
    const pkpd::PkModel pk(2, opt.absorption, opt.elimination);
    pkpd::ModelSystem sys(pk.compile(pick(pk.parameters(), kPk)));
    std::vector<pkpd::ComponentSpec> parts = {{catalog.pk("two_compartment", opt), "", {}, {}}};
    std::vector<double> p = pick(parts[0].model->info().parameters, kPk);
    std::string input = "Cc";
    for (std::size_t b = 0; b < cs.pd.size(); ++b) {
      const pkpd::PdModel* pd = test::pd(cs.pd[b]);
      auto values = pick(pd->parameters(), cs.values);
      sys.add_pd(pd, values, b == 0 ? -1 : static_cast<int>(b) - 1);
      parts.push_back({catalog.model(cs.pd[b]), pd->output().name, {{"C", input}}, {}});
      input = pd->output().name;
      p.insert(p.end(), values.begin(), values.end());
    }
    const pkpd::ComposedModel model(parts);
    REQUIRE(model.n_states() == sys.n_states);
    auto ws = model.make_workspace(p.data());
    std::vector<double> a(sys.n_states), b(sys.n_states);
    model.initial_state(a.data(), *ws);
    sys.initial_state(b.data());
    CHECK(a == b);
    std::mt19937_64 rng(3);
    const int N = sys.n_states, n = sys.pk.n_states;
    for (int trial = 0; trial < 20; ++trial) {
      const auto y = test::random_point(rng, N, 0.1, 20.0);
      const double t = 3.0 * trial;
      model.rhs(t, y.data(), nullptr, a.data(), *ws);
      std::fill(b.begin(), b.end(), 0.0);
      sys.pd_rhs(t, sys.pk.concentration(y.data()), y.data(), b.data());
      for (int i = n; i < N; ++i) CHECK(a[i] == b[i]);
      // The engine's Jacobian: PD block, and d/dCc by the chain rule through Cc = CENT / V.
      std::vector<double> J(N * N), K(N * N, 0.0), dfdcc(N, 0.0);
      model.jacobian(t, y.data(), nullptr, J.data(), nullptr, *ws);
      sys.pd_jacobian(t, sys.pk.concentration(y.data()), y.data(), K.data(), N, dfdcc.data());
      for (int i = n; i < N; ++i) K[i + sys.pk.idx_central * N] += dfdcc[i] / sys.pk.v_central;
      for (int j = 0; j < N; ++j)
        for (int i = n; i < N; ++i) CHECK(std::abs(J[i + j * N] - K[i + j * N]) <= 1e-15 * std::max(std::abs(K[i + j * N]), 1.0));
      test::check_derivatives(model, *ws, t, y, {});
    }
    const auto mine = test::solve_after_dose(model, *ws, "oral", 100.0, times);
    const Eigen::MatrixXd ode = engine_trajectory(sys, pkpd::Route::kOral, pkpd::Engine::kOde, times);
    double worst = 0.0;
    for (std::size_t s = 0; s < times.size(); ++s)
      for (int i = 0; i < N; ++i) worst = std::max(worst, test::scaled_err(mine[s][i], ode(i, static_cast<Eigen::Index>(s))));
    test::report("composed PK + " + cs.pd.back() + " vs the ODE engine", worst);
    CHECK(worst < 1e-6);  // two CVODE runs at rtol 1e-8 whose Jacobians differ in rounding
  }
}
