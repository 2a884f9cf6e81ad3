// Helpers for the design validation tests: build one design from YAML text and
// simulate it in design-only mode through the real runner (DesignRunner +
// TruthPatientModel), summarising what the tests compare with references.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/runner/runner.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace twinsim::test {

// Design-only efficacy of a validation scenario: none when q is empty.
struct EfficacyTruth {
  std::vector<double> q;  // true response probability per dose
  double correlation = 0.0;
};

// A scenario with dose levels 1..D, the given truth and one design, written
// as a YAML flow map body, e.g. "type: boin, target: 0.3".
inline std::string design_scenario(const std::string& design, const std::vector<double>& p_true,
                                   std::uint64_t seed = 1, const EfficacyTruth& efficacy = {}) {
  std::string levels, probs, q;
  for (std::size_t i = 0; i < p_true.size(); ++i) {
    levels += (i ? ", " : "") + std::to_string(i + 1);
    probs += (i ? ", " : "") + core::format_number(p_true[i]);
  }
  for (std::size_t i = 0; i < efficacy.q.size(); ++i) q += (i ? ", " : "") + core::format_number(efficacy.q[i]);
  const std::string eff = efficacy.q.empty() ? "" :
      "efficacy:\n  true_response_probabilities: [" + q + "]\n  correlation: " +
          core::format_number(efficacy.correlation) + "\n";
  return "name: validation\nseed: " + std::to_string(seed) + "\ndose_levels: [" + levels +
         "]\ntoxicity:\n  true_dlt_probabilities: [" + probs + "]\n" + eff + "designs:\n  - {name: d, " + design + "}\n";
}

struct SimulatedOc {
  std::int64_t trials = 0;
  std::vector<double> p_select;     // per dose
  double p_none = 0.0;              // no dose selected
  std::vector<double> mean_patients;  // per dose
  double mean_n = 0.0;              // mean total sample size
  double sd_n = 0.0;                // its standard deviation across trials
  std::vector<double> p_n;          // P(total sample size = n), n = 0..largest seen
};

inline SimulatedOc simulate_design(const std::string& design, const std::vector<double>& p_true, std::int64_t trials,
                                   std::uint64_t seed, int threads = 2, const EfficacyTruth& efficacy = {}) {
  const trial::Scenario s =
      trial::load_scenario_text(design_scenario(design, p_true, seed, efficacy), "validation.yaml");
  const trial::TruthPatientModel model(seed, p_true, s.efficacy);
  trial::DesignRunner runner(*s.designs.at(0).design, model, p_true.size(), threads, false);
  SimulatedOc oc;
  oc.trials = trials;
  oc.p_select.assign(p_true.size(), 0.0);
  oc.mean_patients.assign(p_true.size(), 0.0);
  double sum_n = 0.0, sum_n2 = 0.0;
  trial::ResultBlock block;
  const std::int64_t chunk = 10000;
  for (std::int64_t first = 0; first < trials; first += chunk) {
    runner.run_block(first, std::min(chunk, trials - first), block);
    for (const auto& t : block.trials) {
      if (t.selected_dose < 0) oc.p_none += 1.0;
      else oc.p_select[static_cast<std::size_t>(t.selected_dose)] += 1.0;
      for (std::size_t d = 0; d < p_true.size(); ++d) oc.mean_patients[d] += t.n_per_dose[d];
      const double n = static_cast<double>(t.n_patients);
      if (oc.p_n.size() <= static_cast<std::size_t>(t.n_patients)) oc.p_n.resize(static_cast<std::size_t>(t.n_patients) + 1, 0.0);
      oc.p_n[static_cast<std::size_t>(t.n_patients)] += 1.0;
      sum_n += n;
      sum_n2 += n * n;
    }
  }
  const double r = static_cast<double>(trials);
  for (auto& x : oc.p_select) x /= r;
  for (auto& x : oc.mean_patients) x /= r;
  for (auto& x : oc.p_n) x /= r;
  oc.p_none /= r;
  oc.mean_n = sum_n / r;
  oc.sd_n = std::sqrt(std::max(0.0, sum_n2 / r - oc.mean_n * oc.mean_n));
  return oc;
}

// P(X = x), X ~ Binomial(n, p), in product form: shares no code with the
// designs' Boost-based binomial tables.
inline double binomial_pmf(int n, int x, double p) {
  double c = 1.0;
  for (int i = 1; i <= x; ++i) c = c * (n - x + i) / i;
  return c * std::pow(p, x) * std::pow(1.0 - p, n - x);
}

// Monte-Carlo standard error of a proportion estimated from r trials.
inline double se_proportion(double p, double r) { return std::sqrt(p * (1.0 - p) / r); }

}  // namespace twinsim::test
