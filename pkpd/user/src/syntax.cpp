// Lexer and recursive-descent parser of the equation language (syntax.hpp).
#include "twinsim/pkpd/user/syntax.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>

namespace twinsim::pkpd::user {

namespace {

// Deeper trees are refused: recursion over them must stay far from the stack's end.
constexpr int kMaxAstDepth = 500;

enum class Tk { kNumber, kName, kOp, kLParen, kRParen, kComma, kSep, kEnd };

struct Token {
  Tk kind = Tk::kEnd;
  std::string text;
  double value = 0.0;
  std::size_t offset = 0;
};

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }

// Operators after which a line break does not end the statement.
bool continues_line(const Token& t) {
  return t.kind == Tk::kOp || t.kind == Tk::kLParen || t.kind == Tk::kComma;
}

std::vector<Token> lex(const std::string& s, std::vector<SyntaxError>& errors) {
  std::vector<Token> out;
  int depth = 0;
  std::size_t i = 0;
  auto push = [&](Tk k, std::string text, std::size_t at) { out.push_back({k, std::move(text), 0.0, at}); };
  while (i < s.size()) {
    const char c = s[i];
    if (c == '#' || (c == '/' && i + 1 < s.size() && s[i + 1] == '/')) {
      while (i < s.size() && s[i] != '\n') ++i;
      continue;
    }
    if (c == '\n' || c == ';') {
      const bool joined = c == '\n' && (depth > 0 || (!out.empty() && continues_line(out.back())));
      if (!joined && !out.empty() && out.back().kind != Tk::kSep) push(Tk::kSep, c == ';' ? ";" : "end of line", i);
      ++i;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      }
      bool bad = false;
      if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        std::size_t j = i + 1;
        if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
        if (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) {
          i = j;
          while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
        } else {
          bad = true;
          i = j;
        }
      }
      while (i < s.size() && ident_char(s[i])) {  // "2x", "1.5.3", "1e"
        bad = true;
        ++i;
      }
      Token t{Tk::kNumber, s.substr(start, i - start), 0.0, start};
      const auto r = std::from_chars(s.data() + start, s.data() + i, t.value);
      if (bad || r.ec != std::errc() || r.ptr != s.data() + i || !std::isfinite(t.value)) {
        errors.push_back({start, "malformed number '" + t.text + "'"});
        t.value = 0.0;
      }
      out.push_back(std::move(t));
      continue;
    }
    if (ident_start(c)) {
      while (i < s.size() && ident_char(s[i])) ++i;
      push(Tk::kName, s.substr(start, i - start), start);
      continue;
    }
    if (c == '(') {
      ++depth;
      push(Tk::kLParen, "(", i++);
      continue;
    }
    if (c == ')') {
      if (depth > 0) --depth;
      push(Tk::kRParen, ")", i++);
      continue;
    }
    if (c == ',') {
      push(Tk::kComma, ",", i++);
      continue;
    }
    static const char* const two[] = {"**", "<=", ">=", "==", "!=", "&&", "||"};
    bool matched = false;
    for (const char* op : two) {
      if (s.compare(i, 2, op) == 0) {
        push(Tk::kOp, std::string(op) == "**" ? "^" : op, i);
        i += 2;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    if (std::string("+-*/^<>=!&|").find(c) != std::string::npos) {
      std::string op(1, c);
      if (op == "&") op = "&&";
      if (op == "|") op = "||";
      push(Tk::kOp, op, i++);
      continue;
    }
    if (c == '{' || c == '}') {
      errors.push_back({i, "'{ }' blocks are not part of the language: write if (cond) a else b, or ifelse(cond, a, b)"});
    } else {
      const unsigned char u = static_cast<unsigned char>(c);
      std::string shown = u >= 0x20 && u < 0x7f ? std::string(1, c) : "\\x" + std::to_string(u);
      errors.push_back({i, "unexpected character '" + shown + "'"});
    }
    ++i;
  }
  if (!out.empty() && out.back().kind != Tk::kSep) push(Tk::kSep, "end of line", s.size());
  // "if (c) a" on one line and "else b" on the next is one expression.
  std::vector<Token> joined;
  for (std::size_t k = 0; k < out.size(); ++k) {
    if (out[k].kind == Tk::kSep && k + 1 < out.size() && out[k + 1].kind == Tk::kName && out[k + 1].text == "else")
      continue;
    joined.push_back(std::move(out[k]));
  }
  joined.push_back({Tk::kEnd, "end of text", 0.0, s.size()});
  return joined;
}

struct Failure {
  std::size_t offset;
  std::string message;
};

std::string describe(const Token& t) {
  switch (t.kind) {
    case Tk::kSep: return t.text == ";" ? "';'" : "end of line";
    case Tk::kEnd: return "end of text";
    default: return "'" + t.text + "'";
  }
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  const Token& peek(std::size_t k = 0) const { return t_[std::min(pos_ + k, t_.size() - 1)]; }
  bool at_end() const { return peek().kind == Tk::kEnd; }
  const Token& next() {
    const Token& tok = peek();
    if (pos_ + 1 < t_.size()) ++pos_;
    return tok;
  }
  bool is_op(const char* op, std::size_t k = 0) const { return peek(k).kind == Tk::kOp && peek(k).text == op; }
  [[noreturn]] void fail(const Token& at, const std::string& msg) const { throw Failure{at.offset, msg}; }
  void expect(Tk kind, const char* what) {
    if (peek().kind != kind) fail(peek(), std::string("expected ") + what + ", got " + describe(peek()));
    next();
  }
  void skip_statement() {
    while (!at_end() && peek().kind != Tk::kSep) next();
    if (peek().kind == Tk::kSep) next();
  }
  void end_statement() {
    if (peek().kind != Tk::kSep && !at_end())
      fail(peek(), "expected end of line after the expression, got " + describe(peek()));
    if (peek().kind == Tk::kSep) next();
  }

  Statement statement() {
    Statement s;
    const Token& first = peek();
    if (first.kind == Tk::kName && first.text == "d" && is_op("/", 1) && peek(2).kind == Tk::kName &&
        peek(2).text == "dt" && peek(3).kind == Tk::kLParen) {
      for (int k = 0; k < 4; ++k) next();
      if (peek().kind != Tk::kName) fail(peek(), "expected a state name in d/dt(...), got " + describe(peek()));
      s.derivative = true;
      s.target = peek().text;
      s.target_offset = next().offset;
      expect(Tk::kRParen, "')'");
    } else if (first.kind == Tk::kName) {
      s.target = first.text;
      s.target_offset = next().offset;
      if (peek().kind == Tk::kLParen)
        fail(peek(), "expected '=' after '" + s.target +
                         "'; initial values go in 'states', derivatives are written d/dt(STATE) = ...");
    } else {
      fail(first, "expected 'NAME = expression' or 'd/dt(STATE) = expression', got " + describe(first));
    }
    if (is_op("<") && is_op("-", 1) && peek(1).offset == peek().offset + 1) {
      next();
      next();
    } else if (is_op("=")) {
      next();
    } else {
      fail(peek(), "expected '=' after '" + s.target + "', got " + describe(peek()));
    }
    s.expr = expression(0);
    end_statement();
    return s;
  }

  Ast expression(int nesting) {
    if (nesting > kMaxAstDepth) fail(peek(), "expression nested too deeply");
    if (peek().kind == Tk::kName && peek().text == "if" && peek(1).kind == Tk::kLParen) {
      Ast a;
      a.kind = Ast::Kind::kIf;
      a.offset = next().offset;
      next();
      a.args.push_back(expression(nesting + 1));
      expect(Tk::kRParen, "')' after the condition of if");
      a.args.push_back(expression(nesting + 1));
      if (!(peek().kind == Tk::kName && peek().text == "else"))
        fail(peek(), "expected 'else' (an if expression needs both branches), got " + describe(peek()));
      next();
      a.args.push_back(expression(nesting + 1));
      return finish(std::move(a));
    }
    return binary(1, nesting);
  }

 private:
  static Ast finish(Ast a) {
    for (const auto& c : a.args) a.depth = std::max(a.depth, c.depth + 1);
    if (a.depth > kMaxAstDepth) throw Failure{a.offset, "expression too long or nested too deeply"};
    return a;
  }
  static Ast make_binary(Op op, Ast l, Ast r, std::size_t at) {
    Ast a;
    a.kind = Ast::Kind::kBinary;
    a.op = op;
    a.offset = at;
    a.args.push_back(std::move(l));
    a.args.push_back(std::move(r));
    return finish(std::move(a));
  }
  static Op binary_op(const std::string& s, int level) {
    switch (level) {
      case 1: return s == "||" ? Op::kOr : Op::kConst;
      case 2: return s == "&&" ? Op::kAnd : Op::kConst;
      case 4:
        if (s == "<") return Op::kLt;
        if (s == "<=") return Op::kLe;
        if (s == ">") return Op::kGt;
        if (s == ">=") return Op::kGe;
        if (s == "==") return Op::kEq;
        if (s == "!=") return Op::kNe;
        return Op::kConst;
      case 5: return s == "+" ? Op::kAdd : s == "-" ? Op::kSub : Op::kConst;
      case 6: return s == "*" ? Op::kMul : s == "/" ? Op::kDiv : Op::kConst;
      default: return Op::kConst;
    }
  }
  // Levels: 1 ||, 2 &&, 3 !, 4 comparisons, 5 + -, 6 * /, 7 unary -, 8 ^.
  Ast binary(int level, int nesting) {
    if (nesting > kMaxAstDepth) fail(peek(), "expression nested too deeply");
    if (level == 3) {
      if (is_op("!")) {
        Ast a;
        a.kind = Ast::Kind::kUnary;
        a.op = Op::kNot;
        a.offset = next().offset;
        a.args.push_back(binary(3, nesting + 1));
        return finish(std::move(a));
      }
      return binary(4, nesting);
    }
    if (level == 7) return unary(nesting);
    Ast lhs = binary(level + 1, nesting);
    while (peek().kind == Tk::kOp) {
      const Op op = binary_op(peek().text, level);
      if (op == Op::kConst) break;
      const std::size_t at = next().offset;
      Ast rhs = binary(level + 1, nesting + 1);
      lhs = make_binary(op, std::move(lhs), std::move(rhs), at);
      if (level == 4 && peek().kind == Tk::kOp && binary_op(peek().text, 4) != Op::kConst)
        fail(peek(), "comparisons do not chain: write (a < b) && (b < c)");
    }
    return lhs;
  }
  Ast unary(int nesting) {
    if (nesting > kMaxAstDepth) fail(peek(), "expression nested too deeply");
    if (is_op("-") || is_op("+")) {
      const bool minus = peek().text == "-";
      const std::size_t at = next().offset;
      Ast operand = unary(nesting + 1);
      if (!minus) return operand;
      Ast a;
      a.kind = Ast::Kind::kUnary;
      a.op = Op::kNeg;
      a.offset = at;
      a.args.push_back(std::move(operand));
      return finish(std::move(a));
    }
    Ast base = primary(nesting);
    if (is_op("^")) {
      const std::size_t at = next().offset;
      Ast exponent = unary(nesting + 1);  // right-associative; 2^-x allowed
      Ast a;
      a.kind = Ast::Kind::kBinary;
      a.op = Op::kPow;
      a.offset = at;
      a.args.push_back(std::move(base));
      a.args.push_back(std::move(exponent));
      return finish(std::move(a));
    }
    return base;
  }
  Ast primary(int nesting) {
    const Token& tok = peek();
    Ast a;
    a.offset = tok.offset;
    switch (tok.kind) {
      case Tk::kNumber:
        a.kind = Ast::Kind::kNumber;
        a.value = next().value;
        return a;
      case Tk::kLParen: {
        next();
        Ast inner = expression(nesting + 1);
        expect(Tk::kRParen, "')'");
        return inner;
      }
      case Tk::kName:
        if (tok.text == "if") {
          if (peek(1).kind != Tk::kLParen) fail(peek(1), "expected '(' after 'if', got " + describe(peek(1)));
          return expression(nesting + 1);
        }
        if (tok.text == "else") fail(tok, "'else' without 'if'");
        a.name = next().text;
        if (peek().kind != Tk::kLParen) {
          a.kind = Ast::Kind::kName;
          return a;
        }
        a.kind = Ast::Kind::kCall;
        next();
        if (peek().kind != Tk::kRParen) {
          a.args.push_back(expression(nesting + 1));
          while (peek().kind == Tk::kComma) {
            next();
            a.args.push_back(expression(nesting + 1));
          }
        }
        expect(Tk::kRParen, "')' or ','");
        return finish(std::move(a));
      default:
        fail(tok, "expected a number, a name or '(', got " + describe(tok));
    }
  }

  std::vector<Token> t_;
  std::size_t pos_ = 0;
};

}  // namespace

