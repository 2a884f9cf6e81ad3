// [unit] User models: what parse_user_model reads, the errors it collects with
// the column inside the equation text, and the built model's API.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "user_model_support.hpp"

using namespace twinsim;
using namespace twinsim::pkpd::user;

namespace {

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::string all(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

}  // namespace

TEST_CASE("user model: the issue-16 model is read whole", "[unit]") {
  const auto spec = test::parse_model_text(test::friberg_model_yaml());
  CHECK(spec.parameter_names() ==
        std::vector<std::string>{"CL", "V1", "Q", "V2", "KA", "CIRC0", "MTT", "GAMMA", "SLOPE"});
  CHECK(spec.state_names() == std::vector<std::string>{"DEPOT", "CENT", "PERI", "PROL", "T1", "T2", "T3", "CIRC"});
  REQUIRE(spec.outputs.size() == 2);
  CHECK(spec.outputs[1].name == "ANC");
  CHECK(spec.dosing.oral == 0);
  CHECK(spec.dosing.iv == 1);
  CHECK(spec.equations.size() == 10);
  CHECK(spec.equations[5] == "d/dt(PROL) = ktr * PROL * (1 - SLOPE * Cc) * (CIRC0 / CIRC) ^ GAMMA - ktr * PROL");
  CompileOptions o;
  o.allow_compile = false;
  const UserModel m = build_user_model(spec, o);
  auto s = m.make_scratch();
  std::vector<double> y(8);
  const auto p = m.default_parameters();
  m.initial_state(p.data(), y.data(), s);
  CHECK(y == std::vector<double>{0, 0, 0, 5, 5, 5, 5, 5});
  // Sparsity: DEPOT->DEPOT, CENT<-DEPOT,CENT,PERI, PERI<-CENT,PERI, PROL<-CENT,PROL,CIRC, chain, CIRC<-T3,CIRC.
  CHECK(m.jacobian_sparsity().size() == 17);
  const auto& nz = m.jacobian_sparsity();
  CHECK(std::count(nz.begin(), nz.end(), std::make_pair(3, 7)) == 1);  // d PROL' / d CIRC
  CHECK(std::count(nz.begin(), nz.end(), std::make_pair(0, 1)) == 0);  // DEPOT' does not read CENT
  CHECK(m.backend() == Backend::kInterpreter);
  CHECK(m.note() == "the user model is interpreted (compilation turned off)");
}

TEST_CASE("user model: parameters with units and bounds, expression initial values", "[unit]") {
  const auto spec = test::parse_model_text(
      "model:\n"
      "  ode:\n"
      "    parameters:\n"
      "      KIN: {value: 10, unit: 1/h, lower: 0}\n"
      "      KOUT: {value: 0.5, unit: 1/h, lower: 0, upper: 5}\n"
      "      F: 1\n"
      "    states: {R: KIN / KOUT * F}\n"
      "    equations: 'd/dt(R) = KIN - KOUT * R'\n"
      "    outputs: {RESP: R / (KIN / KOUT)}\n");
  REQUIRE(spec.parameters.size() == 3);
  CHECK(spec.parameters[0].unit == "1/h");
  CHECK(spec.parameters[0].lower == 0.0);
  CHECK(std::isinf(spec.parameters[0].upper));
  CHECK(spec.parameters[1].upper == 5.0);
  CHECK(spec.parameters[2].unit.empty());
  CompileOptions o;
  o.allow_compile = false;
  const UserModel m = build_user_model(spec, o);
  auto s = m.make_scratch();
  const auto p = m.default_parameters();
  double y0 = 0, out = 0;
  m.initial_state(p.data(), &y0, s);
  CHECK(y0 == 20.0);
  m.outputs(0.0, &y0, p.data(), nullptr, &out, s);
  CHECK(out == 1.0);
}

TEST_CASE("user model: a PD model on built-in PK reads inputs and reports d rhs / d input", "[unit]") {
  const auto spec = test::parse_model_text(
      "model:\n"
      "  pd:\n"
      "    type: ode\n"
      "    inputs: [Cc]\n"
      "    parameters: {KIN: 1, KOUT: 0.1, IC50: 2}\n"
      "    states: {R: KIN / KOUT}\n"
      "    equations: |\n"
      "      inh = Cc / (IC50 + Cc)\n"
      "      d/dt(R) = KIN * (1 - inh) - KOUT * R\n"
      "    outputs: {BIOMARKER: R}\n",
      "pd", UserModelForm::kPdOnHostPk);
  CHECK(spec.inputs == std::vector<std::string>{"Cc"});
  CompileOptions o;
  o.allow_compile = false;
  const UserModel m = build_user_model(spec, o);
  CHECK(m.input_sparsity() == std::vector<std::pair<int, int>>{{0, 0}});
  auto s = m.make_scratch();
  const auto p = m.default_parameters();
  const double y = 8.0, u = 3.0;
  double J = 0, dJdu = 0, dydt = 0;
  m.rhs(0.0, &y, p.data(), &u, &dydt, s);
  CHECK(dydt == Approx(1.0 * (1 - 3.0 / 5.0) - 0.8));
  m.jacobian(0.0, &y, p.data(), &u, &J, &dJdu, s);
  CHECK(J == -0.1);
  CHECK(dJdu == Approx(-1.0 * 2.0 / 25.0));  // -KIN * IC50 / (IC50 + Cc)^2
}

TEST_CASE("user model: every error is collected, each at its character", "[unit]") {
  const auto errors = test::model_errors(
      "model:\n"
      "  ode:\n"
      "    parameters: {CL: 10, V: 50}\n"
      "    states: {CENT: 0, PERI: 0}\n"
      "    equations: |\n"
      "      k = CL / VV\n"
      "      d/dt(CENT) = -k * CENT +\n"
      "         foo(1)\n"
      "      d/dt(XX) = 1\n"
      "    outputs: {Cc: CENT / V, CL: 1}\n"
      "    dosing: {ora: CENT}\n");
  INFO(all(errors));
  CHECK(errors.size() == 6);
  CHECK(has(errors, "m.yaml:6:16: error: model.ode.equations: unknown name 'VV' (did you mean 'V'?)"));
  CHECK(has(errors, "m.yaml:8:10: error: model.ode.equations: unknown function 'foo'"));
  CHECK(has(errors, "m.yaml:9:12: error: model.ode.equations: d/dt(XX): 'XX' is not a state"));
  CHECK(has(errors, "m.yaml:4:23: error: model.ode.states.PERI: state 'PERI' has no equation: add d/dt(PERI) = ... "
                    "to equations"));
  CHECK(has(errors, "m.yaml:10:29: error: model.ode.outputs.CL: 'CL' is already a parameter (line 3); every "
                    "parameter, state, input and output needs a name of its own"));
  CHECK(has(errors, "m.yaml:11:14: error: model.ode.dosing.ora: unknown key 'ora' (did you mean 'oral'?)"));
}

TEST_CASE("user model: the column is right in |, |- and quoted equation text", "[unit]") {
  const std::string head = "model:\n  ode:\n    parameters: {K: 1}\n    states: {A: 1}\n";
  // Same statement, three spellings; the typo KX is at a known column in each.
  CHECK(test::model_errors(head + "    equations: |\n        d/dt(A) = -KX * A\n") ==
        std::vector<std::string>{"m.yaml:6:20: error: model.ode.equations: unknown name 'KX' (did you mean 'K'?)"});
  CHECK(test::model_errors(head + "    equations: |-\n      # note\n      d/dt(A) = -KX * A\n") ==
        std::vector<std::string>{"m.yaml:7:18: error: model.ode.equations: unknown name 'KX' (did you mean 'K'?)"});
  CHECK(test::model_errors(head + "    equations: \"d/dt(A) = -KX * A\"\n") ==
        std::vector<std::string>{"m.yaml:5:28: error: model.ode.equations: unknown name 'KX' (did you mean 'K'?)"});
  CHECK(test::model_errors(head + "    equations: 'd/dt(A) = ''x'' + -KX'\n") ==
        std::vector<std::string>{"m.yaml:5:27: error: model.ode.equations: unexpected character '''",
                                 "m.yaml:5:30: error: model.ode.equations: unexpected character '''",
                                 "m.yaml:5:29: error: model.ode.equations: unknown name 'x' (did you mean 'A'?)",
                                 "m.yaml:5:36: error: model.ode.equations: unknown name 'KX' (did you mean 'K'?)"});
}

TEST_CASE("user model: the model may live in a file the scenario names", "[unit]") {
  const auto dir = std::filesystem::path(test::private_cache_dir("modelfile"));
  {
    std::ofstream f(dir / "pk.yaml");
    f << "parameters: {K: 0.1}\nstates: {A: 0}\nequations: |\n  d/dt(A) = -K * AA\ndosing: {iv: A}\n";
  }
  const std::string scenario = (dir / "s.yaml").string();
  {
    std::ofstream f(scenario);
    f << "model:\n  ode:\n    file: pk.yaml\n";
  }
  const auto root = core::ConfigNode::load_file(scenario);
  core::Diagnostics diag;
  (void)parse_user_model(root.get("model").get("ode"), diag);
  REQUIRE(diag.size() == 1);
  CHECK(diag.items()[0].format() ==
        (dir / "pk.yaml").string() + ":4:18: error: equations: unknown name 'AA' (did you mean 'A'?)");
  std::filesystem::remove_all(dir);
}

TEST_CASE("user model: inputs only in the PD form, names must be usable", "[unit]") {
  const auto e1 = test::model_errors(
      "model:\n  ode:\n    inputs: [Cc]\n    parameters: {K: 1}\n    states: {A: 0}\n    equations: 'd/dt(A) = -K*A'\n");
  CHECK(has(e1, "m.yaml:3:5: error: model.ode.inputs: inputs come from a built-in PK model: use a model.pd entry "
                "with type: ode, or write the PK here"));
  const auto e2 = test::model_errors(
      "model:\n  ode:\n    parameters: {exp: 1, 2k: 3}\n    states: {t: 0}\n    equations: 'x = 1'\n");
  CHECK(has(e2, "m.yaml:3:18: error: model.ode.parameters.exp: 'exp' is a reserved name (t, if, else and the "
                "functions)"));
  CHECK(has(e2, "m.yaml:3:26: error: model.ode.parameters.2k: '2k' is not a valid name (letters, digits, _ and ., "
                "starting with a letter or _)"));
  CHECK(has(e2, "m.yaml:4:14: error: model.ode.states.t: 't' is a reserved name (t, if, else and the functions)"));
}
