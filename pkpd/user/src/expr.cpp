// Pool construction with folding, and the printer.
#include "twinsim/pkpd/user/expr.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>

#include "ops.hpp"

namespace twinsim::pkpd::user {

namespace {

std::uint64_t bits(double v) {
  std::uint64_t u = 0;
  std::memcpy(&u, &v, sizeof u);
  return u;
}

bool is_leaf(Op op) { return arity(op) == 0; }

}  // namespace

int arity(Op op) {
  switch (op) {
    case Op::kConst: case Op::kTime: case Op::kParam: case Op::kState: case Op::kInput: return 0;
    case Op::kNeg: case Op::kPowi: case Op::kExp: case Op::kLog: case Op::kSqrt: case Op::kAbs: case Op::kNot:
      return 1;
    case Op::kSelect: return 3;
    default: return 2;
  }
}

const char* op_name(Op op) {
  switch (op) {
    case Op::kConst: return "const";
    case Op::kTime: return "t";
    case Op::kParam: return "param";
    case Op::kState: return "state";
    case Op::kInput: return "input";
    case Op::kNeg: return "-";
    case Op::kAdd: return "+";
    case Op::kSub: return "-";
    case Op::kMul: return "*";
    case Op::kDiv: return "/";
    case Op::kPow: return "^";
    case Op::kPowi: return "^";
    case Op::kExp: return "exp";
    case Op::kLog: return "log";
    case Op::kSqrt: return "sqrt";
    case Op::kAbs: return "abs";
    case Op::kMin: return "min";
    case Op::kMax: return "max";
    case Op::kLt: return "<";
    case Op::kLe: return "<=";
    case Op::kGt: return ">";
    case Op::kGe: return ">=";
    case Op::kEq: return "==";
    case Op::kNe: return "!=";
    case Op::kAnd: return "&&";
    case Op::kOr: return "||";
    case Op::kNot: return "!";
    case Op::kSelect: return "if";
  }
  return "?";
}

std::size_t ExprPool::KeyHash::operator()(const Node& n) const {
  std::uint64_t h = static_cast<std::uint64_t>(n.op) * 0x9E3779B97F4A7C15ull;
  for (std::uint64_t v : {static_cast<std::uint64_t>(static_cast<std::uint32_t>(n.index)),
                          static_cast<std::uint64_t>(static_cast<std::uint32_t>(n.a)),
                          static_cast<std::uint64_t>(static_cast<std::uint32_t>(n.b)),
                          static_cast<std::uint64_t>(static_cast<std::uint32_t>(n.c)), bits(n.value)})
    h = (h ^ v) * 0x100000001B3ull + (h >> 29);
  return static_cast<std::size_t>(h);
}

bool ExprPool::KeyEq::operator()(const Node& x, const Node& y) const {
  return x.op == y.op && x.index == y.index && x.a == y.a && x.b == y.b && x.c == y.c &&
         bits(x.value) == bits(y.value);
}

NodeId ExprPool::intern(const Node& n) {
  const auto it = index_.find(n);
  if (it != index_.end()) return it->second;
  const auto id = static_cast<NodeId>(nodes_.size());
  Node stored = n;
  for (NodeId child : {n.a, n.b, n.c})
    if (child >= 0) stored.depth = std::max(stored.depth, node(child).depth + 1);
  nodes_.push_back(stored);
  index_.emplace(stored, id);
  return id;
}

bool ExprPool::is_constant(NodeId id, double v) const {
  const Node& n = node(id);
  return n.op == Op::kConst && n.value == v;
}

NodeId ExprPool::constant(double v) {
  Node n;
  n.op = Op::kConst;
  n.value = v;
  return intern(n);
}

NodeId ExprPool::time() {
  Node n;
  n.op = Op::kTime;
  return intern(n);
}

namespace {
Node leaf(Op op, int i) {
  Node n;
  n.op = op;
  n.index = i;
  return n;
}
}  // namespace

NodeId ExprPool::param(int i) { return intern(leaf(Op::kParam, i)); }
NodeId ExprPool::state(int i) { return intern(leaf(Op::kState, i)); }
NodeId ExprPool::input(int i) { return intern(leaf(Op::kInput, i)); }

NodeId ExprPool::unary(Op op, NodeId a) {
  const Node x = node(a);
  if (x.op == Op::kConst && op != Op::kPowi) return constant(ops::apply(op, x.value, 0, 0, 0));
  if (op == Op::kNeg && x.op == Op::kNeg) return x.a;
  Node n;
  n.op = op;
  n.a = a;
  return intern(n);
}

NodeId ExprPool::binary(Op op, NodeId a, NodeId b) {
  const Node x = node(a);
  const Node y = node(b);
  if (x.op == Op::kConst && y.op == Op::kConst) return constant(ops::apply(op, x.value, y.value, 0, 0));
  switch (op) {
    case Op::kAdd:
      if (is_constant(a, 0.0)) return b;
      if (is_constant(b, 0.0)) return a;
      if (y.op == Op::kNeg) return binary(Op::kSub, a, y.a);
      break;
    case Op::kSub:
      if (is_constant(b, 0.0)) return a;
      if (is_constant(a, 0.0)) return unary(Op::kNeg, b);
      if (a == b) return constant(0.0);
      break;
    case Op::kMul:
      // x * 0 = 0 even for infinite x: the rule that keeps Jacobians sparse.
      if (is_constant(a, 0.0) || is_constant(b, 0.0)) return constant(0.0);
      if (is_constant(a, 1.0)) return b;
      if (is_constant(b, 1.0)) return a;
      if (is_constant(a, -1.0)) return unary(Op::kNeg, b);
      if (is_constant(b, -1.0)) return unary(Op::kNeg, a);
      break;
    case Op::kDiv:
      if (is_constant(a, 0.0)) return constant(0.0);
      if (is_constant(b, 1.0)) return a;
      break;
    case Op::kPow:
      if (y.op == Op::kConst) {
        if (y.value == 1.0) return a;
        if (y.value == 0.0) return constant(1.0);
        if (y.value == std::floor(y.value) && std::fabs(y.value) <= 64.0) {
          Node n;
          n.op = Op::kPowi;
          n.a = a;
          n.index = static_cast<int>(y.value);
          return intern(n);
        }
      }
      break;
    case Op::kMin:
    case Op::kMax:
      if (a == b) return a;
      break;
    default:
      break;
  }
  Node n;
  n.op = op;
  n.a = a;
  n.b = b;
  return intern(n);
}

NodeId ExprPool::select(NodeId c, NodeId a, NodeId b) {
  if (node(c).op == Op::kConst) return node(c).value != 0.0 ? a : b;
  if (a == b) return a;
  Node n;
  n.op = Op::kSelect;
  n.a = c;
  n.b = a;
  n.c = b;
  return intern(n);
}

namespace {

int precedence(Op op) {
  switch (op) {
    case Op::kOr: return 1;
    case Op::kAnd: return 2;
    case Op::kNot: return 3;
    case Op::kLt: case Op::kLe: case Op::kGt: case Op::kGe: case Op::kEq: case Op::kNe: return 4;
    case Op::kAdd: case Op::kSub: return 5;
    case Op::kMul: case Op::kDiv: return 6;
    case Op::kNeg: return 7;
    case Op::kPow: case Op::kPowi: return 8;
    default: return 9;
  }
}

}  // namespace

std::string ExprPool::to_string(NodeId id, const std::vector<std::string>& params,
                                const std::vector<std::string>& states,
                                const std::vector<std::string>& inputs) const {
  const Node& n = node(id);
  auto sub = [&](NodeId c, int min_prec) {
    std::string s = to_string(c, params, states, inputs);
    return precedence(node(c).op) < min_prec ? "(" + s + ")" : s;
  };
  auto name = [](const std::vector<std::string>& v, int i) {
    return i >= 0 && static_cast<std::size_t>(i) < v.size() ? v[static_cast<std::size_t>(i)] : "?";
  };
  std::ostringstream os;
  const int p = precedence(n.op);
  switch (n.op) {
    case Op::kConst: {
      os.precision(17);
      os << n.value;
      std::string s = os.str();
      return n.value < 0 ? "(" + s + ")" : s;
    }
    case Op::kTime: return "t";
    case Op::kParam: return name(params, n.index);
    case Op::kState: return name(states, n.index);
    case Op::kInput: return name(inputs, n.index);
    case Op::kNeg: return "-" + sub(n.a, p + 1);
    case Op::kNot: return "!" + sub(n.a, p);
    case Op::kPowi: return sub(n.a, p + 1) + "^" + std::to_string(n.index);
    case Op::kPow: return sub(n.a, p + 1) + "^" + sub(n.b, p);
    case Op::kExp: case Op::kLog: case Op::kSqrt: case Op::kAbs:
      return std::string(op_name(n.op)) + "(" + to_string(n.a, params, states, inputs) + ")";
    case Op::kMin: case Op::kMax:
      return std::string(op_name(n.op)) + "(" + to_string(n.a, params, states, inputs) + ", " +
             to_string(n.b, params, states, inputs) + ")";
    case Op::kSelect:
      return "(if (" + to_string(n.a, params, states, inputs) + ") " + to_string(n.b, params, states, inputs) +
             " else " + to_string(n.c, params, states, inputs) + ")";
    default:
      if (is_leaf(n.op)) return "?";
      // Left-associative binary operators: the right operand needs one level more.
      return sub(n.a, p) + " " + op_name(n.op) + " " + sub(n.b, p + 1);
  }
}

}  // namespace twinsim::pkpd::user