std::vector<Statement> parse_statements(const std::string& text, std::vector<SyntaxError>& errors) {
  const std::size_t lex_errors = errors.size();
  Parser p(lex(text, errors));
  std::vector<Statement> out;
  while (!p.at_end()) {
    if (p.peek().kind == Tk::kSep) {
      p.next();
      continue;
    }
    try {
      out.push_back(p.statement());
    } catch (const Failure& f) {
      // One message per statement: a lexer error at the same place says it already.
      bool known = false;
      for (std::size_t k = lex_errors; k < errors.size(); ++k) known = known || errors[k].offset == f.offset;
      if (!known) errors.push_back({f.offset, f.message});
      p.skip_statement();
    }
  }
  return out;
}

bool parse_expression(const std::string& text, Ast& out, std::vector<SyntaxError>& errors) {
  const std::size_t before = errors.size();
  std::vector<Token> tokens = lex(text, errors);
  // A single expression: line breaks are spaces.
  std::vector<Token> kept;
  for (auto& t : tokens)
    if (t.kind != Tk::kSep || t.text == ";") kept.push_back(std::move(t));
  Parser p(std::move(kept));
  try {
    if (p.at_end()) throw Failure{0, "expected an expression, got nothing"};
    out = p.expression(0);
    if (!p.at_end()) p.fail(p.peek(), "expected the end of the expression, got " + describe(p.peek()));
  } catch (const Failure& f) {
    bool known = false;
    for (std::size_t k = before; k < errors.size(); ++k) known = known || errors[k].offset == f.offset;
    if (!known) errors.push_back({f.offset, f.message});
  }
  return errors.size() == before;
}

}  // namespace twinsim::pkpd::user
