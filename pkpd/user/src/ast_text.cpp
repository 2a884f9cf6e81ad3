// The language's reserved words and functions, and the AST printer.
#include <cctype>
#include <sstream>

#include "twinsim/pkpd/user/syntax.hpp"

namespace twinsim::pkpd::user {

const std::vector<FunctionInfo>& functions() {
  // ifelse is rxode2's and R's spelling of if (c) a else b.
  static const std::vector<FunctionInfo> list = {{"exp", 1}, {"log", 1}, {"sqrt", 1}, {"abs", 1},
                                                 {"pow", 2}, {"min", 2}, {"max", 2}, {"ifelse", 3}};
  return list;
}

bool is_reserved(const std::string& name) {
  if (name == "t" || name == "if" || name == "else") return true;
  for (const auto& f : functions())
    if (name == f.name) return true;
  return false;
}

bool is_identifier(const std::string& name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.')) return false;
  return true;
}

namespace {

int level(const Ast& a) {
  if (a.kind == Ast::Kind::kIf) return 0;
  if (a.kind != Ast::Kind::kUnary && a.kind != Ast::Kind::kBinary) return 9;
  switch (a.op) {
    case Op::kOr: return 1;
    case Op::kAnd: return 2;
    case Op::kNot: return 3;
    case Op::kAdd: case Op::kSub: return 5;
    case Op::kMul: case Op::kDiv: return 6;
    case Op::kNeg: return 7;
    case Op::kPow: return 8;
    default: return 4;
  }
}

std::string wrap(const Ast& a, int min_level) {
  const std::string s = to_string(a);
  return level(a) < min_level ? "(" + s + ")" : s;
}

}  // namespace

std::string to_string(const Ast& a) {
  switch (a.kind) {
    case Ast::Kind::kNumber: {
      std::ostringstream os;
      os.precision(17);
      os << a.value;
      return os.str();
    }
    case Ast::Kind::kName: return a.name;
    case Ast::Kind::kCall: {
      std::string s = a.name + "(";
      for (std::size_t i = 0; i < a.args.size(); ++i) s += (i ? ", " : "") + to_string(a.args[i]);
      return s + ")";
    }
    case Ast::Kind::kIf:
      return "if (" + to_string(a.args[0]) + ") " + wrap(a.args[1], 1) + " else " + wrap(a.args[2], 1);
    case Ast::Kind::kUnary:
      return std::string(op_name(a.op)) + wrap(a.args[0], a.op == Op::kNeg ? 8 : 3);
    case Ast::Kind::kBinary: {
      const int l = level(a);
      // ^ is right-associative, the others left-associative; comparisons do not chain.
      const int left = a.op == Op::kPow ? l + 1 : (l == 4 ? 5 : l);
      const int right = a.op == Op::kPow ? 7 : l + 1;
      return wrap(a.args[0], left) + " " + op_name(a.op) + " " + wrap(a.args[1], right);
    }
  }
  return "?";
}

}  // namespace twinsim::pkpd::user
