// Population::generate and individual_parameters: reproducibility (order,
// instances, threads), stream independence, covariate effects and the
// random-effect transforms, adherence, and the marginal's numerics.
#include <catch2/catch.hpp>

#include <cmath>
#include <thread>
#include <vector>

#include "twinsim/core/config.hpp"
#include "twinsim/vp/marginal.hpp"
#include "twinsim/vp/parse_population.hpp"
#include "twinsim/vp/population.hpp"

using namespace twinsim;

namespace {

const std::vector<std::string> kParams = {"CL", "V1", "KA", "F"};
const std::vector<double> kTypical = {10.0, 50.0, 1.0, 0.8};

const char* kFull = R"(population:
  covariates:
    - {name: WT, distribution: lognormal, median: 70, cv: 0.2, lower: 40, upper: 150}
    - {name: HT, distribution: normal, mean: 170, sd: 10, lower: 140, upper: 200}
    - {name: AGE, distribution: uniform, lower: 18, upper: 85}
    - {name: SEX, distribution: categorical, levels: [male, female], probabilities: [0.5, 0.5]}
    - {name: SCR, distribution: lognormal, median: 0.9, cv: 0.25, lower: 0.3}
  correlation: [[WT, HT, 0.5], [WT, AGE, 0.1]]
  derived: [{name: BSA, formula: mosteller}, {name: CRCL, formula: cockcroft_gault}]
  effects:
    - {parameter: CL, covariate: WT, type: power, reference: 70, exponent: 0.75}
    - {parameter: V1, covariate: WT, type: linear, reference: 70, slope: 0.01}
    - {parameter: CL, covariate: AGE, type: exponential, reference: 60, coefficient: -0.005}
    - {parameter: CL, covariate: SEX, type: categorical, multipliers: [1.0, 0.85]}
  iiv:
    parameters: [CL, V1, KA, F]
    variances: [0.09, 0.09, 0.04, 0.5]
    correlation: [[1, 0.4, 0, 0], [0.4, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
    distribution: [lognormal, lognormal, normal, logit]
  iov: {parameters: [CL], cv: [0.1]}
  dropout: {hazard_per_cycle: 0.1}
  adherence: {p_miss_dose: 0.2}
)";

vp::Population make(const std::string& yaml, int n_cycles = 3) {
  const auto doc = core::ConfigNode::load_string(yaml, "gen.yaml");
  core::Diagnostics diag;
  auto spec = vp::parse_population(doc.get("population"), diag, kParams, n_cycles);
  for (const auto& d : diag.items()) FAIL(d.format());
  REQUIRE(spec.has_value());
  return vp::Population(std::move(*spec));
}

bool same(const vp::VirtualPatient& a, const vp::VirtualPatient& b) {
  return a.covariates == b.covariates && a.etas == b.etas && a.occasion_etas == b.occasion_etas &&
         a.covariate_factors == b.covariate_factors && a.dropout_cycle == b.dropout_cycle &&
         a.dropout_time_cycles == b.dropout_time_cycles && a.id.patient == b.id.patient && a.id.trial == b.id.trial;
}

}  // namespace

TEST_CASE("a patient depends only on (seed, trial, patient), not on generation order", "[unit]") {
  const auto pop = make(kFull);
  const std::size_t n = 211;  // prime: i * 97 mod n is a permutation
  std::vector<vp::VirtualPatient> forward(n), reverse(n), shuffled(n), other(n), threaded(n);
  for (std::size_t i = 0; i < n; ++i) pop.generate(7, 3, i, forward[i]);
  for (std::size_t i = n; i-- > 0;) pop.generate(7, 3, i, reverse[i]);
  vp::VirtualPatient scratch;  // one reused object, as a thread's workspace would be
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = (k * 97) % n;
    pop.generate(7, 3, i, scratch);
    shuffled[i] = scratch;
  }
  const auto pop2 = make(kFull);  // an independent instance of the same spec
  for (std::size_t i = 0; i < n; ++i) pop2.generate(7, 3, i, other[i]);
  std::thread t1([&] {
    for (std::size_t i = 0; i < n; i += 2) pop.generate(7, 3, i, threaded[i]);
  });
  std::thread t2([&] {
    for (std::size_t i = n - (n % 2 == 0 ? 1 : 2); i < n; i -= 2) pop.generate(7, 3, i, threaded[i]);
  });
  t1.join();
  t2.join();
  for (std::size_t i = 0; i < n; ++i) {
    INFO("patient " << i);
    REQUIRE(same(forward[i], reverse[i]));
    REQUIRE(same(forward[i], shuffled[i]));
    REQUIRE(same(forward[i], other[i]));
    REQUIRE(same(forward[i], threaded[i]));
  }
  // Different patients, trials and seeds differ.
  vp::VirtualPatient a;
  pop.generate(7, 4, 0, a);
  CHECK(a.covariates != forward[0].covariates);
  pop.generate(8, 3, 0, a);
  CHECK(a.etas != forward[0].etas);
  CHECK(forward[1].covariates != forward[0].covariates);
}

