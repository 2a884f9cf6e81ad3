// BOP2 (Zhou, Lee & Yuan 2017) with a binary efficacy endpoint. References
// computed here without the design's code: the exact binomial test (the most
// powerful single-stage test, which BOP2 with one analysis must equal), an
// exact OC recursion one patient at a time, the optimality of the tuned
// cutoff over grid points checked with that recursion, and the design
// simulated through the runner within 4 MC SE of the exact OCs.
#include <boost/math/special_functions/beta.hpp>
#include <catch2/catch.hpp>
#include <cmath>

#include "design_sim.hpp"
#include "twinsim/trial/designs/phase2.hpp"

using namespace twinsim;

namespace {

struct Oc {
  double go = 0, en = 0, pet = 0;
};

// One patient at a time; an analysis after the n[k]-th patient stops the trial when x <= stop[k].
Oc exact(const std::vector<int>& n, const std::vector<int>& stop, double p) {
  std::vector<double> dist(static_cast<std::size_t>(n.back()) + 1, 0.0);
  dist[0] = 1.0;
  Oc o;
  std::size_t k = 0;
  for (int i = 1; i <= n.back(); ++i) {
    for (int x = i; x >= 1; --x) dist[x] = dist[x] * (1 - p) + dist[x - 1] * p;
    dist[0] *= 1 - p;
    if (i != n[k]) continue;
    for (int x = 0; x <= std::min(i, stop[k]); ++x) {
      o.en += dist[x] * i;
      if (k + 1 < n.size()) o.pet += dist[x];
      dist[x] = 0.0;
    }
    ++k;
  }
  for (double v : dist) o.go += v;
  o.en += o.go * n.back();
  return o;
}

trial::Bop2Options options(double p0, double p1, double alpha, std::vector<int> n) {
  trial::Bop2Options o;
  o.p0 = p0;
  o.p1 = p1;
  o.alpha = alpha;
  o.n = std::move(n);
  return o;
}

}  // namespace

TEST_CASE("BOP2 with one analysis is the exact binomial test", "[validation][bop2]") {
  struct Case {
    double p0, p1, alpha;
    int n;
  };
  for (const Case& c : {Case{0.2, 0.4, 0.1, 40}, Case{0.1, 0.3, 0.05, 25}, Case{0.3, 0.5, 0.1, 30}}) {
    int crit = 0;  // least c with P(X > c | p0) <= alpha
    for (;; ++crit) {
      double tail = 0;
      for (int x = crit + 1; x <= c.n; ++x) tail += test::binomial_pmf(c.n, x, c.p0);
      if (tail <= c.alpha) break;
    }
    const auto b = trial::bop2_tune(options(c.p0, c.p1, c.alpha, {c.n}));
    REQUIRE(b);
    INFO("p0 " << c.p0 << " n " << c.n);
    CHECK(b->stop_at_most[0] == crit);
    const Oc e1 = exact({c.n}, {crit}, c.p1);
    CHECK(std::abs(b->power - e1.go) < 1e-12);
  }
}

TEST_CASE("BOP2 boundaries: posterior rule, exact OCs, type I error and optimal power on the grid",
          "[validation][bop2]") {
  const trial::Bop2Options o = options(0.2, 0.4, 0.1, {10, 20, 30, 40});
  const auto b = trial::bop2_tune(o);
  REQUIRE(b);
  // The boundary is the posterior rule at the chosen cutoff (ibeta written here, not the design's table).
  for (std::size_t k = 0; k < o.n.size(); ++k) {
    const int n = o.n[k];
    const double c = b->lambda * std::pow(n / 40.0, b->gamma);
    for (int x = 0; x <= n; ++x) {
      const double post = boost::math::ibeta(0.2 + x, 0.8 + n - x, 0.2);
      CHECK((x <= b->stop_at_most[k]) == (post > c));
    }
  }
  const Oc h0 = exact(o.n, b->stop_at_most, 0.2), h1 = exact(o.n, b->stop_at_most, 0.4);
  CHECK(std::abs(b->type1 - h0.go) < 1e-12);
  CHECK(std::abs(b->power - h1.go) < 1e-12);
  CHECK(std::abs(b->en_p0 - h0.en) < 1e-10);
  CHECK(std::abs(b->pet_p0 - h0.pet) < 1e-12);
  CHECK(b->type1 <= 0.1);
  // No grid point with type I error <= alpha has more power.
  for (int i = 1; i < 1000; i += 23) {
    for (int j = 0; j <= 300; j += 11) {
      const auto s = trial::bop2_stop_boundaries(o, i * 0.001, j * 0.01);
      if (exact(o.n, s, 0.2).go > 0.1) continue;
      CHECK(exact(o.n, s, 0.4).go <= b->power + 1e-12);
    }
  }
  const trial::Bop2Oc oc = trial::bop2_oc(o.n, b->stop_at_most, 0.3);
  const Oc e = exact(o.n, b->stop_at_most, 0.3);
  CHECK(std::abs(oc.p_go - e.go) < 1e-12);
  CHECK(std::abs(oc.en - e.en) < 1e-10);
}

TEST_CASE("BOP2 simulated through the runner agrees with its exact OCs within 4 MC SE", "[validation][bop2]") {
  const auto b = trial::bop2_tune(options(0.2, 0.4, 0.1, {10, 20, 30, 40}));
  REQUIRE(b);
  for (double q : {0.2, 0.4}) {
    const std::int64_t trials = 20000;
    const auto sim = test::simulate_design("type: bop2, p0: 0.2, p1: 0.4, alpha: 0.1, analysis_sizes: [10, 20, 30, 40]",
                                           {0.3}, trials, 5, 2, {{q}, -0.3});
    const Oc e = exact(b->n, b->stop_at_most, q);
    const double r = static_cast<double>(trials);
    INFO("q " << q);
    CHECK(std::abs(sim.p_select[0] - e.go) < 4 * test::se_proportion(e.go, r));
    // sd(N) <= 15 for N in [10, 40].
    CHECK(std::abs(sim.mean_n - e.en) < 4 * 15.0 / std::sqrt(r));
  }
}
