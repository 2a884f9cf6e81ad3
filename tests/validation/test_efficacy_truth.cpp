// Design-only efficacy (scenario `efficacy`): each patient's response is drawn
// through a latent bivariate normal with the DLT (Gaussian copula). Checked:
// the marginal response rate and P(DLT and response) of many simulated
// patients against the bivariate normal CDF integrated here by Simpson's rule
// (within 4 MC SE), and the DLTs are those of the scenario without efficacy
// (common random numbers: adding efficacy changes no DLT).
#include <catch2/catch.hpp>
#include <cmath>

#include "twinsim/core/rng.hpp"
#include "twinsim/trial/patient/patient_model.hpp"

using namespace twinsim;

namespace {

double phi_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// P(Z1 < a, Z2 < b), corr(Z1, Z2) = rho: integral over z1 < a of phi(z1) Phi((b - rho z1) / sqrt(1 - rho^2)).
double bvn_cdf(double a, double b, double rho) {
  const double lo = -12.0, hi = a;
  const int m = 20000;  // even
  const double h = (hi - lo) / m;
  const double s = std::sqrt(1.0 - rho * rho);
  auto f = [&](double x) { return std::exp(-0.5 * x * x) / std::sqrt(2 * M_PI) * phi_cdf((b - rho * x) / s); };
  double acc = f(lo) + f(hi);
  for (int i = 1; i < m; ++i) acc += (i % 2 ? 4.0 : 2.0) * f(lo + i * h);
  return acc * h / 3.0;
}

}  // namespace

TEST_CASE("efficacy: response rate and P(DLT and response) follow the Gaussian copula", "[validation][efficacy]") {
  const std::vector<double> p = {0.1, 0.3, 0.5};
  const std::vector<double> q = {0.2, 0.4, 0.7};
  for (double rho : {0.0, 0.5, -0.4}) {
    trial::EfficacySpec e{q, rho};
    const trial::TruthPatientModel with(17, p, e);
    const trial::TruthPatientModel without(17, p);
    auto ws = with.workspace();
    const int n = 40000;
    for (int d = 0; d < 3; ++d) {
      int resp = 0, both = 0, dlt_differs = 0;
      trial::PatientOutcome o, o0;
      for (int k = 0; k < n; ++k) {
        with.simulate(*ws, 3, static_cast<std::uint64_t>(k), d, o, nullptr);
        without.simulate(*ws, 3, static_cast<std::uint64_t>(k), d, o0, nullptr);
        REQUIRE(o.response >= 0);
        REQUIRE(o.extra.size() == 1);
        REQUIRE(o.extra[0] == o.response);
        resp += o.response;
        both += o.response && o.dlt ? 1 : 0;
        dlt_differs += o.dlt != o0.dlt ? 1 : 0;
      }
      const auto du = static_cast<std::size_t>(d);
      const double joint = bvn_cdf(core::normal_quantile(p[du]), core::normal_quantile(q[du]), rho);
      const double r = n;
      INFO("rho " << rho << " dose " << d << " joint " << joint);
      CHECK(dlt_differs == 0);
      CHECK(o0.response == -1);
      CHECK(std::abs(resp / r - q[du]) < 4 * std::sqrt(q[du] * (1 - q[du]) / r));
      CHECK(std::abs(both / r - joint) < 4 * std::sqrt(joint * (1 - joint) / r));
      if (rho == 0.0) CHECK(std::abs(joint - p[du] * q[du]) < 1e-9);  // the integral itself, independent case
      // The value written to /truth/dlt_and_response_probability.
      CHECK(std::abs(trial::dlt_and_response_probability(p[du], q[du], rho) - joint) < 1e-9);
    }
  }
}
