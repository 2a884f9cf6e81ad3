// [validation] User models against references nobody here computed: central
// finite differences for the analytic Jacobian, a hand-written C++ right-hand
// side of the issue-16 model, and the closed-form 2-compartment oral solution
// (Gibaldi & Perrier) through CVODE. Compiled code and interpreter must agree.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "model_values.hpp"
#include "twinsim/core/ode.hpp"
#include "user_model_support.hpp"

using namespace twinsim;
using namespace twinsim::pkpd::user;

namespace {

double rel_err(double got, double want) { return std::abs(got - want) / std::max(std::abs(want), 1.0); }

UserModel build(const UserModelSpec& spec, bool native, const std::string& cache) {
  CompileOptions o;
  o.allow_compile = native;
  o.cache_dir = cache;
  UserModel m = build_user_model(spec, o);
  if (native) {
    INFO(m.note());
    REQUIRE(m.backend() == Backend::kNative);
  }
  return m;
}

// A piecewise, transcendental model: every function and branch of the language.
const char* kPiecewise =
    "model:\n"
    "  pd:\n"
    "    type: ode\n"
    "    inputs: [Cc, Ce]\n"
    "    parameters: {EMAX: 2, EC50: 1.5, H: 1.7, K: 0.3, TH: 0.4}\n"
    "    states: {A: 1, B: 2, C: 0.5}\n"
    "    equations: |\n"
    "      e = EMAX * Cc^H / (EC50^H + Cc^H)\n"
    "      g = if (A > B) sqrt(A * B) else abs(A - 2 * B) + log(1 + C)\n"
    "      d/dt(A) = -K * A * (1 + e) + max(0, B - C) * exp(-t / 10)\n"
    "      d/dt(B) = min(A, C)^2 - pow(B, 1 + TH * C) + ifelse(Ce >= 1 && !(A < 0.2), Ce, -Ce * A)\n"
    "      d/dt(C) = g / (1 + B^2) - K * C + -A^2 * 0.01 + (B / A)^(-C)\n";

// Central differences of the rhs against the analytic Jacobian, at random points.
void check_jacobian(const UserModel& m, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> pos(0.05, 3.0);
  UserModel::Scratch s = m.make_scratch();
  const int n = m.n_states(), k = m.n_inputs();
  const auto p = m.default_parameters();
  std::vector<double> y(n), u(k), J(n * n), dJdu(n * std::max(k, 1)), fp(n), fm(n);
  for (int trial = 0; trial < 50; ++trial) {
    for (auto& v : y) v = pos(rng);
    for (auto& v : u) v = pos(rng);
    const double t = 10 * pos(rng);
    m.jacobian(t, y.data(), p.data(), u.data(), J.data(), k ? dJdu.data() : nullptr, s);
    for (int j = 0; j < n + k; ++j) {
      double& x = j < n ? y[j] : u[j - n];
      const double x0 = x, h = 1e-6 * std::max(std::abs(x0), 1.0);
      x = x0 + h;
      m.rhs(t, y.data(), p.data(), u.data(), fp.data(), s);
      x = x0 - h;
      m.rhs(t, y.data(), p.data(), u.data(), fm.data(), s);
      x = x0;
      for (int i = 0; i < n; ++i) {
        const double fd = (fp[i] - fm[i]) / (2 * h);
        const double an = j < n ? J[i + j * n] : dJdu[i + (j - n) * n];
        INFO("trial " << trial << " d rhs[" << i << "] / d x[" << j << "]: analytic " << an << ", FD " << fd);
        CHECK(rel_err(an, fd) < 1e-6);
      }
    }
  }
}

// The issue-16 model written by hand, as a built-in model would be.
void friberg_rhs(const double* y, const double* p, double* dy) {
  const double CL = p[0], V1 = p[1], Q = p[2], V2 = p[3], KA = p[4], CIRC0 = p[5], MTT = p[6], GAMMA = p[7],
               SLOPE = p[8];
  const double Cc = y[1] / V1, ktr = 4 / MTT;
  dy[0] = -KA * y[0];
  dy[1] = KA * y[0] - (CL + Q) / V1 * y[1] + Q / V2 * y[2];
  dy[2] = Q / V1 * y[1] - Q / V2 * y[2];
  dy[3] = ktr * y[3] * (1 - SLOPE * Cc) * std::pow(CIRC0 / y[7], GAMMA) - ktr * y[3];
  dy[4] = ktr * (y[3] - y[4]);
  dy[5] = ktr * (y[4] - y[5]);
  dy[6] = ktr * (y[5] - y[6]);
  dy[7] = ktr * (y[6] - y[7]);
}

// A user model as a CVODE system (one virtual call per rhs, none per element).
class UserOde final : public core::OdeSystem {
 public:
  UserOde(const UserModel& m, std::vector<double> p) : m_(m), p_(std::move(p)), s_(m.make_scratch()) {}
  int size() const override { return m_.n_states(); }
  void rhs(double t, const double* y, double* ydot) const override { m_.rhs(t, y, p_.data(), nullptr, ydot, s_); }
  bool has_jacobian() const override { return true; }
  bool jacobian(double t, const double* y, double* jac) const override {
    m_.jacobian(t, y, p_.data(), nullptr, jac, nullptr, s_);
    return true;
  }

 private:
  const UserModel& m_;
  std::vector<double> p_;
  mutable UserModel::Scratch s_;
};

}  // namespace

