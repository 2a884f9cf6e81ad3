#include "node_scan.hpp"

#include <boost/math/policies/policy.hpp>
#include <boost/math/tools/toms748_solve.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "engine_parts.hpp"

namespace twinsim::pkpd::detail {

namespace {

using NoThrow = boost::math::policies::policy<boost::math::policies::domain_error<boost::math::policies::ignore_error>,
                                              boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;

constexpr int kMaxTerms = 80;

// Cc(s + d) and dCc/dt(s + d) as polynomials in d from node state x.
struct Taylor {
  double c[kMaxTerms + 1];   // Cc: c[k] d^k
  double g[kMaxTerms + 1];   // dCc/dt: g[k] d^k
  int terms = 0;
  static double horner(const double* a, int n, double d) {
    double v = 0.0;
    for (int k = n; k >= 0; --k) v = v * d + a[k];
    return v;
  }
  double conc(double d) const { return horner(c, terms, d); }
  double slope(double d) const { return horner(g, terms - 1, d); }
};

void taylor(const PkSystem& s, const StateVector& x, const StateVector& r, double h, double norm, Taylor& t) {
  const int ci = s.idx_central;
  const double inv_v = 1.0 / s.v_central;
  StateVector v = s.A * x + r;  // d^k x / dt^k = A^(k-1) (A x + r), k >= 1
  t.c[0] = x[ci] * inv_v;
  double fact = 1.0, bound = 1.0;
  int k = 1;
  for (; k <= kMaxTerms; ++k) {
    fact *= k;
    t.c[k] = v[ci] * inv_v / fact;
    t.g[k - 1] = v[ci] * inv_v * k / fact;
    bound *= h * norm / k;
    if (bound < 1e-20 && k > 2) break;
    v = s.A * v;
  }
  t.terms = std::min(k, kMaxTerms);
}

template <class F>
double refine(F f, double a, double b, double fa, double fb, double tol) {
  auto done = [tol](double u, double w) { return std::abs(u - w) <= tol; };
  std::uintmax_t iterations = 200;
  const auto r = boost::math::tools::toms748_solve(f, a, b, fa, fb, done, iterations, NoThrow());
  return 0.5 * (r.first + r.second);
}

bool changes(double a, double b) { return (a < 0 && b > 0) || (a > 0 && b < 0); }

void scan_interval(const PkSystem& s, StateVector y, const StateVector& r, double t0, double len, double threshold,
                   double norm, AnalyticPropagator& prop, std::vector<CcPoint>& out) {
  const int n = static_cast<int>(std::min<double>(kMaxNodes, std::max(4.0, std::ceil(len * norm))));
  const double h = len / n;
  const auto& step = prop.step(h);
  const bool rate = r.any();
  const int ci = s.idx_central;
  auto slope = [&](const StateVector& x) { return (s.A.row(ci).dot(x) + r[ci]) / s.v_central; };
  const double tol = 1e-9 + 4 * std::numeric_limits<double>::epsilon() * len;
  Taylor t;
  double g0 = slope(y), c0 = s.concentration(y.data()) - threshold;
  for (int j = 0; j < n; ++j) {
    StateVector next = step.first * y;
    if (rate) next.noalias() += step.second * r;
    const double g1 = slope(next), c1 = s.concentration(next.data()) - threshold;
    const bool turn = changes(g0, g1), cross = threshold > 0 && changes(c0, c1);
    if (turn || cross) {
      taylor(s, y, r, h, norm, t);
      double found[2];
      int m = 0;
      if (turn) found[m++] = refine([&](double d) { return t.slope(d); }, 0.0, h, g0, g1, tol);
      if (cross) found[m++] = refine([&](double d) { return t.conc(d) - threshold; }, 0.0, h, c0, c1, tol);
      if (m == 2 && found[1] < found[0]) std::swap(found[0], found[1]);
      for (int k = 0; k < m; ++k) {
        if (!std::isfinite(found[k]) || !(found[k] > 0.0) || !(found[k] < h)) continue;
        const double c = t.conc(found[k]);
        out.push_back({t0 + j * h + found[k], c, c, CcPoint::kNaN});
      }
    }
    y = next;
    g0 = g1;
    c0 = c1;
  }
}

}  // namespace

void node_scan(const ModelSystem& m, const std::vector<core::InputAction>& actions, double t_end, double threshold,
               AnalyticPropagator& prop, std::vector<CcPoint>& out) {
  const PkSystem& s = m.pk;
  const int n = s.n_states;
  // ||A||_inf bounds every rate of the solution: steps of 1/||A|| resolve its fastest mode.
  double norm = 0.0;
  for (int i = 0; i < n; ++i) norm = std::max(norm, s.A.row(i).cwiseAbs().sum());
  StateVector x = StateVector::Zero(n), r = StateVector::Zero(n);
  if (!m.initial.empty()) x = Eigen::Map<const Eigen::VectorXd>(m.initial.data(), n);
  double t = actions.empty() ? m.t0 : std::min(m.t0, actions.front().time);
  prop.reset(t, x);
  std::size_t ai = 0;
  while (t < t_end) {
    ai = apply_inputs(actions, ai, t, x, r);
    prop.reset(t, x);
    const double next = ai < actions.size() ? std::min(actions[ai].time, t_end) : t_end;
    if (next > t) {
      scan_interval(s, x, r, t, next - t, threshold, norm, prop, out);
      prop.advance(next, next, x, r);
    }
    t = next;
  }
}

}  // namespace twinsim::pkpd::detail
