// [unit] The general model interface allocates only when a workspace is
// made: bind(), the right-hand side, the Jacobians, the outputs and the
// initial state of built-in, user (compiled and interpreted) and composed
// models allocate nothing (CONVENTIONS.md: no allocation in ODE right-hand
// sides). This executable's global operator new counts the allocations of a
// thread while that thread asks it to; it is otherwise malloc. Under
// AddressSanitizer, whose runtime defines operator new itself (a second
// definition does not link), nothing is replaced and nothing is counted.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

#include "user_model_support.hpp"
#include "twinsim/pkpd/composed_model.hpp"
#include "twinsim/pkpd/model_catalog.hpp"
#include "twinsim/pkpd/user/user_model_adapter.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define TWINSIM_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TWINSIM_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef TWINSIM_COUNT_ALLOCATIONS
#define TWINSIM_COUNT_ALLOCATIONS 1
#endif

namespace {
std::atomic<long> g_allocations{0};
thread_local bool g_counting = false;
}  // namespace

#if TWINSIM_COUNT_ALLOCATIONS
namespace {
void* allocate(std::size_t n) {
  if (g_counting) ++g_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t n) { return allocate(n); }
void* operator new[](std::size_t n) { return allocate(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#endif

using namespace twinsim;

namespace {

// Allocations made by f on this thread.
template <class F>
long allocations_of(F f) {
  const long before = g_allocations.load();
  g_counting = true;
  f();
  g_counting = false;
  return g_allocations.load() - before;
}

}  // namespace

TEST_CASE("binding and evaluating a model allocates nothing", "[unit]") {
  const pkpd::ModelCatalog catalog;
  std::vector<std::shared_ptr<const pkpd::Model>> models;
  models.push_back(catalog.pk("three_compartment", {pkpd::Absorption::kTransit, pkpd::Elimination::kMichaelisMenten, 4}));
  models.push_back(catalog.model("simeoni"));
  for (const bool native : {true, false}) {
    pkpd::user::CompileOptions o;
    o.allow_compile = native;
    o.cache_dir = test::private_cache_dir("alloc");
    models.push_back(pkpd::user::as_model(
        pkpd::user::build_user_model(test::parse_model_text(test::friberg_model_yaml()), o), "model.ode"));
  }
  const char* pd =
      "model:\n  pd:\n    type: ode\n    inputs: [Cc]\n    parameters: {K: 0.2, EC50: 2}\n    states: {R: 1}\n"
      "    equations: |\n      d/dt(R) = K * (1 - Cc / (EC50 + Cc)) - K * R\n    outputs: {RESP: R * Cc}\n";
  pkpd::user::CompileOptions o;
  o.cache_dir = test::private_cache_dir("alloc");
  models.push_back(std::make_shared<pkpd::ComposedModel>(std::vector<pkpd::ComponentSpec>{
      {catalog.pk("two_compartment", {pkpd::Absorption::kFirstOrder, pkpd::Elimination::kLinear, 0}), "", {}, {}},
      {catalog.model("effect_compartment"), "Ce", {{"C", "Cc"}}, {}},
      {catalog.model("friberg"), "ANC", {{"C", "Ce"}}, {}},
      {pkpd::user::as_model(pkpd::user::build_user_model(
                                test::parse_model_text(pd, "pd", pkpd::user::UserModelForm::kPdOnHostPk), o),
                            "resp"),
       "RESP", {}, {}}}));
  for (const auto& m : models) {
    INFO(m->name());
    std::vector<double> p = m->default_parameters();
    for (double& v : p)
      if (std::isnan(v)) v = 2.0;  // required values: any positive number evaluates
    const int n = m->n_states(), k = m->n_inputs(), no = m->n_outputs();
    std::vector<double> y(n, 1.5), u(k, 0.7), dy(n), J(n * n), dJdu(n * k), out(no), dOdy(no * n), dOdu(no * k);
    auto ws = m->make_workspace();
    const long count = allocations_of([&] {
      m->bind(*ws, p.data());
      m->initial_state(y.data(), *ws);
      for (double t : {0.0, 1.0, 2.0}) {
        m->rhs(t, y.data(), u.data(), dy.data(), *ws);
        m->jacobian(t, y.data(), u.data(), J.data(), dJdu.data(), *ws);
        m->outputs(t, y.data(), u.data(), out.data(), *ws);
        m->output_jacobian(t, y.data(), u.data(), dOdy.data(), dOdu.data(), *ws);
      }
      for (int r = 0; r < static_cast<int>(m->info().dosing.size()); ++r) (void)m->dose_modifiers(r, *ws);
    });
    if (!TWINSIM_COUNT_ALLOCATIONS) continue;  // the calls ran; nothing counted them
    CHECK(count == 0);
    // The counter counts: making a workspace allocates.
    CHECK(allocations_of([&] { (void)m->make_workspace(); }) > 0);
  }
}
