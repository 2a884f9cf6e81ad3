// [validation] TITE-CRM's weighted posterior (Cheung & Chappell 2000,
// Biometrics 56:1177; dfcrm titecrm(), linear weights) against independent
// computations written out in this file:
//  * Boost's sinh-sinh rule on the whole real line (tolerance 1e-13) of the
//    weighted likelihood prod (w p)^y (1 - w p)^(1 - y) times the Normal(0, 1.34)
//    prior, with p(beta) written directly (empiric and logistic);
//  * closed forms: weight-0 patients leave the prior (mean 0); all weights 1
//    give the CRM posterior of the existing design (crm_fit, another grid);
//  * the weights of hand-made patients (follow-up / window, 1 on DLT or a
//    completed window, a DLT unseen before its onset).
#include <catch2/catch.hpp>

#include <boost/math/quadrature/sinh_sinh.hpp>
#include <cmath>
#include <vector>

#include "twinsim/trial/designs/tite_crm.hpp"

using twinsim::trial::CrmModel;
using twinsim::trial::EnrolledPatient;
using twinsim::trial::TiteObservation;

namespace {

const std::vector<double> kSkeleton = {0.05, 0.10, 0.20, 0.35, 0.50, 0.70};

double p_of(bool logistic, double s, double beta) {
  const double a = 3.0;
  if (!logistic) return std::exp(std::exp(beta) * std::log(s));
  const double x = std::log(s) - std::log(1 - s) - a;
  return 1.0 / (1.0 + std::exp(-(a + std::exp(beta) * x)));
}

double reference_mean(bool logistic, const std::vector<TiteObservation>& obs) {
  auto dens = [&](double b) {
    double v = -0.5 * b * b / 1.34;
    for (const auto& o : obs) {
      const double p = p_of(logistic, kSkeleton[static_cast<std::size_t>(o.dose)], b);
      v += o.dlt ? std::log(o.weight * p) : std::log(1.0 - o.weight * p);
    }
    return std::exp(v);
  };
  boost::math::quadrature::sinh_sinh<double> rule;
  const double z = rule.integrate(dens, 1e-13);
  const double m = rule.integrate([&](double b) { return b * dens(b); }, 1e-13);
  return m / z;
}

CrmModel model(bool logistic) {
  CrmModel m;
  m.skeleton = kSkeleton;
  m.logistic = logistic;
  return m;
}

}  // namespace

TEST_CASE("TITE-CRM weights follow dfcrm's linear scheme", "[validation][tite_crm]") {
  EnrolledPatient p;
  p.enrolled_day = 10.0;
  // Pending, no DLT: follow-up 14 of a 28-day window.
  CHECK(twinsim::trial::tite_weight(p, 24.0, 28.0) == Approx(0.5).epsilon(1e-15));
  // Completed window.
  CHECK(twinsim::trial::tite_weight(p, 38.0, 28.0) == 1.0);
  CHECK(twinsim::trial::tite_weight(p, 50.0, 28.0) == 1.0);
  // DLT on day 5 after enrolment: seen by day 24, weight 1 and counted.
  p.dlt = true;
  p.dlt_day = 5.0;
  CHECK(twinsim::trial::tite_weight(p, 24.0, 28.0) == 1.0);
  auto obs = twinsim::trial::tite_observations({p}, 24.0, 28.0);
  REQUIRE(obs.size() == 1);
  CHECK(obs[0].dlt);
  // DLT on day 20: unseen on day 24 (follow-up 14), pending with weight 0.5.
  p.dlt_day = 20.0;
  CHECK(twinsim::trial::tite_weight(p, 24.0, 28.0) == Approx(0.5).epsilon(1e-15));
  obs = twinsim::trial::tite_observations({p}, 24.0, 28.0);
  REQUIRE(obs.size() == 1);
  CHECK_FALSE(obs[0].dlt);
  CHECK(obs[0].weight == Approx(0.5).epsilon(1e-15));
  // ... and seen on day 30.
  obs = twinsim::trial::tite_observations({p}, 30.0, 28.0);
  CHECK(obs[0].dlt);
  CHECK(obs[0].weight == 1.0);
  // Not yet enrolled, or not evaluable: not an observation.
  CHECK(twinsim::trial::tite_observations({p}, 9.0, 28.0).empty());
  p.evaluable = false;
  CHECK(twinsim::trial::tite_observations({p}, 30.0, 28.0).empty());
}

TEST_CASE("TITE-CRM weighted posterior mean matches an independent quadrature", "[validation][tite_crm]") {
  // One pending patient, weight 1/2, at dose 3 (skeleton 0.20): the hand case.
  const std::vector<std::vector<TiteObservation>> sets = {
      {{2, false, 0.5}},
      {{2, true, 1.0}},
      // The data of dfcrm's titecrm help example (levels 3,4,4,3,3,4,3,2,2,2; tau = 180).
      {{2, false, 178.0 / 180},
       {3, false, 1.0},
       {3, true, 1.0},
       {2, false, 179.0 / 180},
       {2, false, 161.0 / 180},
       {3, true, 1.0},
       {2, true, 1.0},
       {1, false, 10.0 / 180},
       {1, false, 3.0 / 180},
       {1, false, 1.0 / 180}},
      {{0, false, 1.0}, {0, false, 1.0}, {1, false, 0.9}, {1, true, 1.0}, {2, false, 0.1}, {5, false, 0.3}},
  };
  for (bool logistic : {false, true}) {
    for (std::size_t k = 0; k < sets.size(); ++k) {
      INFO("logistic " << logistic << ", data set " << k);
      const auto fit = twinsim::trial::tite_crm_fit(model(logistic), 0.2, sets[k]);
      const double ref = reference_mean(logistic, sets[k]);
      CHECK(fit.beta_mean == Approx(ref).margin(1e-9));
      REQUIRE(fit.ptox.size() == kSkeleton.size());
      for (std::size_t d = 0; d < kSkeleton.size(); ++d)
        CHECK(fit.ptox[d] == Approx(p_of(logistic, kSkeleton[d], ref)).margin(1e-9));
    }
  }
}

TEST_CASE("TITE-CRM posterior reduces to the prior and to the CRM in its limits", "[validation][tite_crm]") {
  for (bool logistic : {false, true}) {
    INFO("logistic " << logistic);
    // Weight 0, no DLT: the likelihood is 1; the prior's mean is 0.
    const auto prior = twinsim::trial::tite_crm_fit(model(logistic), 0.2, {{3, false, 0.0}, {1, false, 0.0}});
    CHECK(prior.beta_mean == Approx(0.0).margin(1e-12));
    // All weights 1: the CRM posterior of crm_fit (counts n, y per dose).
    const std::vector<TiteObservation> full = {{0, false, 1.0}, {0, false, 1.0}, {1, false, 1.0},
                                               {1, true, 1.0},  {2, true, 1.0},  {2, false, 1.0}};
    const std::vector<int> n = {2, 2, 2, 0, 0, 0}, y = {0, 1, 1, 0, 0, 0};
    const auto tite = twinsim::trial::tite_crm_fit(model(logistic), 0.2, full);
    const auto crm = twinsim::trial::crm_fit(model(logistic), 0.2, 30, n, y);
    CHECK(tite.beta_mean == Approx(crm.beta_mean).margin(1e-8));
    CHECK(tite.recommended == crm.recommended);
  }
}
