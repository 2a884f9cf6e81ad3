// twinsim fit (trial/fit/map_fit.hpp) against references computed here:
// patients simulated with known etas from the scenario's population, their
// concentrations by the closed form of the one-compartment oral model
// (Bateman function) with combined residual error drawn in the test; the MAP
// objective against a Nelder-Mead minimiser written here on an objective
// written here (closed form, no twinsim simulation), started from the MAP and
// from eta = 0; and the coverage of the 95 % Laplace intervals of the true etas.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "twinsim/core/rng.hpp"
#include "twinsim/trial/fit/map_fit.hpp"
#include "twinsim/vp/virtual_patient.hpp"

using namespace twinsim;

namespace {

constexpr double kDose = 100, kCl = 5, kV = 40, kKa = 1.2, kAdd = 0.05, kProp = 0.15;
const std::vector<double> kTimes{0.5, 1, 2, 4, 8, 24};

const char* kScenario =
    "name: map-fit\nseed: 11\nreplicates: 1\ndose_levels: [100]\n"
    "model:\n  pk: {compartments: 1, absorption: first_order, parameters: {CL: 5, V: 40, KA: 1.2}}\n"
    "population:\n  iiv: {parameters: [CL, V, KA], cv: [0.3, 0.25, 0.4]}\n"
    "  residual_error:\n    - {variable: Cc, model: combined, additive: 0.05, proportional: 0.15}\n"
    "regimen: {route: oral, interval_h: 24, doses_per_cycle: 1, cycle_length_h: 24, cycles: 1}\n"
    "designs:\n  - {name: a, type: fixed, dose: 100, patients: 1}\n";

double bateman(const double* eta, double t) {
  const double cl = kCl * std::exp(eta[0]), v = kV * std::exp(eta[1]), ka = kKa * std::exp(eta[2]);
  const double k = cl / v;
  return kDose * ka / (v * (ka - k)) * (std::exp(-k * t) - std::exp(-ka * t));
}

// -2 log posterior up to the constant, as docs/fit.md defines it.
double objective(const Eigen::Matrix3d& omega_inv, const std::vector<double>& y, const double* eta) {
  const Eigen::Map<const Eigen::Vector3d> e(eta);
  double o = e.dot(omega_inv * e);
  for (std::size_t j = 0; j < kTimes.size(); ++j) {
    const double f = bateman(eta, kTimes[j]);
    const double sd = std::sqrt(kAdd * kAdd + kProp * kProp * f * f);
    o += std::pow((y[j] - f) / sd, 2) + 2 * std::log(sd);
  }
  return o;
}

// Plain Nelder-Mead (Nelder & Mead 1965; standard coefficients 1, 2, 0.5, 0.5), restarted until no gain.
template <class F>
double nelder_mead(F f, std::vector<double> x0, double scale) {
  const int n = static_cast<int>(x0.size());
  double best = f(x0.data());
  for (int restart = 0; restart < 20; ++restart) {
    std::vector<std::vector<double>> p(n + 1, x0);
    std::vector<double> v(n + 1);
    for (int i = 0; i < n; ++i) p[i + 1][i] += scale;
    for (int i = 0; i <= n; ++i) v[i] = f(p[i].data());
    for (int it = 0; it < 5000; ++it) {
      std::vector<int> idx(n + 1);
      for (int i = 0; i <= n; ++i) idx[i] = i;
      std::sort(idx.begin(), idx.end(), [&](int a, int b) { return v[a] < v[b]; });
      const int lo = idx[0], hi = idx[n], nh = idx[n - 1];
      if (v[hi] - v[lo] < 1e-12) break;
      std::vector<double> c(n, 0.0), xr(n), xe(n), xc(n);
      for (int i = 0; i <= n; ++i)
        if (i != hi)
          for (int d = 0; d < n; ++d) c[d] += p[i][d] / n;
      for (int d = 0; d < n; ++d) xr[d] = c[d] + (c[d] - p[hi][d]);
      const double fr = f(xr.data());
      if (fr < v[lo]) {
        for (int d = 0; d < n; ++d) xe[d] = c[d] + 2 * (c[d] - p[hi][d]);
        const double fe = f(xe.data());
        if (fe < fr) p[hi] = xe, v[hi] = fe;
        else p[hi] = xr, v[hi] = fr;
      } else if (fr < v[nh]) {
        p[hi] = xr, v[hi] = fr;
      } else {
        for (int d = 0; d < n; ++d) xc[d] = c[d] + 0.5 * (p[hi][d] - c[d]);
        const double fc = f(xc.data());
        if (fc < v[hi]) {
          p[hi] = xc, v[hi] = fc;
        } else {
          for (int i = 0; i <= n; ++i)
            if (i != lo) {
              for (int d = 0; d < n; ++d) p[i][d] = p[lo][d] + 0.5 * (p[i][d] - p[lo][d]);
              v[i] = f(p[i].data());
            }
        }
      }
    }
    int lo = 0;
    for (int i = 1; i <= n; ++i)
      if (v[i] < v[lo]) lo = i;
    if (v[lo] > best - 1e-12) {
      best = std::min(best, v[lo]);
      break;
    }
    best = v[lo];
    x0 = p[lo];
    scale *= 0.5;
  }
  return best;
}

}  // namespace

