// [unit] The model catalog (pkpd/model_catalog.hpp): models by name, PK models
// by name or by `compartments: N`, models added at run time, unknown names
// listing the known ones; and the names and errors of a composition
// (pkpd/composed_model.hpp).
#include <catch2/catch.hpp>

#include "user_model_support.hpp"
#include "twinsim/pkpd/composed_model.hpp"
#include "twinsim/pkpd/model_catalog.hpp"
#include "twinsim/pkpd/user/user_model_adapter.hpp"

using namespace twinsim;
using pkpd::Absorption;
using pkpd::Elimination;

namespace {

const char* kKnown =
    "one_compartment, two_compartment, three_compartment, emax, linear_effect, log_linear_effect, "
    "effect_compartment, indirect_response_1, indirect_response_2, indirect_response_3, indirect_response_4, "
    "friberg, friberg_emax, claret, simeoni";

template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("the catalog serves every built-in model by name", "[unit]") {
  const pkpd::ModelCatalog catalog;
  std::string all;
  for (const auto& n : catalog.names()) all += (all.empty() ? "" : ", ") + n;
  CHECK(all == kKnown);
  for (const auto& e : catalog.entries()) {
    CHECK(e.builtin);
    if (e.compartments > 0) {
      CHECK(catalog.pk_name(e.compartments) == e.name);
      CHECK(catalog.pk(e.name)->info().name == e.name);
    } else {
      CHECK(catalog.model(e.name)->info().name == e.name);
    }
  }
  // `compartments: 2` is the same model as `two_compartment`: same names, same numbers.
  const pkpd::PkModelOptions oral{Absorption::kFirstOrder, Elimination::kLinear, 0};
  const auto by_name = catalog.pk("two_compartment", oral), by_count = catalog.pk(2, oral);
  CHECK(by_name->info().description == "2-compartment PK, first_order absorption, linear elimination");
  CHECK(by_count->info().description == by_name->info().description);
  const std::vector<double> p = {10, 50, 5, 100, 1, 1, 0};
  auto w1 = by_name->make_workspace(p.data());
  auto w2 = by_count->make_workspace(p.data());
  const std::vector<double> y = {100, 20, 5, 1};
  std::vector<double> a(4), b(4);
  by_name->rhs(0, y.data(), nullptr, a.data(), *w1);
  by_count->rhs(0, y.data(), nullptr, b.data(), *w2);
  CHECK(a == b);
  CHECK(a[1] == 1.0 * 100 - (10.0 + 5) / 50 * 20 + 5.0 / 100 * 5);
}

TEST_CASE("unknown model names list the known ones", "[unit]") {
  const pkpd::ModelCatalog catalog;
  CHECK(error_of([&] { catalog.model("frieberg"); }) ==
        std::string("unknown model 'frieberg' (did you mean 'friberg'?); known models: ") + kKnown);
  CHECK(error_of([&] { catalog.pk("two_compartments"); }) ==
        "unknown PK model 'two_compartments' (did you mean 'two_compartment'?); known PK models: one_compartment, "
        "two_compartment, three_compartment");
  CHECK(error_of([&] { catalog.pk("friberg"); }) ==
        "'friberg' is not a PK model; PK models: one_compartment, two_compartment, three_compartment");
  CHECK(error_of([&] { catalog.pk(4); }) == "no PK model with 4 compartments; PK models have 1, 2, 3");
  CHECK(error_of([&] { catalog.model("two_compartment"); }) ==
        "'two_compartment' is a PK model: it is built for an absorption and an elimination (ModelCatalog::pk)");
  CHECK(error_of([&] { catalog.pk("one_compartment", {Absorption::kTransit, Elimination::kLinear, 0}); }) ==
        "transit absorption needs 1 to 20 transit compartments (got 0)");
  CHECK(error_of([&] { catalog.pk("one_compartment", {Absorption::kFirstOrder, Elimination::kLinear, 2}); }) ==
        "transit compartments are given only with absorption: transit");
}

TEST_CASE("models added at run time are found like built-in ones", "[unit]") {
  pkpd::ModelCatalog catalog;
  pkpd::user::CompileOptions o;
  o.allow_compile = false;  // the interpreter: no compiler needed for a catalog test
  pkpd::user::register_model(catalog, "model.ode",
                             pkpd::user::build_user_model(test::parse_model_text(test::friberg_model_yaml()), o));
  const auto* e = catalog.find("model.ode");
  REQUIRE(e != nullptr);
  CHECK_FALSE(e->builtin);
  CHECK(e->description == "user-defined PK/PD model");
  const auto m = catalog.model("model.ode");
  CHECK(m->n_states() == 8);
  CHECK(m->info().parameters[0].name == "CL");
  CHECK(m->info().parameters[0].default_value == 10);
  REQUIRE(m->info().dosing.size() == 2);
  CHECK(m->info().dosing[0].route == "oral");
  CHECK(m->info().dosing[0].state == 0);
  CHECK(m->info().dosing[1].route == "iv");
  CHECK(m->info().dosing[1].state == 1);
  CHECK(m->info().outputs[1].name == "ANC");
  CHECK(m->info().jacobian.count() == 17);  // as `twinsim models --check` prints it
  CHECK(error_of([&] { catalog.add("model.ode", "again", m); }) == "model 'model.ode' is already in the catalog (added earlier)");
  CHECK(error_of([&] { catalog.add("friberg", "mine", m); }) == "model 'friberg' is already in the catalog (a built-in model)");
  CHECK(error_of([&] { catalog.model("model.od"); }).find("unknown model 'model.od' (did you mean 'model.ode'?)") == 0);
  // The built-in catalog a scenario copied from is untouched.
  CHECK_FALSE(pkpd::ModelCatalog().contains("model.ode"));
}

TEST_CASE("a composition is described by its names, and wrong links are named", "[unit]") {
  const pkpd::ModelCatalog catalog;
  const auto pk = catalog.pk("two_compartment", {Absorption::kFirstOrder, Elimination::kLinear, 0});
  auto message = [](std::vector<pkpd::ComponentSpec> parts) {
    try {
      pkpd::ComposedModel m(std::move(parts));
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message({{pk, "", {}, {}}, {catalog.model("friberg"), "ANC", {{"C", "Cx"}}, {}}}) ==
        "component 'ANC': input 'C' reads 'Cx', which no earlier component outputs (did you mean 'Cc'?); "
        "earlier outputs: Cc, AUC");
  CHECK(message({{pk, "", {}, {}}, {catalog.model("friberg"), "ANC", {{"CC", "Cc"}}, {}}}) ==
        "component 'ANC': 'CC' is not an input of friberg (did you mean 'C'?); its inputs: C");
  CHECK(message({{pk, "", {}, {}}, {catalog.model("emax"), "", {{"C", "Cc"}}, {}},
                 {catalog.model("linear_effect"), "", {{"C", "Cc"}}, {}}}) ==
        "component 'linear_effect': parameter 'E0' is already a parameter; give the component a label");
  CHECK(message({{pk, "", {}, {}}, {catalog.model("emax"), "A", {{"C", "Cc"}}, {}},
                 {catalog.model("linear_effect"), "B", {{"C", "Cc"}}, {}}}) ==
        "component 'B': output 'E' is already an output of an earlier component; rename it");
  CHECK(message({{pk, "", {}, {}}, {pk, "second", {}, {}}}) ==
        "component 'second': output 'Cc' is already an output of an earlier component; rename it");
  CHECK(message({{pk, "", {}, {}}, {pk, "second", {}, {{"Cc", "Cc2"}, {"AUC", "AUC2"}}}}) ==
        "component 'second': dosing route 'oral' already goes to another component");
  // A well-formed one: names, offsets, dosing and the text of its equations.
  const pkpd::ComposedModel m({{pk, "", {}, {}}, {catalog.model("friberg"), "ANC", {{"C", "Cc"}}, {}}});
  CHECK(m.info().parameters[7].name == "ANC.CIRC0");
  CHECK(m.info().states[4].name == "ANC.PROL");
  CHECK(m.info().outputs[2].name == "ANC");
  CHECK(m.state_offset(1) == 4);
  CHECK(m.parameter_offset(1) == 7);
  CHECK(m.output_offset(1) == 2);
  REQUIRE(m.info().dosing.size() == 2);
  CHECK(m.info().dosing[0].route == "oral");
  CHECK(m.info().dosing[0].state == 0);
  CHECK(m.info().equations.find("[ANC]\nKTR = 4/MTT") != std::string::npos);
}
