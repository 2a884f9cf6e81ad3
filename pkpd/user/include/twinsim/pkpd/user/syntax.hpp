// The equation language, parsed: statements and expression trees that keep the
// byte offset of every token in the text they came from, so each error can be
// mapped to file:line:col (core::ConfigNode::scalar_mark). No names are
// resolved here; model_resolve.cpp does that.
//
// Grammar (R precedence, lowest first; docs/user-models.md):
//   statement  := NAME '=' expr | NAME '<-' expr | 'd/dt(' NAME ')' '=' expr
//                 (one per line or ';'-separated; '#' or '//' starts a comment;
//                 a line ending inside parentheses or after an operator goes on)
//   expr       := 'if' '(' expr ')' expr 'else' expr | or
//   or         := and ('||' and)*          ('|' also)
//   and        := not ('&&' not)*          ('&' also)
//   not        := '!' not | cmp
//   cmp        := sum (('<' | '<=' | '>' | '>=' | '==' | '!=') sum)?   (no chains)
//   sum        := product (('+' | '-') product)*
//   product    := unary (('*' | '/') unary)*
//   unary      := ('-' | '+') unary | power
//   power      := primary ('^' unary)?    ('**' also; right-associative, so
//                                          -x^2 = -(x^2) and 2^-1 = 0.5)
//   primary    := NUMBER | NAME | NAME '(' expr (',' expr)* ')' | '(' expr ')'
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "twinsim/pkpd/user/expr.hpp"

namespace twinsim::pkpd::user {

struct Ast {
  enum class Kind { kNumber, kName, kUnary, kBinary, kCall, kIf };
  Kind kind = Kind::kNumber;
  Op op = Op::kConst;        // kUnary (kNeg, kNot) and kBinary
  std::string name;          // kName, kCall (function name)
  double value = 0.0;        // kNumber
  std::vector<Ast> args;     // operands, call arguments, or (cond, then, else)
  std::size_t offset = 0;    // first byte of the token that names this node
  int depth = 1;             // levels of the tree below and including this node
};

struct Statement {
  bool derivative = false;   // d/dt(target) = expr
  std::string target;
  std::size_t target_offset = 0;
  Ast expr;
};

struct SyntaxError {
  std::size_t offset = 0;
  std::string message;
};

// Parses equation text; on an error, records it and goes on at the next
// statement, so one pass reports every syntax error.
std::vector<Statement> parse_statements(const std::string& text, std::vector<SyntaxError>& errors);
// One expression (a state's initial value, an output); false on error.
bool parse_expression(const std::string& text, Ast& out, std::vector<SyntaxError>& errors);

// Fully parenthesised where precedence matters: how the text was read.
std::string to_string(const Ast& a);

// Names the language reserves: t, if, else and the functions.
bool is_reserved(const std::string& name);
bool is_identifier(const std::string& name);
// The functions and their argument counts.
struct FunctionInfo {
  const char* name;
  int args;
};
const std::vector<FunctionInfo>& functions();

}  // namespace twinsim::pkpd::user
