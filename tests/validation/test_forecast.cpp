// twinsim forecast (trial/fit/forecast.hpp) against computations done here
// through the public simulate API (`simulate_data_set`: the data set's
// records, individual values as parameter columns), not the forecast's code:
//  - a collapsed posterior (covariance 0) forecasts exactly the deterministic
//    simulation of the MAP patient under the candidate regimen; its AUC
//    equals the trapezoid of Cc on a 0.02 h grid;
//  - with the Laplace posterior, P(grade >= 4 neutropenia) equals, within 4
//    Monte-Carlo SE, the fraction of grade 4 nadirs among etas drawn here
//    (std::mt19937_64, Box-Muller, Eigen's Cholesky) and simulated here.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <Eigen/Cholesky>

#include "test_support.hpp"
#include "twinsim/core/value_text.hpp"
#include "twinsim/trial/fit/forecast.hpp"
#include "twinsim/trial/patient/data_simulation.hpp"
#include "twinsim/trial/scenario/data_compartments.hpp"

using namespace twinsim;

namespace {

const std::string kConfig = test::source_dir() + "/configs/digital_twin_fit.yaml";
const std::string kData = test::source_dir() + "/configs/data/digital_twin_patients.csv";

struct Fitted {
  trial::Scenario s = trial::load_scenario_file(kConfig);
  core::DataSet data = core::read_data_set_file(kData, trial::fit_data_set_options(s));
};

trial::ForecastSpec spec_from(const test::TempDir& dir, const trial::Scenario& s, const std::string& text) {
  const std::string path = dir.file("forecast.yaml");
  test::write_file(path, text);
  return trial::load_forecast_spec(path, s);
}

// One individual per parameter vector: cycle 1 as the data's (100 mg daily
// for 21 days), then `dose` daily for 21 days from 504 h, observed every
// `step` h over [504, 1008]; the values as parameter columns.
std::string forecast_csv(const std::vector<std::string>& names, const std::vector<std::vector<double>>& values,
                         double dose, double step) {
  std::string csv = "ID,TIME,AMT,II,ADDL,EVID,CMT";
  for (const auto& n : names) csv += "," + n;
  csv += "\n";
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::string cols;
    for (double v : values[i]) cols += "," + core::format_number(v);
    const std::string id = std::to_string(i + 1);
    csv += id + ",0,100,24,20,1,1" + cols + "\n";
    csv += id + ",504," + core::format_number(dose) + ",24,20,1,1" + cols + "\n";
    const auto n = static_cast<int>(std::lround(504 / step));
    for (int j = 0; j <= n; ++j) csv += id + "," + core::format_number(504 + j * step) + ",.,.,.,0,2" + cols + "\n";
  }
  return csv;
}

struct Series {
  std::vector<double> t, cc, anc;
};

std::vector<Series> simulate(const trial::Scenario& s, const std::string& csv) {
  core::DataSetOptions o = trial::data_set_options(*s.pk);
  o.require_id = true;
  const core::DataSet d = core::read_data_set_text(csv, "forecast_reference.csv", o);
  const trial::DataSimulation r = trial::simulate_data_set(s, d);
  std::vector<Series> out;
  double id = -1;
  for (const auto& row : r.rows) {
    if (row.id != id) out.emplace_back(), id = row.id;
    out.back().t.push_back(row.time);
    out.back().cc.push_back(row.values[0]);
    out.back().anc.push_back(row.values[1]);
  }
  return out;
}

}  // namespace

