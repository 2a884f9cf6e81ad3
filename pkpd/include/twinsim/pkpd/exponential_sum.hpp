// All real roots of an exponential sum g(t) = sum_i c_i exp(mu_i t) on an
// interval: the stationary points of a linear-PK concentration between input
// changes (g = dCc/dt) and its threshold crossings (g = Cc - threshold).
//
// Method (no sampling, so no root is missed however close): by Descartes'
// rule of signs as Laguerre extended it to exponential sums, g has at most
// as many real roots, counted with multiplicity, as its coefficients have
// sign changes in order of mu (proof: the Rolle induction used below).
// No sign change: no root. One: at most one simple root, present iff g
// changes sign between the ends. More: e^{-mu_max t} g has the same roots and
// its derivative has one term less; the roots of that derivative (found the
// same way, recursively) split the interval into pieces on which
// e^{-mu_max t} g is monotone, each holding at most one root, bracketed by
// the signs at its ends. Each bracketed root is refined by TOMS 748
// (Alefeld, Potra & Shi 1995, Boost.Math's toms748_solve).
#pragma once

#include <vector>

namespace twinsim::pkpd {

struct ExpTerm {
  double c = 0.0;   // coefficient
  double mu = 0.0;  // rate (1/h); any sign, typically <= 0
};

// Largest number of terms exp_sum_roots accepts (a PK system's modes plus a constant).
constexpr int kMaxExpTerms = 34;

// Appends to `roots`, ascending, every t in (lo, hi) at which g changes sign,
// each to within tol (h, absolute). Roots where g touches zero without a sign
// change are not reported (they are neither extrema nor crossings).
// Throws std::invalid_argument if n > kMaxExpTerms. Does not allocate beyond
// growing `roots`.
void exp_sum_roots(const ExpTerm* terms, int n, double lo, double hi, double tol, std::vector<double>& roots);

}  // namespace twinsim::pkpd
