// Helpers shared by the model validation tests: parameter values by name,
// relative errors, and an opt-in report of the measured errors.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "twinsim/pkpd/pd_model.hpp"
#include "twinsim/pkpd/pk_model.hpp"
#include "twinsim/pkpd/registry.hpp"

namespace twinsim::test {

using Params = std::map<std::string, double>;

// Prints a measured error when TWINSIM_VALIDATION_REPORT is set.
inline void report(const std::string& what, double err) {
  if (std::getenv("TWINSIM_VALIDATION_REPORT")) std::printf("  %-66s max err %.3e\n", what.c_str(), err);
}

// |got - expected| scaled by max(|expected|, 1) (CONVENTIONS.md, tests).
inline double rel_err(double got, double expected) {
  return std::abs(got - expected) / std::max(std::abs(expected), 1.0);
}

// Values in the order of `specs`; defaults fill what is not given, and every
// given name must be a parameter of the model.
template <class Specs>
std::vector<double> values_of(const Specs& specs, const Params& p) {
  std::vector<double> v;
  std::size_t used = 0;
  for (const auto& spec : specs) {
    const auto it = p.find(spec.name);
    if (it != p.end()) {
      v.push_back(it->second);
      ++used;
    } else {
      REQUIRE_FALSE(spec.required());
      v.push_back(spec.default_value);
    }
  }
  REQUIRE(used == p.size());
  return v;
}

inline pkpd::PkSystem compile_pk(int ncmt, pkpd::Absorption abs, const Params& p) {
  const pkpd::PkModel m(ncmt, abs, pkpd::Elimination::kLinear);
  return m.compile(values_of(m.parameters(), p));
}

// Central concentration (mg/L) after one oral dose at t = 0 of a 2-compartment
// model with first-order absorption: the closed form of Gibaldi & Perrier,
// Pharmacokinetics, 2nd ed. (1982), ch. 3.
inline double two_cmt_oral_cc(double t, double CL, double V1, double Q, double V2, double KA, double dose) {
  const double k10 = CL / V1, k21 = Q / V2, sum = k10 + Q / V1 + k21;
  const double disc = std::sqrt(sum * sum - 4 * k10 * k21);
  const double alpha = (sum + disc) / 2, beta = (sum - disc) / 2;
  return KA * dose / V1 *
         ((k21 - alpha) / ((KA - alpha) * (beta - alpha)) * std::exp(-alpha * t) +
          (k21 - beta) / ((KA - beta) * (alpha - beta)) * std::exp(-beta * t) +
          (k21 - KA) / ((alpha - KA) * (beta - KA)) * std::exp(-KA * t));
}

inline const pkpd::PdModel* pd(const std::string& name) {
  const auto* e = pkpd::registry().pd(name);
  REQUIRE(e != nullptr);
  return e->model.get();
}

}  // namespace twinsim::test