TEST_CASE("each part of the model draws from its own stream", "[unit]") {
  // Adding IOV, dropout or covariate effects must not move the covariates or
  // the etas: designs and model variants stay paired patient by patient.
  const auto base = make(R"(population:
  covariates:
    - {name: WT, distribution: lognormal, median: 70, cv: 0.2}
    - {name: SEX, distribution: categorical, levels: [male, female], probabilities: [0.5, 0.5]}
  iiv: {parameters: [CL, V1], cv: [0.3, 0.3]}
)");
  const auto more = make(R"(population:
  covariates:
    - {name: WT, distribution: lognormal, median: 70, cv: 0.2}
    - {name: SEX, distribution: categorical, levels: [male, female], probabilities: [0.5, 0.5]}
  effects: [{parameter: CL, covariate: WT, type: power, reference: 70, exponent: 0.75}]
  iiv: {parameters: [CL, V1], cv: [0.3, 0.3]}
  iov: {parameters: [CL, KA], cv: [0.1, 0.1]}
  dropout: {hazard_per_cycle: 0.3}
  residual_error: [{variable: Cc, model: additive, additive: 1}]
)");
  vp::VirtualPatient a, b;
  for (std::uint64_t i = 0; i < 50; ++i) {
    base.generate(1, 0, i, a);
    more.generate(1, 0, i, b);
    REQUIRE(a.covariates == b.covariates);
    REQUIRE(a.etas == b.etas);
  }
}

TEST_CASE("individual parameters: effects, then IIV, then IOV of the cycle", "[unit]") {
  const auto pop = make(kFull);
  vp::VirtualPatient p;
  std::vector<double> cycle0, cycle2;
  for (std::uint64_t i = 0; i < 100; ++i) {
    pop.generate(3, 0, i, p);
    const auto& x = p.covariates;  // WT HT AGE SEX SCR BSA CRCL
    const double f_cl = std::pow(x[0] / 70.0, 0.75) * std::exp(-0.005 * (x[2] - 60.0)) * (x[3] == 1.0 ? 0.85 : 1.0);
    const double f_v1 = 1.0 + 0.01 * (x[0] - 70.0);
    REQUIRE(p.covariate_factors[0] == Approx(f_cl).epsilon(1e-14));
    REQUIRE(p.covariate_factors[1] == Approx(f_v1).epsilon(1e-14));
    REQUIRE(p.covariate_factors[2] == 1.0);
    pop.individual_parameters(p, kTypical, 0, cycle0);
    pop.individual_parameters(p, kTypical, 2, cycle2);
    const double k0 = p.occasion_etas[0], k2 = p.occasion_etas[2];  // one IOV parameter: row c is element c
    CHECK(cycle0[0] == Approx(10.0 * f_cl * std::exp(p.etas[0] + k0)).epsilon(1e-13));
    CHECK(cycle2[0] == Approx(10.0 * f_cl * std::exp(p.etas[0] + k2)).epsilon(1e-13));
    CHECK(cycle0[1] == Approx(50.0 * f_v1 * std::exp(p.etas[1])).epsilon(1e-13));
    CHECK(cycle2[1] == cycle0[1]);                                             // no IOV on V1
    CHECK(cycle0[2] == Approx(1.0 * (1.0 + p.etas[2])).epsilon(1e-13));        // normal: P (1 + eta)
    const double logit = std::log(0.8 / 0.2) + p.etas[3];
    CHECK(cycle0[3] == Approx(1.0 / (1.0 + std::exp(-logit))).epsilon(1e-13));  // logit-normal
    CHECK(cycle0[3] > 0.0);
    CHECK(cycle0[3] < 1.0);
  }
  CHECK(pop.eta_names() == std::vector<std::string>{"ETA_CL", "ETA_V1", "ETA_KA", "ETA_F"});
  CHECK(pop.occasion_eta_names() == std::vector<std::string>{"IOV_CL"});
}