TEST_CASE("MAP fit: objective equals an independent Nelder-Mead minimum; Laplace intervals cover the true etas",
          "[fit][validation]") {
  const trial::Scenario s = trial::load_scenario_text(kScenario, "map_fit.yaml");
  const Eigen::Matrix3d omega = s.population->spec().iiv.omega;
  const Eigen::Matrix3d omega_inv = omega.inverse();
  const int n_patients = 1000;
  std::string csv = "ID,TIME,AMT,EVID,CMT,DV,OUTPUT\n";
  std::vector<std::vector<double>> truth(n_patients), obs(n_patients);
  vp::VirtualPatient p;
  char line[256];
  for (int k = 0; k < n_patients; ++k) {
    s.population->generate(s.seed, 0, static_cast<std::uint64_t>(k), p);
    truth[k] = p.etas;
    core::RngStream rng(s.seed, 0, core::StreamKind::kTest, 77, static_cast<std::uint64_t>(k));
    std::snprintf(line, sizeof line, "%d,0,%g,1,1,.,.\n", k + 1, kDose);
    csv += line;
    for (double t : kTimes) {
      const double f = bateman(p.etas.data(), t);
      const double y = f + std::sqrt(kAdd * kAdd + kProp * kProp * f * f) * rng.normal();
      obs[k].push_back(y);
      std::snprintf(line, sizeof line, "%d,%g,.,0,2,%.17g,Cc\n", k + 1, t, y);
      csv += line;
    }
  }
  const core::DataSet data = core::read_data_set_text(csv, "map_fit.csv", trial::fit_data_set_options(s));
  const trial::FitResult r = trial::fit_data_set(s, data);
  REQUIRE(r.individuals.size() == static_cast<std::size_t>(n_patients));

  int covered = 0, intervals = 0, converged = 0;
  double worst_gap = 0, worst_self = 0;
  std::vector<int> covered_by_eta(3, 0);
  for (int k = 0; k < n_patients; ++k) {
    const auto& f = r.individuals[k];
    converged += f.converged;
    // The fit's objective is the one written here, at its MAP.
    worst_self = std::max(worst_self, std::abs(f.objective - objective(omega_inv, obs[k], f.eta.data())));
    if (k < 200) {  // the independent minimiser on the first 200 (about 2 s)
      auto fun = [&](const double* e) { return objective(omega_inv, obs[k], e); };
      const double from_map = nelder_mead(fun, f.eta, 0.05);
      const double from_zero = nelder_mead(fun, {0.0, 0.0, 0.0}, 0.3);
      const double nm = std::min(from_map, from_zero);
      worst_gap = std::max(worst_gap, f.objective - nm);  // > 0: Nelder-Mead found lower
    }
    for (int i = 0; i < 3; ++i) {
      if (!std::isfinite(f.se[i])) continue;
      ++intervals;
      const bool in = std::abs(f.eta[i] - truth[k][i]) <= 1.959964 * f.se[i];
      covered += in;
      covered_by_eta[i] += in;
    }
  }
  const double coverage = static_cast<double>(covered) / intervals;
  std::printf("map fit: %d/%d converged; objective vs test's %.2e; fit - Nelder-Mead worst %.2e; "
              "95%% Laplace coverage %.4f (%d intervals; CL %.3f V %.3f KA %.3f)\n",
              converged, n_patients, worst_self, worst_gap, coverage, intervals,
              covered_by_eta[0] / double(n_patients), covered_by_eta[1] / double(n_patients),
              covered_by_eta[2] / double(n_patients));
  CHECK(converged >= n_patients * 99 / 100);
  CHECK(worst_self < 1e-8);
  CHECK(worst_gap < 1e-4);
  // MC SE of a 95 % coverage over 3,000 intervals: sqrt(0.95 * 0.05 / 3000) = 0.004.
  CHECK(coverage >= 0.93);
  CHECK(coverage <= 0.97);
}
