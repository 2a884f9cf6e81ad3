// [unit] The equation language: precedence as in R, every construct, syntax errors.
#include <catch2/catch.hpp>

#include <cmath>

#include "twinsim/pkpd/user/syntax.hpp"

using namespace twinsim::pkpd::user;

namespace {

std::string read(const std::string& text) {
  Ast a;
  std::vector<SyntaxError> errors;
  const bool ok = parse_expression(text, a, errors);
  std::string msg;
  for (const auto& e : errors) msg += std::to_string(e.offset) + ": " + e.message + "\n";
  INFO(text << "\n" << msg);
  REQUIRE(ok);
  return to_string(a);
}

std::string first_error(const std::string& text, bool statements = false) {
  std::vector<SyntaxError> errors;
  if (statements) {
    (void)parse_statements(text, errors);
  } else {
    Ast a;
    (void)parse_expression(text, a, errors);
  }
  REQUIRE(!errors.empty());
  return std::to_string(errors[0].offset) + ": " + errors[0].message;
}

}  // namespace

TEST_CASE("user models: operator precedence follows R", "[unit]") {
  CHECK(read("-x^2") == "-x ^ 2");            // -(x^2)
  CHECK(read("(-x)^2") == "(-x) ^ 2");
  CHECK(read("a^b^c") == "a ^ b ^ c");        // right-associative: a^(b^c)
  CHECK(read("(a^b)^c") == "(a ^ b) ^ c");
  CHECK(read("2^-1") == "2 ^ -1");
  CHECK(read("a - b - c") == "a - b - c");
  CHECK(read("a - (b - c)") == "a - (b - c)");
  CHECK(read("a / b * c") == "a / b * c");
  CHECK(read("a / (b * c)") == "a / (b * c)");
  CHECK(read("a + b * c ^ d") == "a + b * c ^ d");
  CHECK(read("-a * b") == "-a * b");
  CHECK(read("a < b + 1 && !c || d") == "a < b + 1 && !c || d");
  CHECK(read("!a == b") == "!a == b");  // R: !(a == b)
  CHECK(read("a ** 2") == "a ^ 2");
  CHECK(read("a & b | c") == "a && b || c");
}

TEST_CASE("user models: the parse tree has R's shape", "[unit]") {
  Ast a;
  std::vector<SyntaxError> errors;
  REQUIRE(parse_expression("-x^2", a, errors));
  CHECK(a.kind == Ast::Kind::kUnary);
  CHECK(a.op == Op::kNeg);
  CHECK(a.args[0].op == Op::kPow);
  REQUIRE(parse_expression("!a == b", a, errors));
  CHECK(a.op == Op::kNot);
  CHECK(a.args[0].op == Op::kEq);
  REQUIRE(parse_expression("a^b^c", a, errors));
  CHECK(a.args[1].op == Op::kPow);
  REQUIRE(parse_expression("1 + if (x > 0) a else b + 2", a, errors));
  CHECK(a.op == Op::kAdd);
  CHECK(a.args[1].kind == Ast::Kind::kIf);
  CHECK(a.args[1].args[2].op == Op::kAdd);  // the else branch takes the rest
}

TEST_CASE("user models: numbers, calls, if and ifelse", "[unit]") {
  Ast a;
  std::vector<SyntaxError> errors;
  for (const auto& [text, value] : std::vector<std::pair<std::string, double>>{
           {"1e-3", 1e-3}, {"2.5E+2", 250.0}, {".5", 0.5}, {"7.", 7.0}, {"0.1", 0.1}}) {
    REQUIRE(parse_expression(text, a, errors));
    CHECK(a.kind == Ast::Kind::kNumber);
    CHECK(a.value == value);
  }
  CHECK(read("pow(a, 2) + exp(-k * t)") == "pow(a, 2) + exp(-k * t)");
  CHECK(read("if (t < 24) 1 else 0") == "if (t < 24) 1 else 0");
  CHECK(read("ifelse(t < 24, 1, 0)") == "ifelse(t < 24, 1, 0)");
  CHECK(read("max(0, min(1, x))") == "max(0, min(1, x))");
}

TEST_CASE("user models: statements, comments, continuation lines", "[unit]") {
  std::vector<SyntaxError> errors;
  const auto s = parse_statements(
      "# a comment\n"
      "Cc = CENT / V1   # trailing\n"
      "k <- 4 / MTT; z = 1 // C++ style\n"
      "d/dt(CENT) = -k *\n"
      "   CENT + (1 +\n"
      "   2)\n"
      "e = if (t > 1) 1\n"
      "    else 2\n",
      errors);
  REQUIRE(errors.empty());
  REQUIRE(s.size() == 5);
  CHECK(s[0].target == "Cc");
  CHECK(s[1].target == "k");
  CHECK(s[2].target == "z");
  CHECK(s[3].derivative);
  CHECK(s[3].target == "CENT");
  CHECK(to_string(s[3].expr) == "-k * CENT + (1 + 2)");
  CHECK(to_string(s[4].expr) == "if (t > 1) 1 else 2");
}

TEST_CASE("user models: syntax errors say where and what", "[unit]") {
  CHECK(first_error("a +") == "3: expected a number, a name or '(', got end of text");
  CHECK(first_error("(a + b") == "6: expected ')', got end of text");
  CHECK(first_error("1e") == "0: malformed number '1e'");
  CHECK(first_error("2x") == "0: malformed number '2x'");
  CHECK(first_error("a < b < c") == "6: comparisons do not chain: write (a < b) && (b < c)");
  CHECK(first_error("if (a) b") == "8: expected 'else' (an if expression needs both branches), got end of text");
  CHECK(first_error("a $ b") == "2: unexpected character '$'");
  CHECK(first_error("x = 1\n= 2\ny 3\n", true) ==
        "6: expected 'NAME = expression' or 'd/dt(STATE) = expression', got '='");
  CHECK(first_error("x = {1}", true).find("'{ }' blocks are not part of the language") != std::string::npos);
  CHECK(first_error("A(0) = 1", true) ==
        "1: expected '=' after 'A'; initial values go in 'states', derivatives are written d/dt(STATE) = ...");
  std::vector<SyntaxError> errors;
  (void)parse_statements("x = (\ny = 1 +\nz = 2 2\n", errors);
  CHECK(errors.size() >= 1);
  std::string deep(2000, '(');
  CHECK(first_error(deep + "1") .find("nested too deeply") != std::string::npos);
  std::string chain = "1";
  for (int i = 0; i < 3000; ++i) chain += " + 1";
  CHECK(first_error(chain).find("too long or nested too deeply") != std::string::npos);
}
