// Simon's two-stage designs against Simon (1989, Controlled Clinical Trials
// 10:1-10), Table 1 (p1 - p0 = 0.20, alpha = 0.05): r1/n1, r/n exactly, and
// EN(p0), PET(p0) to 1e-10 against an exact computation written here from the
// definitions (by direct sums over both stages, not the design's formula), and
// to the table's printed digits. The design simulated through the runner
// agrees with the exact operating characteristics within 4 MC SE.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "design_sim.hpp"
#include "twinsim/trial/designs/phase2.hpp"

using namespace twinsim;

namespace {

using test::binomial_pmf;

struct ExactOc {
  double pet = 0, en = 0, promising = 0;
};

// Enumerates (x1, x2) of both stages.
ExactOc exact(int r1, int n1, int r, int n, double p) {
  ExactOc o;
  for (int x1 = 0; x1 <= n1; ++x1) {
    const double p1 = binomial_pmf(n1, x1, p);
    if (x1 <= r1) {
      o.pet += p1;
      o.en += p1 * n1;
      continue;
    }
    o.en += p1 * n;
    for (int x2 = 0; x2 <= n - n1; ++x2)
      if (x1 + x2 > r) o.promising += p1 * binomial_pmf(n - n1, x2, p);
  }
  return o;
}

struct Row {
  double p0, p1, beta;
  bool minimax;
  int r1, n1, r, n;
  double en, pet;  // as printed: EN to 0.1, PET to 0.01
};

// Simon (1989) Table 1, alpha = 0.05; rows p0 = 0.05, 0.10, 0.20, 0.30 (p1 = p0 + 0.20),
// beta = 0.20 and 0.10, the optimal and the minimax design of each.
const std::vector<Row> kTable1 = {
    {0.05, 0.25, 0.20, false, 0, 9, 2, 17, 12.0, 0.63},  {0.05, 0.25, 0.20, true, 0, 12, 2, 16, 13.8, 0.54},
    {0.05, 0.25, 0.10, false, 0, 9, 3, 30, 16.8, 0.63},  {0.05, 0.25, 0.10, true, 0, 15, 3, 25, 20.4, 0.46},
    {0.10, 0.30, 0.20, false, 1, 10, 5, 29, 15.0, 0.74}, {0.10, 0.30, 0.20, true, 1, 15, 5, 25, 19.5, 0.55},
    {0.10, 0.30, 0.10, false, 2, 18, 6, 35, 22.5, 0.73}, {0.10, 0.30, 0.10, true, 2, 22, 6, 33, 26.2, 0.62},
    {0.20, 0.40, 0.20, false, 3, 13, 12, 43, 20.6, 0.75}, {0.20, 0.40, 0.20, true, 4, 18, 10, 33, 22.3, 0.72},
    {0.20, 0.40, 0.10, false, 4, 19, 15, 54, 30.4, 0.67}, {0.20, 0.40, 0.10, true, 5, 24, 13, 45, 31.2, 0.66},
    {0.30, 0.50, 0.20, false, 5, 15, 18, 46, 23.6, 0.72}, {0.30, 0.50, 0.20, true, 6, 19, 16, 39, 25.7, 0.67},
    {0.30, 0.50, 0.10, false, 8, 24, 24, 63, 34.7, 0.73}, {0.30, 0.50, 0.10, true, 7, 24, 21, 53, 36.6, 0.56},
};

}  // namespace

TEST_CASE("Simon designs match Simon (1989) Table 1 exactly", "[validation][simon]") {
  for (const Row& row : kTable1) {
    INFO("p0 " << row.p0 << " p1 " << row.p1 << " beta " << row.beta << (row.minimax ? " minimax" : " optimal"));
    const auto b = trial::simon_search(row.p0, row.p1, 0.05, row.beta, row.minimax);
    REQUIRE(b);
    CHECK(b->r1 == row.r1);
    CHECK(b->n1 == row.n1);
    CHECK(b->r == row.r);
    CHECK(b->n == row.n);
    const ExactOc e0 = exact(b->r1, b->n1, b->r, b->n, row.p0);
    const ExactOc e1 = exact(b->r1, b->n1, b->r, b->n, row.p1);
    CHECK(std::abs(b->en_p0 - e0.en) < 1e-10);
    CHECK(std::abs(b->pet_p0 - e0.pet) < 1e-10);
    CHECK(std::abs(b->type1 - e0.promising) < 1e-10);
    CHECK(std::abs(b->power - e1.promising) < 1e-10);
    CHECK(b->type1 <= 0.05);
    CHECK(b->power >= 1.0 - row.beta);
    CHECK(std::abs(b->en_p0 - row.en) <= 0.05 + 1e-9);
    CHECK(std::abs(b->pet_p0 - row.pet) <= 0.005 + 1e-9);
    const trial::SimonOc oc = trial::simon_oc(b->r1, b->n1, b->r, b->n, row.p0);
    CHECK(std::abs(oc.en - e0.en) < 1e-10);
    CHECK(std::abs(oc.pet - e0.pet) < 1e-10);
    CHECK(std::abs(oc.p_promising - e0.promising) < 1e-10);
  }
}

TEST_CASE("Simon design simulated: P(promising), PET and E[N] within 4 MC SE of the exact values",
          "[validation][simon]") {
  // Optimal design for p0 = 0.1, p1 = 0.3 (1/10, 5/29), run at dose 2 of 3 with true response 0.3, 0.2 at it.
  for (double q : {0.1, 0.2, 0.3}) {
    const std::int64_t trials = 20000;
    const auto sim = test::simulate_design("type: simon_two_stage, p0: 0.1, p1: 0.3, dose: 2", {0.1, 0.2, 0.3},
                                           trials, 11, 2, {{0.05, q, 0.5}, 0.3});
    const ExactOc e = exact(1, 10, 5, 29, q);
    const double r = static_cast<double>(trials);
    INFO("q " << q);
    CHECK(std::abs(sim.p_select[1] - e.promising) < 4 * test::se_proportion(e.promising, r));
    CHECK(sim.p_select[0] == 0.0);
    CHECK(sim.p_select[2] == 0.0);
    const double pet = sim.p_n.size() > 10 ? sim.p_n[10] : 0.0;
    CHECK(std::abs(pet - e.pet) < 4 * test::se_proportion(e.pet, r));
    const double sd_n = 19.0 * std::sqrt(e.pet * (1 - e.pet));
    CHECK(std::abs(sim.mean_n - e.en) < 4 * sd_n / std::sqrt(r));
  }
}