TEST_CASE("forecast with a collapsed posterior equals the simulation of the MAP patient", "[fit][validation]") {
  const Fitted f;
  test::TempDir dir("forecast");
  const trial::ForecastSpec spec = spec_from(
      dir, f.s, "start_h: 504\ngrid_h: 1\ndraws: 3\ncandidates:\n  - {dose: 100}\n  - {dose: 200}\n  - {dose: 300}\n");
  for (std::size_t k : {0u, 3u}) {
    trial::IndividualObjective obj(f.s, f.data, k);
    trial::IndividualFit fit = trial::fit_individual(obj);
    fit.id = f.data.individuals()[k].id;
    fit.covariance.setZero();
    const trial::PatientForecast p = trial::forecast_individual(f.s, obj, fit, k, spec);
    REQUIRE(p.candidates.size() == 3);
    CHECK(p.start_h == 504);
    for (std::size_t c = 0; c < 3; ++c) {
      const auto& fc = p.candidates[c];
      INFO("ID " << fit.id << " candidate " << fc.name);
      const double dose = 100.0 * static_cast<double>(c + 1);
      const auto ref = simulate(f.s, forecast_csv(f.s.parameter_names(), {fit.parameters}, dose, 1.0)).at(0);
      const double nadir = *std::min_element(ref.anc.begin(), ref.anc.end());
      const double cmax = *std::max_element(ref.cc.begin(), ref.cc.end());
      CHECK(fc.failed == 0);
      CHECK(fc.nadir.median == Approx(nadir).epsilon(1e-9));
      CHECK(fc.nadir.lo == fc.nadir.median);
      CHECK(fc.nadir.hi == fc.nadir.median);
      CHECK(fc.cmax.median == Approx(cmax).epsilon(1e-9));
      CHECK(fc.ctrough.median == Approx(ref.cc.back()).epsilon(1e-9));
      CHECK(fc.p_grade4 == (nadir < 0.5 ? 1.0 : 0.0));
      CHECK(fc.p_grade3 == (nadir < 1.0 ? 1.0 : 0.0));
      // AUC over the cycle: the trapezoid of Cc on a 0.02 h grid (error O(h^2), about 1e-6 relative).
      const auto fine = simulate(f.s, forecast_csv(f.s.parameter_names(), {fit.parameters}, dose, 0.02)).at(0);
      double trapezoid = 0;
      for (std::size_t j = 1; j < fine.t.size(); ++j)
        trapezoid += 0.5 * (fine.cc[j] + fine.cc[j - 1]) * (fine.t[j] - fine.t[j - 1]);
      CHECK(fc.auc.median == Approx(trapezoid).epsilon(1e-5));
    }
  }
}

TEST_CASE("forecast P(grade 4) equals the grade 4 fraction of posterior draws simulated in the test within 4 MC SE",
          "[fit][validation]") {
  const Fitted f;
  test::TempDir dir("forecast");
  constexpr int kDraws = 2000;
  const trial::ForecastSpec spec = spec_from(
      dir, f.s, "start_h: 504\ngrid_h: 4\ndraws: " + std::to_string(kDraws) + "\nseed: 5\ncandidates:\n  - {dose: 200}\n");
  const std::size_t k = 3;  // ID 4: P(grade 4) at 200 mg near 0.2
  trial::IndividualObjective obj(f.s, f.data, k);
  trial::IndividualFit fit = trial::fit_individual(obj);
  fit.id = 4;
  REQUIRE(fit.converged);
  const trial::PatientForecast p = trial::forecast_individual(f.s, obj, fit, k, spec);
  const auto& fc = p.candidates.at(0);
  REQUIRE(fc.failed == 0);

  // The test's own draws: eta ~ N(MAP, C) by Cholesky and Box-Muller; the
  // parameters log-normal around the MAP's, P = P_MAP exp(eta - eta_MAP).
  const std::vector<std::string> names = f.s.parameter_names();
  const std::vector<std::string> etas = f.s.population->eta_names();
  std::vector<std::size_t> index;
  for (const auto& e : etas) {
    const auto it = std::find(names.begin(), names.end(), e.substr(4));  // "ETA_CL" -> CL
    REQUIRE(it != names.end());
    index.push_back(static_cast<std::size_t>(it - names.begin()));
  }
  const Eigen::MatrixXd lower = Eigen::LLT<Eigen::MatrixXd>(fit.covariance).matrixL();
  std::mt19937_64 gen(20261204);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::vector<double>> values;
  const auto n = lower.rows();
  for (int d = 0; d < kDraws; ++d) {
    Eigen::VectorXd z(n);
    for (Eigen::Index i = 0; i < n; ++i)
      z[i] = std::sqrt(-2 * std::log(1 - u(gen))) * std::cos(2 * M_PI * u(gen));
    const Eigen::VectorXd shift = lower * z;
    std::vector<double> v = fit.parameters;
    for (Eigen::Index i = 0; i < n; ++i) v[index[static_cast<std::size_t>(i)]] *= std::exp(shift[i]);
    values.push_back(v);
  }
  int grade4 = 0;
  for (const auto& series : simulate(f.s, forecast_csv(names, values, 200, 4.0)))
    grade4 += *std::min_element(series.anc.begin(), series.anc.end()) < 0.5;
  const double p_test = static_cast<double>(grade4) / kDraws;
  const double pooled = 0.5 * (p_test + fc.p_grade4);
  const double mc_se = std::sqrt(pooled * (1 - pooled) * 2.0 / kDraws);
  std::printf("forecast P(grade 4) ID 4 at 200 mg: %.4f (twinsim, %d draws) vs %.4f (test), MC SE %.4f\n",
              fc.p_grade4, kDraws, p_test, mc_se);
  REQUIRE(pooled > 0.05);  // the comparison means something only away from 0 and 1
  REQUIRE(pooled < 0.95);
  CHECK(std::abs(fc.p_grade4 - p_test) <= 4 * mc_se);
}