TEST_CASE("without a population every patient is the typical patient", "[unit]") {
  const vp::Population none;
  vp::VirtualPatient p;
  none.generate(1, 2, 3, p);
  CHECK(p.covariates.empty());
  CHECK(p.etas.empty());
  CHECK_FALSE(p.dropout_cycle.has_value());
  CHECK(none.individual_parameters(p, kTypical, 0) == kTypical);
  std::vector<std::uint8_t> missed;
  none.missed_doses(1, 2, 3, 10, missed);
  CHECK(missed == std::vector<std::uint8_t>(10, 0));
  const auto empty = make("population: {}\n");
  empty.generate(1, 2, 3, p);
  CHECK(empty.individual_parameters(p, kTypical, 0) == kTypical);
}

TEST_CASE("missed doses: per-dose draws, prefix-stable, same as dose_missed", "[unit]") {
  const auto pop = make(kFull);
  std::vector<std::uint8_t> short_run, long_run;
  pop.missed_doses(5, 1, 9, 21, short_run);
  pop.missed_doses(5, 1, 9, 63, long_run);
  REQUIRE(long_run.size() == 63);
  CHECK(std::equal(short_run.begin(), short_run.end(), long_run.begin()));
  for (std::size_t k = 0; k < 63; ++k) CHECK(pop.dose_missed(5, 1, 9, k) == (long_run[k] != 0));
  int total = 0;
  for (auto m : long_run) total += m;
  CHECK(total > 0);
  CHECK(total < 63);
}

TEST_CASE("truncated marginals stay finite and inside their bounds in the far tails", "[unit]") {
  using vp::ContinuousMarginal;
  const auto upper_tail = ContinuousMarginal::normal(0.0, 1.0, 3.0, 5.0);  // both bounds above the mean
  const auto lower_only = ContinuousMarginal::normal(0.0, 1.0, -1.0);
  const auto logn = ContinuousMarginal::lognormal(std::log(70.0), 0.2, 40.0, 150.0);
  const auto unif = ContinuousMarginal::uniform(18.0, 85.0);
  for (double z : {-40.0, -9.0, -1.0, 0.0, 1.0, 8.5, 9.0, 40.0}) {
    for (const auto* m : {&upper_tail, &lower_only, &logn, &unif}) {
      const double x = m->from_normal_score(z);
      INFO("z = " << z << ", x = " << x);
      CHECK(std::isfinite(x));
      CHECK(x >= m->lower());
      CHECK(x <= m->upper());
    }
  }
  // Median of N(0,1) truncated to [3, 5]: Phi^-1((Phi(3) + Phi(5)) / 2), computed from
  // the upper tails: 1 - Phi(3) = 1.349898e-3, 1 - Phi(5) = 2.866516e-7.
  const double q3 = 0.5 * std::erfc(3.0 / std::sqrt(2.0)), q5 = 0.5 * std::erfc(5.0 / std::sqrt(2.0));
  const double med = upper_tail.quantile(0.5);
  CHECK(0.5 * std::erfc(med / std::sqrt(2.0)) == Approx(0.5 * (q3 + q5)).epsilon(1e-10));
  CHECK(upper_tail.from_normal_score(0.0) == Approx(med).epsilon(1e-12));
  // Round trip value -> normal score -> value.
  for (double z : {-3.0, -0.7, 0.0, 0.4, 2.5}) {
    for (const auto* m : {&upper_tail, &lower_only, &logn, &unif}) {
      CHECK(m->normal_score(m->from_normal_score(z)) == Approx(z).margin(1e-8));
      CHECK(m->cdf(m->quantile(0.3)) == Approx(0.3).epsilon(1e-10));
    }
  }
  // Untruncated maps are exact.
  const auto plain = ContinuousMarginal::normal(170.0, 10.0);
  CHECK(plain.from_normal_score(1.5) == 185.0);
  CHECK(ContinuousMarginal::lognormal(std::log(70.0), 0.2).from_normal_score(0.0) == Approx(70.0).epsilon(1e-15));
}
