// Shared by the user-model tests: the issue-16 example model and helpers to
// parse a model block from text and to compile into a private cache folder.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "twinsim/core/config.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/pkpd/user/model_spec.hpp"
#include "twinsim/pkpd/user/user_model.hpp"

namespace twinsim::test {

// 2-compartment oral PK + Friberg myelosuppression, as written in issue 16.
inline const char* friberg_model_yaml() {
  return "model:\n"
         "  ode:\n"
         "    parameters: {CL: 10, V1: 50, Q: 5, V2: 100, KA: 1, CIRC0: 5, MTT: 125, GAMMA: 0.17, SLOPE: 0.03}\n"
         "    states: {DEPOT: 0, CENT: 0, PERI: 0, PROL: CIRC0, T1: CIRC0, T2: CIRC0, T3: CIRC0, CIRC: CIRC0}\n"
         "    equations: |\n"
         "      Cc = CENT / V1\n"
         "      ktr = 4 / MTT\n"
         "      d/dt(DEPOT) = -KA * DEPOT\n"
         "      d/dt(CENT) = KA * DEPOT - (CL + Q) / V1 * CENT + Q / V2 * PERI\n"
         "      d/dt(PERI) = Q / V1 * CENT - Q / V2 * PERI\n"
         "      d/dt(PROL) = ktr * PROL * (1 - SLOPE * Cc) * (CIRC0 / CIRC)^GAMMA - ktr * PROL\n"
         "      d/dt(T1) = ktr * (PROL - T1)\n"
         "      d/dt(T2) = ktr * (T1 - T2)\n"
         "      d/dt(T3) = ktr * (T2 - T3)\n"
         "      d/dt(CIRC) = ktr * (T3 - CIRC)\n"
         "    outputs: {Cc: Cc, ANC: CIRC}\n"
         "    dosing: {oral: DEPOT, iv: CENT}\n";
}

// 2-compartment PK with first-order absorption, the closed-form reference
// model of the validation tests.
inline const char* two_cmt_oral_model_yaml() {
  return "model:\n  ode:\n"
         "    parameters: {CL: 10, V1: 50, Q: 5, V2: 100, KA: 1}\n"
         "    states: {DEPOT: 0, CENT: 0, PERI: 0}\n"
         "    equations: |\n"
         "      d/dt(DEPOT) = -KA * DEPOT\n"
         "      d/dt(CENT) = KA * DEPOT - (CL + Q) / V1 * CENT + Q / V2 * PERI\n"
         "      d/dt(PERI) = Q / V1 * CENT - Q / V2 * PERI\n"
         "    outputs: {Cc: CENT / V1}\n"
         "    dosing: {oral: DEPOT}\n";
}

// Parses text holding `model: {ode: ...}` (or the block at `key`); fails the
// test with every diagnostic if the model is rejected.
inline pkpd::user::UserModelSpec parse_model_text(const std::string& text, const std::string& key = "ode",
                                                  pkpd::user::UserModelForm form = pkpd::user::UserModelForm::kWhole) {
  const auto doc = core::ConfigNode::load_string(text, "model.yaml");
  core::Diagnostics diag;
  pkpd::user::UserModelParseOptions opt;
  opt.form = form;
  auto spec = pkpd::user::parse_user_model(doc.get("model").get(key), diag, opt);
  std::string all;
  for (const auto& d : diag.items()) all += d.format() + "\n";
  INFO(all);
  REQUIRE(diag.empty());
  return spec;
}

// The diagnostics of a model that must be rejected, formatted.
inline std::vector<std::string> model_errors(const std::string& text, pkpd::user::UserModelForm form =
                                                                          pkpd::user::UserModelForm::kWhole) {
  std::vector<std::string> out;
  try {
    const auto doc = core::ConfigNode::load_string(text, "m.yaml");
    core::Diagnostics diag;
    pkpd::user::UserModelParseOptions opt;
    opt.form = form;
    const auto model = doc.get("model");
    (void)pkpd::user::parse_user_model(form == pkpd::user::UserModelForm::kWhole ? model.get("ode") : model.get("pd").at(0),
                                       diag, opt);
    for (const auto& d : diag.items()) out.push_back(d.format());
  } catch (const core::ScenarioError& e) {
    for (const auto& d : e.diagnostics()) out.push_back(d.format());
  }
  return out;
}

// A fresh cache folder per test process, removed at exit.
inline std::string private_cache_dir(const std::string& tag) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("twinsim-cache-" + tag + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace twinsim::test
