// [validation] A user model is a Model like any built-in
// (pkpd/user/user_model_adapter.hpp): a user 2-compartment oral model, found
// in the catalog and solved by CVODE through the interface, matches the
// built-in 2-compartment oral model's exact engine and the closed form
// (Gibaldi & Perrier, 2-compartment, first-order absorption) to 1e-8; its
// output derivatives (added for composition) match central differences, and
// compiled code and interpreter compute them bitwise alike.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "model_interface_support.hpp"
#include "model_values.hpp"
#include "user_model_support.hpp"
#include "twinsim/core/dosing.hpp"
#include "twinsim/pkpd/model_catalog.hpp"
#include "twinsim/pkpd/pk_simulator.hpp"
#include "twinsim/pkpd/user/user_model_adapter.hpp"

using namespace twinsim;

namespace {

pkpd::user::UserModel build(const char* text, bool native, const std::string& cache) {
  pkpd::user::CompileOptions o;
  o.allow_compile = native;
  o.cache_dir = cache;
  auto m = pkpd::user::build_user_model(test::parse_model_text(text), o);
  if (native) {
    INFO(m.note());
    REQUIRE(m.backend() == pkpd::user::Backend::kNative);
  }
  return m;
}

}  // namespace

TEST_CASE("a user 2-compartment oral model through the interface matches the built-in closed form to 1e-8",
          "[validation]") {
  const std::string cache = test::private_cache_dir("iface");
  const double CL = 10, V1 = 50, Q = 5, V2 = 100, KA = 1, dose = 100;
  auto closed = [&](double t) { return test::two_cmt_oral_cc(t, CL, V1, Q, V2, KA, dose); };
  std::vector<double> times;
  for (double t = 0.5; t <= 168.0; t += 0.5) times.push_back(t);
  // The built-in 2-compartment oral model, by its exact (matrix-exponential) engine.
  const pkpd::PkModel pk(2, pkpd::Absorption::kFirstOrder, pkpd::Elimination::kLinear);
  const pkpd::PkSystem sys = pk.compile({CL, V1, Q, V2, KA, 1.0, 0.0});
  std::vector<pkpd::Sample> samples;
  for (double t : times) samples.push_back({t, false, true});
  pkpd::PkSimulator sim;
  pkpd::Trajectory exact;
  sim.simulate(sys, core::expand_doses({pkpd::make_dose(sys, pkpd::Route::kOral, 0, dose, 0)}), samples,
               pkpd::Engine::kAnalytic, exact);
  REQUIRE(exact.status == core::SolveStatus::kOk);

  for (const bool native : {true, false}) {
    INFO((native ? "compiled" : "interpreted"));
    pkpd::ModelCatalog catalog;
    pkpd::user::register_model(catalog, "model.ode", build(test::two_cmt_oral_model_yaml(), native, cache));
    const auto m = catalog.model("model.ode");
    auto ws = m->make_workspace(m->default_parameters().data());
    core::OdeOptions opt;
    opt.rtol = 1e-12;
    opt.atol = {1e-14};
    const auto y = test::solve_after_dose(*m, *ws, "oral", dose, times, opt);
    double vs_engine = 0.0, vs_closed = 0.0;
    for (std::size_t s = 0; s < times.size(); ++s) {
      double cc = 0.0;
      m->outputs(times[s], y[s].data(), nullptr, &cc, *ws);
      const double engine = exact.states(sys.idx_central, static_cast<Eigen::Index>(s)) / V1;
      vs_engine = std::max(vs_engine, std::abs(cc - engine) / std::max(std::abs(engine), 1e-3));
      vs_closed = std::max(vs_closed, std::abs(cc - closed(times[s])) / std::max(std::abs(closed(times[s])), 1e-3));
    }
    test::report(std::string("user 2-cmt oral (") + (native ? "compiled" : "interpreted") + ") vs analytic engine",
                 vs_engine);
    test::report(std::string("user 2-cmt oral (") + (native ? "compiled" : "interpreted") + ") vs closed form",
                 vs_closed);
    CHECK(vs_engine < 1e-8);
    CHECK(vs_closed < 1e-8);
  }
}

TEST_CASE("user model output derivatives match central differences, compiled and interpreted alike",
          "[validation]") {
  const std::string cache = test::private_cache_dir("ojac");
  const char* text =
      "model:\n  pd:\n    type: ode\n    inputs: [Cc, Ce]\n"
      "    parameters: {K: 0.3, EC50: 1.5, H: 1.7}\n"
      "    states: {A: 1, B: 2}\n"
      "    equations: |\n"
      "      e = Cc^H / (EC50^H + Cc^H)\n"
      "      d/dt(A) = -K * A * (1 + e)\n"
      "      d/dt(B) = K * (A - B) + Ce\n"
      "    outputs: {E: e, AB: A * B + log(1 + Ce), M: \"max(A, B) * exp(-t / 10)\", C: 2.5}\n";
  const auto spec = test::parse_model_text(text, "pd", pkpd::user::UserModelForm::kPdOnHostPk);
  pkpd::user::CompileOptions on, off;
  on.cache_dir = off.cache_dir = cache;
  off.allow_compile = false;
  const auto native = pkpd::user::build_user_model(spec, on), interp = pkpd::user::build_user_model(spec, off);
  REQUIRE(native.backend() == pkpd::user::Backend::kNative);
  // d out / d y: E none; AB both; M both (either branch); C none. d out / d u: E on Cc, AB on Ce.
  CHECK(native.output_sparsity() == std::vector<std::pair<int, int>>{{1, 0}, {2, 0}, {1, 1}, {2, 1}});
  CHECK(native.output_input_sparsity() == std::vector<std::pair<int, int>>{{0, 0}, {1, 1}});
  auto s1 = native.make_scratch();
  auto s2 = interp.make_scratch();
  const auto p = native.default_parameters();
  std::mt19937_64 rng(9);
  const auto m = pkpd::user::as_model(native, "pd");
  auto ws = m->make_workspace(p.data());
  for (int trial = 0; trial < 50; ++trial) {
    const auto y = test::random_point(rng, 2, 0.1, 5.0), u = test::random_point(rng, 2, 0.1, 5.0);
    std::vector<double> a(8), b(8), da(8), db(8);
    native.output_jacobian(1.5, y.data(), p.data(), u.data(), a.data(), da.data(), s1);
    interp.output_jacobian(1.5, y.data(), p.data(), u.data(), b.data(), db.data(), s2);
    CHECK(a == b);
    CHECK(da == db);
    test::check_derivatives(*m, *ws, 1.5, y, u);
  }
}