TEST_CASE("user model Jacobians match central finite differences", "[validation]") {
  const std::string cache = test::private_cache_dir("jac");
  const auto friberg = test::parse_model_text(test::friberg_model_yaml());
  const auto piecewise = test::parse_model_text(kPiecewise, "pd", UserModelForm::kPdOnHostPk);
  const auto tumour = test::parse_model_text(
      "model:\n  ode:\n"
      "    parameters: {KG: 0.02, KS: 0.05, KR: 0.001, LAMBDA: 0.01, EMAX: 1, EC50: 2}\n"
      "    states: {DEPOT: 0, C: 0, S: 50, R: 1}\n"
      "    equations: |\n"
      "      kill = EMAX * C / (EC50 + C) * exp(-LAMBDA * t)\n"
      "      d/dt(DEPOT) = -DEPOT\n"
      "      d/dt(C) = DEPOT - 0.1 * C\n"
      "      d/dt(S) = KG * S * log(100 / (S + R)) - KS * kill * S\n"
      "      d/dt(R) = KG * R * (1 - (S + R) / 100) + KR * S * kill\n"
      "    outputs: {TUMOR: S + R}\n    dosing: {oral: DEPOT}\n");
  for (const auto* spec : {&friberg, &piecewise, &tumour}) {
    check_jacobian(build(*spec, false, cache), 11);
    check_jacobian(build(*spec, true, cache), 12);
  }
}

TEST_CASE("compiled code, interpreter and a hand-written rhs agree to 1e-14", "[validation]") {
  const std::string cache = test::private_cache_dir("agree");
  const auto spec = test::parse_model_text(test::friberg_model_yaml());
  const UserModel native = build(spec, true, cache), interp = build(spec, false, cache);
  auto sn = native.make_scratch();
  auto si = interp.make_scratch();
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> pos(0.1, 200.0);
  std::vector<double> p = native.default_parameters(), y(8), a(8), b(8), c(8), Ja(64), Jb(64), oa(2), ob(2);
  for (int trial = 0; trial < 200; ++trial) {
    for (auto& v : y) v = pos(rng);
    for (auto& v : p) v *= std::exp(0.2 * (pos(rng) / 100 - 1));  // individual parameters
    native.rhs(1.0, y.data(), p.data(), nullptr, a.data(), sn);
    interp.rhs(1.0, y.data(), p.data(), nullptr, b.data(), si);
    friberg_rhs(y.data(), p.data(), c.data());
    for (int i = 0; i < 8; ++i) {
      const double scale = std::max(std::abs(c[i]), 1e-300);
      CHECK(std::abs(a[i] - c[i]) / scale < 1e-14);
      CHECK(std::abs(b[i] - c[i]) / scale < 1e-14);
      CHECK(a[i] == b[i]);  // same operations in the same order
    }
    native.jacobian(1.0, y.data(), p.data(), nullptr, Ja.data(), nullptr, sn);
    interp.jacobian(1.0, y.data(), p.data(), nullptr, Jb.data(), nullptr, si);
    CHECK(Ja == Jb);
    native.outputs(1.0, y.data(), p.data(), nullptr, oa.data(), sn);
    interp.outputs(1.0, y.data(), p.data(), nullptr, ob.data(), si);
    CHECK(oa == ob);
    CHECK(oa[0] == y[1] / p[1]);
  }
  // The piecewise model too, with inputs.
  const auto pw = test::parse_model_text(kPiecewise, "pd", UserModelForm::kPdOnHostPk);
  const UserModel pn = build(pw, true, cache), pi = build(pw, false, cache);
  auto s1 = pn.make_scratch();
  auto s2 = pi.make_scratch();
  std::vector<double> q = pn.default_parameters(), z(3), u(2), d1(3), d2(3), j1(9), j2(9), g1(6), g2(6);
  for (int trial = 0; trial < 200; ++trial) {
    for (auto& v : z) v = pos(rng) / 50;
    for (auto& v : u) v = pos(rng) / 50;
    pn.rhs(2.0, z.data(), q.data(), u.data(), d1.data(), s1);
    pi.rhs(2.0, z.data(), q.data(), u.data(), d2.data(), s2);
    CHECK(d1 == d2);
    pn.jacobian(2.0, z.data(), q.data(), u.data(), j1.data(), g1.data(), s1);
    pi.jacobian(2.0, z.data(), q.data(), u.data(), j2.data(), g2.data(), s2);
    CHECK(j1 == j2);
    CHECK(g1 == g2);
  }
}

TEST_CASE("a user 2-compartment oral model solved by CVODE matches the closed form to 1e-8", "[validation]") {
  const auto spec = test::parse_model_text(test::two_cmt_oral_model_yaml());
  const std::string cache = test::private_cache_dir("cvode");
  for (const bool native : {true, false}) {
    const UserModel m = build(spec, native, cache);
    const auto p = m.default_parameters();
    const double CL = p[0], V1 = p[1], Q = p[2], V2 = p[3], KA = p[4], dose = 100;
    auto closed = [&](double t) { return test::two_cmt_oral_cc(t, CL, V1, Q, V2, KA, dose); };
    UserOde sys(m, p);
    core::CvodeSolver solver(3);
    core::OdeOptions opt;
    opt.rtol = 1e-12;
    opt.atol = {1e-14};
    std::vector<double> y(3, 0.0);
    auto s = m.make_scratch();
    m.initial_state(p.data(), y.data(), s);
    y[static_cast<std::size_t>(m.dosing().oral)] += dose;
    solver.start(sys, 0.0, y.data(), opt);
    double worst = 0.0;
    for (double t = 0.5; t <= 168.0; t += 0.5) {
      REQUIRE(solver.advance(t, t, y.data()) == core::SolveStatus::kOk);
      double cc = 0.0;
      m.outputs(t, y.data(), p.data(), nullptr, &cc, s);
      worst = std::max(worst, std::abs(cc - closed(t)) / std::max(std::abs(closed(t)), 1e-3));
    }
    INFO("worst relative error " << worst);
    CHECK(worst < 1e-8);
  }
}
