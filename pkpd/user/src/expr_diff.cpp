// Symbolic differentiation on the expression DAG (forward chain rule with a
// memo, so a shared subexpression is differentiated once). Piecewise
// operators differentiate the branch that their value takes, with the same
// comparison: d min(a, b) = (b < a) ? db : da, as ops::min picks; d|a| = a < 0 ?
// -da : da; d if(c, a, b) = if(c, da, db).
#include "twinsim/pkpd/user/expr.hpp"

namespace twinsim::pkpd::user {

NodeId ExprPool::derivative(NodeId f, Wrt wrt, int index, std::unordered_map<NodeId, NodeId>& memo) {
  const auto found = memo.find(f);
  if (found != memo.end()) return found->second;
  const Node n = node(f);  // a copy: building nodes below may grow the pool
  NodeId d = -1;
  auto D = [&](NodeId x) { return derivative(x, wrt, index, memo); };
  auto c = [&](double v) { return constant(v); };
  switch (n.op) {
    case Op::kConst: case Op::kTime: case Op::kParam:
      d = c(0.0);
      break;
    case Op::kState:
      d = c(wrt == Wrt::kState && n.index == index ? 1.0 : 0.0);
      break;
    case Op::kInput:
      d = c(wrt == Wrt::kInput && n.index == index ? 1.0 : 0.0);
      break;
    case Op::kNeg:
      d = unary(Op::kNeg, D(n.a));
      break;
    case Op::kAdd:
    case Op::kSub:
      d = binary(n.op, D(n.a), D(n.b));
      break;
    case Op::kMul:
      d = binary(Op::kAdd, binary(Op::kMul, D(n.a), n.b), binary(Op::kMul, n.a, D(n.b)));
      break;
    case Op::kDiv: {
      // d(a/b) = da/b - (a/b) * db/b: reuses the node a/b itself.
      const NodeId da = D(n.a), db = D(n.b);
      d = binary(Op::kSub, binary(Op::kDiv, da, n.b), binary(Op::kMul, f, binary(Op::kDiv, db, n.b)));
      break;
    }
    case Op::kPow: {
      const NodeId da = D(n.a), db = D(n.b);
      // b * a^(b-1) * da  +  a^b * log(a) * db; the log term only where b varies,
      // so a constant exponent never needs log of a non-positive base.
      NodeId term_a = c(0.0), term_b = c(0.0);
      if (!is_constant(da, 0.0))
        term_a = binary(Op::kMul, binary(Op::kMul, n.b, binary(Op::kPow, n.a, binary(Op::kSub, n.b, c(1.0)))), da);
      if (!is_constant(db, 0.0)) term_b = binary(Op::kMul, binary(Op::kMul, f, unary(Op::kLog, n.a)), db);
      d = binary(Op::kAdd, term_a, term_b);
      break;
    }
    case Op::kPowi: {
      const NodeId da = D(n.a);
      if (is_constant(da, 0.0)) {
        d = da;
        break;
      }
      NodeId lower = n.index - 1 == 1 ? n.a : binary(Op::kPow, n.a, c(static_cast<double>(n.index - 1)));
      d = binary(Op::kMul, binary(Op::kMul, c(static_cast<double>(n.index)), lower), da);
      break;
    }
    case Op::kExp:
      d = binary(Op::kMul, f, D(n.a));
      break;
    case Op::kLog:
      d = binary(Op::kDiv, D(n.a), n.a);
      break;
    case Op::kSqrt:
      d = binary(Op::kDiv, D(n.a), binary(Op::kMul, c(2.0), f));
      break;
    case Op::kAbs: {
      const NodeId da = D(n.a);
      d = select(binary(Op::kLt, n.a, c(0.0)), unary(Op::kNeg, da), da);
      break;
    }
    case Op::kMin:
      d = select(binary(Op::kLt, n.b, n.a), D(n.b), D(n.a));
      break;
    case Op::kMax:
      d = select(binary(Op::kLt, n.a, n.b), D(n.b), D(n.a));
      break;
    case Op::kSelect:
      d = select(n.a, D(n.b), D(n.c));
      break;
    case Op::kLt: case Op::kLe: case Op::kGt: case Op::kGe: case Op::kEq: case Op::kNe:
    case Op::kAnd: case Op::kOr: case Op::kNot:
      d = c(0.0);
      break;
  }
  memo[f] = d;
  return d;
}

}  // namespace twinsim::pkpd::user
