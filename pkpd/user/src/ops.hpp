// The meaning of every operator, in one place. Constant folding and the
// interpreter call these; codegen_c.cpp writes the same operations in C (its
// prelude repeats ts_powi, ts_min, ts_max exactly), so that compiled code,
// interpreter and folded constants agree to the last bit on one machine.
#pragma once

#include <cmath>

#include "twinsim/pkpd/user/expr.hpp"

namespace twinsim::pkpd::user::ops {

inline double powi(double x, int n) {
  unsigned m = n < 0 ? static_cast<unsigned>(-n) : static_cast<unsigned>(n);
  double r = 1.0, b = x;
  while (m) {
    if (m & 1u) r *= b;
    m >>= 1u;
    if (m) b *= b;
  }
  return n < 0 ? 1.0 / r : r;
}
// min/max as comparisons (not fmin/fmax): the derivative takes the same branch.
inline double min(double a, double b) { return b < a ? b : a; }
inline double max(double a, double b) { return a < b ? b : a; }
inline double truth(bool v) { return v ? 1.0 : 0.0; }

// Non-leaf operators; `n` is the kPowi exponent.
inline double apply(Op op, double a, double b, double c, int n) {
  switch (op) {
    case Op::kNeg: return -a;
    case Op::kAdd: return a + b;
    case Op::kSub: return a - b;
    case Op::kMul: return a * b;
    case Op::kDiv: return a / b;
    case Op::kPow: return std::pow(a, b);
    case Op::kPowi: return powi(a, n);
    case Op::kExp: return std::exp(a);
    case Op::kLog: return std::log(a);
    case Op::kSqrt: return std::sqrt(a);
    case Op::kAbs: return std::fabs(a);
    case Op::kMin: return min(a, b);
    case Op::kMax: return max(a, b);
    case Op::kLt: return truth(a < b);
    case Op::kLe: return truth(a <= b);
    case Op::kGt: return truth(a > b);
    case Op::kGe: return truth(a >= b);
    case Op::kEq: return truth(a == b);
    case Op::kNe: return truth(a != b);
    case Op::kAnd: return truth(a != 0.0 && b != 0.0);
    case Op::kOr: return truth(a != 0.0 || b != 0.0);
    case Op::kNot: return truth(a == 0.0);
    case Op::kSelect: return a != 0.0 ? b : c;
    default: return 0.0;  // leaves are not applied
  }
}

}  // namespace twinsim::pkpd::user::ops
