#include "twinsim/pkpd/exponential_sum.hpp"

#include <boost/math/policies/policy.hpp>
#include <boost/math/tools/toms748_solve.hpp>

#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace twinsim::pkpd {

namespace {

using NoThrow = boost::math::policies::policy<boost::math::policies::domain_error<boost::math::policies::ignore_error>,
                                              boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;

// Sorted by mu descending, equal rates combined, zero and non-finite
// coefficients dropped. Returns the number of terms left.
int normalise(const ExpTerm* in, int n, ExpTerm* out) {
  int m = 0;
  for (int i = 0; i < n; ++i) {
    if (in[i].c == 0.0 || !std::isfinite(in[i].c) || !std::isfinite(in[i].mu)) continue;
    ExpTerm x = in[i];
    int j = m - 1;
    for (; j >= 0 && out[j].mu < x.mu; --j) out[j + 1] = out[j];
    out[j + 1] = x;
    ++m;
  }
  int k = 0;
  for (int i = 0; i < m; ++i) {
    if (k > 0 && out[k - 1].mu == out[i].mu) out[k - 1].c += out[i].c;
    else out[k++] = out[i];
  }
  int kept = 0;
  for (int i = 0; i < k; ++i)
    if (out[i].c != 0.0) out[kept++] = out[i];
  return kept;
}

int sign_changes(const ExpTerm* t, int m) {
  int s = 0;
  for (int i = 1; i < m; ++i) s += (t[i].c > 0) != (t[i - 1].c > 0);
  return s;
}

// The positive and the negative part of g (scaled by exp(-mu_max x)) and
// their derivatives: g = P - N with P, N > 0 wherever g has terms of both signs.
struct Parts {
  double p = 0.0, n = 0.0, dp = 0.0, dn = 0.0;
  double g() const { return p - n; }
};

Parts parts(const ExpTerm* t, int m, double mu_max, double x) {
  Parts r;
  for (int i = 0; i < m; ++i) {
    const double mu = t[i].mu - mu_max;
    const double e = t[i].c * std::exp(mu * x);
    if (e > 0) {
      r.p += e;
      r.dp += mu * e;
    } else {
      r.n -= e;
      r.dn -= mu * e;
    }
  }
  return r;
}

double eval(const ExpTerm* t, int m, double mu_max, double x) { return parts(t, m, mu_max, x).g(); }

bool opposite(const Parts& a, const Parts& b) { return (a.g() < 0 && b.g() > 0) || (a.g() > 0 && b.g() < 0); }

// The root of g in (a, b), where g(a) and g(b) have opposite signs.
//
// Newton's method on phi = ln P - ln N, which has the roots and the signs of
// g but is linear when P and N are single exponentials and nearly linear
// otherwise: 2-3 steps from the ends where TOMS 748 on g itself needed about
// 20 evaluations (g is strongly curved: its fast terms dominate near a). The
// bracket is kept by sign, so a step that would leave it bisects instead; if
// this does not settle, TOMS 748 (Boost.Math) finishes the bracket.
double refine(const ExpTerm* t, int m, double mu_max, double a, double b, Parts fa, Parts fb, double tol) {
  auto phi = [](const Parts& f) { return std::log(f.p / f.n); };
  auto dphi = [](const Parts& f) { return f.dp / f.p - f.dn / f.n; };
  const bool rising = fa.g() < 0;
  double x = a - phi(fa) / dphi(fa);
  if (!(x > a && x < b)) x = b - phi(fb) / dphi(fb);
  if (!(x > a && x < b)) x = 0.5 * (a + b);
  for (int it = 0; it < 60; ++it) {
    const Parts f = parts(t, m, mu_max, x);
    if (f.g() == 0) return x;
    if ((f.g() < 0) == rising) a = x;
    else b = x;
    double next = x - phi(f) / dphi(f);
    if (!(next > a && next < b)) next = 0.5 * (a + b);
    if (std::abs(next - x) <= 0.5 * tol || b - a <= tol) return next;
    x = next;
  }
  auto g = [&](double y) { return eval(t, m, mu_max, y); };
  auto done = [tol](double u, double v) { return std::abs(u - v) <= tol; };
  std::uintmax_t iterations = 200;
  const auto r = boost::math::tools::toms748_solve(g, a, b, g(a), g(b), done, iterations, NoThrow());
  return 0.5 * (r.first + r.second);
}

// Roots of the normalised sum t[0..m) in (lo, hi), appended ascending.
void roots_of(const ExpTerm* t, int m, double lo, double hi, double tol, std::vector<double>& out) {
  if (m < 2 || !(hi > lo)) return;
  const int s = sign_changes(t, m);
  if (s == 0) return;
  const double mu_max = t[0].mu;
  if (s == 1) {
    const Parts flo = parts(t, m, mu_max, lo), fhi = parts(t, m, mu_max, hi);
    if (opposite(flo, fhi)) {
      const double r = refine(t, m, mu_max, lo, hi, flo, fhi, tol);
      if (std::isfinite(r)) out.push_back(r);
    }
    return;
  }
  // d/dt [e^{-mu_max t} g]: the terms but the first, times (mu_i - mu_max).
  ExpTerm d[kMaxExpTerms];
  for (int i = 1; i < m; ++i) d[i - 1] = {t[i].c * (t[i].mu - mu_max), t[i].mu - mu_max};
  const std::size_t first = out.size();
  roots_of(d, m - 1, lo, hi, tol, out);
  // Those roots split (lo, hi) into pieces on which e^{-mu_max t} g is
  // monotone; they are replaced by the roots of g itself.
  double splits[kMaxExpTerms + 1];
  int n_splits = 0;
  for (std::size_t i = first; i < out.size(); ++i) splits[n_splits++] = out[i];
  out.resize(first);
  double a = lo;
  Parts fa = parts(t, m, mu_max, lo);
  for (int i = 0; i <= n_splits; ++i) {
    const double b = i < n_splits ? splits[i] : hi;
    const Parts fb = parts(t, m, mu_max, b);
    if (opposite(fa, fb)) {
      const double r = refine(t, m, mu_max, a, b, fa, fb, tol);
      if (std::isfinite(r)) out.push_back(r);
    }
    // A zero exactly at a split is a tangency (g does not change sign across
    // the monotone pieces' common end) unless the pieces' far ends differ in
    // sign; carry the nonzero side on.
    if (fb.g() != 0.0) {
      a = b;
      fa = fb;
    }
  }
}

}  // namespace

void exp_sum_roots(const ExpTerm* terms, int n, double lo, double hi, double tol, std::vector<double>& roots) {
  if (n > kMaxExpTerms) throw std::invalid_argument("exp_sum_roots: too many terms");
  ExpTerm t[kMaxExpTerms];
  const int m = normalise(terms, n, t);
  roots_of(t, m, lo, hi, tol, roots);
}

}  // namespace twinsim::pkpd
