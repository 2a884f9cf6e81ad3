// Lowering a DAG to instruction lists, and the interpreter that runs them.
#include <utility>

#include "ops.hpp"
#include "program.hpp"

namespace twinsim::pkpd::user {

Function lower_function(const ExprPool& pool, const std::vector<NodeId>& results,
                        const std::vector<std::uint8_t>& arrays, const std::vector<std::int32_t>& slots,
                        const std::size_t clear[2]) {
  Function f;
  f.clear[0] = clear[0];
  f.clear[1] = clear[1];
  // Post-order over the needed nodes without recursion (the DAG may be deep).
  std::vector<char> state(pool.size(), 0);  // 0 new, 1 open, 2 emitted
  std::vector<std::pair<NodeId, int>> stack;
  for (const NodeId root : results) {
    stack.push_back({root, 0});
    while (!stack.empty()) {
      auto& [id, next_child] = stack.back();
      const Node& n = pool.node(id);
      if (state[static_cast<std::size_t>(id)] == 2) {
        stack.pop_back();
        continue;
      }
      state[static_cast<std::size_t>(id)] = 1;
      const NodeId kids[3] = {n.a, n.b, n.c};
      if (next_child < arity(n.op)) {
        const NodeId kid = kids[next_child++];
        if (state[static_cast<std::size_t>(kid)] != 2) stack.push_back({kid, 0});
        continue;
      }
      state[static_cast<std::size_t>(id)] = 2;
      stack.pop_back();
      if (n.op == Op::kConst) continue;  // preloaded
      Instr in;
      in.op = n.op;
      in.dst = id;
      in.a = n.a;
      in.b = n.b;
      in.c = n.c;
      in.index = n.index;
      f.code.push_back(in);
    }
  }
  for (std::size_t k = 0; k < results.size(); ++k) f.stores.push_back({slots[k], results[k], arrays[k]});
  return f;
}

void run(const Function& f, double t, const double* y, const double* p, const double* u, double* r, double* out0,
         double* out1) {
  for (const Instr& in : f.code) {
    double v;
    switch (in.op) {
      case Op::kTime: v = t; break;
      case Op::kParam: v = p[in.index]; break;
      case Op::kState: v = y[in.index]; break;
      case Op::kInput: v = u[in.index]; break;
      default: v = ops::apply(in.op, r[in.a], in.b >= 0 ? r[in.b] : 0.0, in.c >= 0 ? r[in.c] : 0.0, in.index);
    }
    r[in.dst] = v;
  }
  double* out[2] = {out0, out1};
  for (int k = 0; k < 2; ++k)
    if (out[k])
      for (std::size_t i = 0; i < f.clear[k]; ++i) out[k][i] = 0.0;
  for (const Store& s : f.stores)
    if (out[s.array]) out[s.array][s.slot] = r[s.reg];
}

}  // namespace twinsim::pkpd::user
