// Expressions of a user model after name resolution: a DAG of numbered nodes
// in one pool. Identical subexpressions are stored once (hash-consing), so the
// right-hand side, the Jacobian and the outputs share their common parts, and
// the code generator and the interpreter each evaluate every node once.
// Construction folds constants and drops neutral terms (x + 0, x * 1, x * 0,
// x ^ 1, if with a constant condition), which keeps derivatives small.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace twinsim::pkpd::user {

enum class Op : std::uint8_t {
  // Leaves. Param/State/Input carry an index; Time is the model time t (h).
  kConst, kTime, kParam, kState, kInput,
  // Arithmetic. kPowi: x ^ n for a constant integer n (|n| <= 64) by repeated
  // multiplication, the same sequence in generated C and in the interpreter.
  kNeg, kAdd, kSub, kMul, kDiv, kPow, kPowi,
  kExp, kLog, kSqrt, kAbs, kMin, kMax,
  // Comparisons and logic give 1.0 or 0.0; any non-zero value is true.
  kLt, kLe, kGt, kGe, kEq, kNe, kAnd, kOr, kNot,
  // c != 0 ? a : b. Both branches are evaluated (they have no side effects).
  kSelect,
};

using NodeId = std::int32_t;

struct Node {
  Op op = Op::kConst;
  std::int32_t index = 0;  // Param/State/Input index; kPowi exponent
  NodeId a = -1, b = -1, c = -1;
  double value = 0.0;  // kConst
  int depth = 1;       // longest path to a leaf (not part of the identity)
};

// Leaf kinds a derivative can be taken with respect to.
enum class Wrt : std::uint8_t { kState, kInput };

class ExprPool {
 public:
  NodeId constant(double v);
  NodeId time();
  NodeId param(int i);
  NodeId state(int i);
  NodeId input(int i);
  NodeId unary(Op op, NodeId a);
  NodeId binary(Op op, NodeId a, NodeId b);
  NodeId select(NodeId c, NodeId a, NodeId b);

  const Node& node(NodeId id) const { return nodes_[static_cast<std::size_t>(id)]; }
  std::size_t size() const { return nodes_.size(); }
  bool is_constant(NodeId id, double v) const;
  bool is_constant(NodeId id) const { return node(id).op == Op::kConst; }

  // d(node)/d(leaf), by the chain rule on the DAG; memo is per (wrt, index).
  // Piecewise nodes differentiate the branch they take (if, min, max, abs);
  // comparisons have derivative 0.
  NodeId derivative(NodeId f, Wrt wrt, int index, std::unordered_map<NodeId, NodeId>& memo);

  // Infix text with names from the tables (for messages and `models --check`).
  std::string to_string(NodeId id, const std::vector<std::string>& params, const std::vector<std::string>& states,
                        const std::vector<std::string>& inputs) const;

 private:
  NodeId intern(const Node& n);
  struct KeyHash {
    std::size_t operator()(const Node& n) const;
  };
  struct KeyEq {
    bool operator()(const Node& x, const Node& y) const;
  };
  std::vector<Node> nodes_;
  std::unordered_map<Node, NodeId, KeyHash, KeyEq> index_;
};

// Operator arity (0 for leaves) and the name used in text and generated code.
int arity(Op op);
const char* op_name(Op op);

}  // namespace twinsim::pkpd::user
