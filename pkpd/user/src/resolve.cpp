#include "resolve.hpp"

#include <algorithm>
#include <functional>
#include <set>

namespace twinsim::pkpd::user {

namespace {

void collect_names(const Ast& a, std::vector<std::string>& out) {
  if (a.kind == Ast::Kind::kName) out.push_back(a.name);
  for (const auto& c : a.args) collect_names(c, out);
}

const char* kind_word(int k) {
  static const char* const words[] = {"a parameter", "a state", "an input", "assigned"};
  return words[k];
}

}  // namespace

Resolver::Resolver(UserModelSpec& spec, core::Diagnostics& diag, int max_depth)
    : spec_(spec), diag_(diag), max_depth_(max_depth) {
  for (std::size_t i = 0; i < spec.parameters.size(); ++i)
    symbols_.emplace(spec.parameters[i].name, Symbol{Kind::kParam, static_cast<int>(i), spec.pool.param(static_cast<int>(i)), 0});
  for (std::size_t i = 0; i < spec.states.size(); ++i)
    symbols_.emplace(spec.states[i].name, Symbol{Kind::kState, static_cast<int>(i), spec.pool.state(static_cast<int>(i)), 0});
  for (std::size_t i = 0; i < spec.inputs.size(); ++i)
    symbols_.emplace(spec.inputs[i], Symbol{Kind::kInput, static_cast<int>(i), spec.pool.input(static_cast<int>(i)), 0});
  derivative_line_.assign(spec.states.size(), 0);
  spec.rhs.assign(spec.states.size(), spec.pool.constant(0.0));
}

void Resolver::error(const core::ConfigNode& src, std::size_t offset, const std::string& message) {
  diag_.error(src.scalar_mark(offset), src.path(), message);
}

std::string Resolver::suggestion(const std::string& word, Scope scope) const {
  std::vector<std::string> names;
  for (const auto& [n, s] : symbols_) {
    if (scope == Scope::kInitial && s.kind != Kind::kParam) continue;
    names.push_back(n);
  }
  if (scope != Scope::kInitial) {
    for (const auto& [n, at] : assigned_at_) names.push_back(n);
    names.push_back("t");
  }
  for (const auto& f : functions()) names.push_back(f.name);
  const std::string hint = core::closest_match(word, names);
  return hint.empty() ? "" : " (did you mean '" + hint + "'?)";
}

NodeId Resolver::checked_depth(NodeId id, const core::ConfigNode& src, std::size_t offset) {
  const int depth = spec_.pool.node(id).depth;
  if (depth > max_depth_) {
    error(src, offset, "expression too deep once assignments are substituted (" + std::to_string(depth) +
                           " nested operations; the limit is " + std::to_string(max_depth_) + ")");
    return spec_.pool.constant(0.0);
  }
  return id;
}

std::vector<std::string> Resolver::cycle(std::size_t at, std::size_t later) const {
  // Depth-first over "statement reads name assigned by statement" edges from
  // `later`, looking for `at`; statements are few, so no cleverness needed.
  std::vector<std::string> path{targets_[later]};
  std::set<std::size_t> seen;
  std::function<bool(std::size_t)> walk = [&](std::size_t s) {
    if (s == at) return true;
    if (!seen.insert(s).second) return false;
    for (const auto& r : reads_[s]) {
      const auto it = assigned_at_.find(r);
      if (it == assigned_at_.end()) continue;
      path.push_back(r);
      if (walk(it->second)) return true;
      path.pop_back();
    }
    return false;
  };
  if (!walk(later)) return {};
  return path;
}

NodeId Resolver::name(const Ast& a, const core::ConfigNode& src, Scope scope) {
  auto& pool = spec_.pool;
  if (a.name == "t") {
    if (scope == Scope::kInitial) {
      error(src, a.offset, "an initial value may use only parameters, not the time t");
      return pool.constant(0.0);
    }
    return pool.time();
  }
  const auto it = symbols_.find(a.name);
  if (it != symbols_.end()) {
    if (scope == Scope::kInitial && it->second.kind != Kind::kParam) {
      error(src, a.offset, "an initial value may use only parameters; '" + a.name + "' is " +
                               kind_word(static_cast<int>(it->second.kind)));
      return pool.constant(0.0);
    }
    return it->second.node;
  }
  const auto later = assigned_at_.find(a.name);
  if (later != assigned_at_.end()) {
    if (scope == Scope::kInitial) {
      error(src, a.offset, "an initial value may use only parameters; '" + a.name + "' is assigned in equations");
    } else if (scope == Scope::kEquation && later->second == current_) {
      error(src, a.offset, "'" + a.name + "' is defined in terms of itself");
    } else if (scope == Scope::kEquation && later->second > current_) {
      const auto loop = cycle(current_, later->second);
      if (!loop.empty()) {
        std::string chain = targets_[current_];
        for (const auto& n : loop) chain += " -> " + n;
        error(src, a.offset, "assignment cycle: " + chain);
      } else {
        error(src, a.offset, "'" + a.name + "' is used before it is assigned; assignments are evaluated in order");
      }
    }
    // Otherwise its own assignment failed, and that error is reported there.
    return pool.constant(0.0);
  }
  error(src, a.offset, "unknown name '" + a.name + "'" + suggestion(a.name, scope));
  return pool.constant(0.0);
}

NodeId Resolver::call(const Ast& a, const core::ConfigNode& src, Scope scope) {
  auto& pool = spec_.pool;
  const auto f = std::find_if(functions().begin(), functions().end(),
                              [&](const FunctionInfo& fi) { return a.name == fi.name; });
  if (f == functions().end()) {
    const bool is_value = symbols_.count(a.name) || assigned_at_.count(a.name) || a.name == "t";
    error(src, a.offset, is_value ? "'" + a.name + "' is not a function"
                                  : "unknown function '" + a.name + "'" + suggestion(a.name, scope));
    return pool.constant(0.0);
  }
  if (static_cast<int>(a.args.size()) != f->args) {
    error(src, a.offset, "'" + a.name + "' takes " + std::to_string(f->args) + " argument" +
                             (f->args == 1 ? "" : "s") + ", got " + std::to_string(a.args.size()));
    return pool.constant(0.0);
  }
  std::vector<NodeId> x;
  for (const auto& arg : a.args) x.push_back(lower(arg, src, scope));
  const std::string& n = a.name;
  if (n == "exp") return pool.unary(Op::kExp, x[0]);
  if (n == "log") return pool.unary(Op::kLog, x[0]);
  if (n == "sqrt") return pool.unary(Op::kSqrt, x[0]);
  if (n == "abs") return pool.unary(Op::kAbs, x[0]);
  if (n == "pow") return pool.binary(Op::kPow, x[0], x[1]);
  if (n == "min") return pool.binary(Op::kMin, x[0], x[1]);
  if (n == "max") return pool.binary(Op::kMax, x[0], x[1]);
  return pool.select(x[0], x[1], x[2]);  // ifelse
}

NodeId Resolver::lower(const Ast& a, const core::ConfigNode& src, Scope scope) {
  auto& pool = spec_.pool;
  switch (a.kind) {
    case Ast::Kind::kNumber: return pool.constant(a.value);
    case Ast::Kind::kName: return name(a, src, scope);
    case Ast::Kind::kCall: return call(a, src, scope);
    case Ast::Kind::kIf: {
      const NodeId c = lower(a.args[0], src, scope);
      const NodeId x = lower(a.args[1], src, scope);
      const NodeId y = lower(a.args[2], src, scope);
      return pool.select(c, x, y);
    }
    case Ast::Kind::kUnary: return pool.unary(a.op, lower(a.args[0], src, scope));
    case Ast::Kind::kBinary: {
      const NodeId x = lower(a.args[0], src, scope);
      const NodeId y = lower(a.args[1], src, scope);
      return pool.binary(a.op, x, y);
    }
  }
  return pool.constant(0.0);
}

void Resolver::equations(const core::ConfigNode& node, const std::vector<Statement>& statements) {
  // First pass: who is assigned where, and what each statement reads, so that a
  // forward reference can be told apart from a typo and a cycle named.
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const Statement& s = statements[i];
    targets_.push_back(s.derivative ? "" : s.target);
    reads_.emplace_back();
    collect_names(s.expr, reads_.back());
    if (!s.derivative && !symbols_.count(s.target) && !is_reserved(s.target)) assigned_at_.emplace(s.target, i);
  }
  for (std::size_t i = 0; i < statements.size(); ++i) {
    current_ = i;
    const Statement& s = statements[i];
    const int line = node.scalar_mark(s.target_offset).line;
    spec_.equations.push_back((s.derivative ? "d/dt(" + s.target + ")" : s.target) + " = " + to_string(s.expr));
    if (s.derivative) {
      const auto it = symbols_.find(s.target);
      NodeId value = checked_depth(lower(s.expr, node, Scope::kEquation), node, s.target_offset);
      if (it == symbols_.end() || it->second.kind != Kind::kState) {
        std::vector<std::string> states = spec_.state_names();
        const std::string hint = core::closest_match(s.target, states);
        error(node, s.target_offset, "d/dt(" + s.target + "): '" + s.target + "' is not a state" +
                                         (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
        continue;
      }
      const auto k = static_cast<std::size_t>(it->second.index);
      if (derivative_line_[k] != 0) {
        error(node, s.target_offset, "d/dt(" + s.target + ") is given twice (first at line " +
                                         std::to_string(derivative_line_[k]) + ")");
        continue;
      }
      derivative_line_[k] = line;
      spec_.rhs[k] = value;
      continue;
    }
    // Assignment.
    const auto it = symbols_.find(s.target);
    if (is_reserved(s.target)) {
      error(node, s.target_offset, "'" + s.target + "' is a reserved name (t, if, else and the functions)");
      continue;
    }
    if (it != symbols_.end()) {
      switch (it->second.kind) {
        case Kind::kParam:
          error(node, s.target_offset, "cannot assign to parameter '" + s.target +
                                           "': give the derived value a new name (e.g. " + s.target + "i = ...)");
          break;
        case Kind::kState:
          error(node, s.target_offset,
                "cannot assign to state '" + s.target + "': its equation is d/dt(" + s.target + ") = ...");
          break;
        case Kind::kInput:
          error(node, s.target_offset, "cannot assign to input '" + s.target + "': the PK model supplies it");
          break;
        case Kind::kLocal:
          error(node, s.target_offset, "'" + s.target + "' is assigned twice (first at line " +
                                           std::to_string(it->second.line) + "); each name is assigned once");
          break;
      }
      continue;
    }
    const NodeId value = checked_depth(lower(s.expr, node, Scope::kEquation), node, s.target_offset);
    symbols_.emplace(s.target, Symbol{Kind::kLocal, 0, value, line});
  }
}

void Resolver::check_every_state_has_equation(const core::ConfigNode& states) {
  for (std::size_t k = 0; k < spec_.states.size(); ++k) {
    if (derivative_line_[k] != 0) continue;
    const auto& n = spec_.states[k].name;
    const core::ConfigNode entry = states.get(n);
    diag_.error(entry.key_mark(), entry.path(),
                "state '" + n + "' has no equation: add d/dt(" + n + ") = ... to equations");
  }
}

NodeId Resolver::initial(const core::ConfigNode& node, const Ast& ast) {
  current_ = targets_.size();
  return checked_depth(lower(ast, node, Scope::kInitial), node, ast.offset);
}

NodeId Resolver::output(const core::ConfigNode& node, const Ast& ast) {
  current_ = targets_.size();
  return checked_depth(lower(ast, node, Scope::kOutput), node, ast.offset);
}

}  // namespace twinsim::pkpd::user
