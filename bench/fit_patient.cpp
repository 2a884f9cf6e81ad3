// Cost of one MAP fit (issue 20's budget: under 50 ms on one core for a
// patient with 10 observations of a 2-cmt + Friberg model). The scenario is
// bench/fit_2cmt_friberg.yaml (2-cmt oral PK, Friberg ANC; five etas: CL, V1,
// KA, ANC.CIRC0, ANC.SLOPE), or the one given; each of PATIENTS patients has
// the cycle-1 regimen (100 mg daily, 21 days) and 10 observations, Cc at 2,
// 23.5, 170, 335.5, 480 h and ANC at 168, 240, 336, 480, 503 h, simulated at
// etas drawn from the population with 10 % multiplicative noise (splitmix64,
// fixed seed), then fitted one after the other on one thread.
// Usage: fit_patient SCENARIO [PATIENTS]  (default 20)
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "twinsim/core/value_text.hpp"
#include "twinsim/trial/fit/map_fit.hpp"
#include "twinsim/trial/patient/data_simulation.hpp"
#include "twinsim/trial/scenario/data_compartments.hpp"

using namespace twinsim;

namespace {
double uniform(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return (static_cast<double>((z ^ (z >> 31)) >> 11) + 0.5) * 0x1.0p-53;
}
double normal(std::uint64_t& s) { return std::sqrt(-2 * std::log(uniform(s))) * std::cos(2 * M_PI * uniform(s)); }

struct Obs {
  double t;
  const char* output;
};
const Obs kObs[] = {{2, "Cc"},     {23.5, "Cc"},  {168, "ANC"}, {170, "Cc"},  {240, "ANC"},
                    {335.5, "Cc"}, {336, "ANC"}, {480, "Cc"},  {480, "ANC"}, {503, "ANC"}};
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: fit_patient SCENARIO [PATIENTS]\n");
    return 2;
  }
  const int n = argc > 2 ? std::atoi(argv[2]) : 20;
  const trial::Scenario s = trial::load_scenario_file(argv[1]);
  // The true records: patients of the population (simulate --iiv), no noise yet.
  std::string skeleton = "ID,TIME,AMT,II,ADDL,EVID,CMT\n";
  for (int i = 1; i <= n; ++i) {
    skeleton += std::to_string(i) + ",0,100,24,20,1,1\n";
    for (const auto& o : kObs) skeleton += std::to_string(i) + "," + core::format_number(o.t) + ",.,.,.,0,2\n";
  }
  core::DataSetOptions so = trial::data_set_options(*s.pk);
  so.require_id = true;
  const trial::DataSimulation truth = trial::simulate_data_set(s, core::read_data_set_text(skeleton, "truth", so), {true});
  std::uint64_t seed = 20261204;
  std::string csv = "ID,TIME,AMT,II,ADDL,EVID,CMT,DV,OUTPUT\n";
  std::size_t row = 0;
  for (int i = 1; i <= n; ++i) {
    csv += std::to_string(i) + ",0,100,24,20,1,1,.,.\n";
    for (const auto& o : kObs) {
      const double f = truth.rows[row++].values[std::string(o.output) == "Cc" ? 0 : 1];
      csv += std::to_string(i) + "," + core::format_number(o.t) + ",.,.,.,0,2," +
             core::format_number(f * (1 + 0.1 * normal(seed))) + "," + o.output + "\n";
    }
  }
  const core::DataSet data = core::read_data_set_text(csv, "bench", trial::fit_data_set_options(s));
  long evaluations = 0, hessian = 0;  // the Hessian's: n^2 + n for n etas (map_fit.cpp)
  int converged = 0;
  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  for (int i = 0; i < n; ++i) {
    trial::IndividualObjective f(s, data, static_cast<std::size_t>(i));
    const trial::IndividualFit fit = trial::fit_individual(f);
    evaluations += fit.evaluations;
    hessian += static_cast<long>(f.n_eta() * f.n_eta() + f.n_eta());
    converged += fit.converged;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  std::printf("%d patients, 10 observations each: %d converged; %.1f ms wall, %.1f ms CPU per fit "
              "(budget 50 ms); %.0f BOBYQA evaluations per fit + %.0f for the Hessian, %.0f us CPU each\n",
              n, converged, 1e3 * wall / n, 1e3 * cpu / n, static_cast<double>(evaluations) / n,
              static_cast<double>(hessian) / n, 1e6 * cpu / static_cast<double>(evaluations + hessian));
  return 0;
}
