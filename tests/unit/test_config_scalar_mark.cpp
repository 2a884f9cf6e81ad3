// ConfigNode::scalar_mark: a byte of a scalar's value maps to its line and
// column in the YAML text, for every scalar style an equation block is written in.
#include <catch2/catch.hpp>

#include <string>

#include "twinsim/core/config.hpp"

using namespace twinsim::core;

namespace {

// "line:col" of the first occurrence of `needle` in the node's value.
std::string where(const ConfigNode& n, const std::string& needle) {
  const auto off = n.scalar().find(needle);
  REQUIRE(off != std::string::npos);
  const SourceMark m = n.scalar_mark(off);
  return std::to_string(m.line) + ":" + std::to_string(m.column);
}

}  // namespace

TEST_CASE("scalar_mark: literal block, kept and stripped", "[unit]") {
  const std::string text =
      "model:\n"
      "  eq: |\n"
      "    a = 1   # one\n"
      "\n"
      "      b = a * 2\n"
      "  eq2: |-  # comment\n"
      "     x = y\n"
      "     z = w\n"
      "  eq3: |2\n"
      "     q = 1\n";
  const auto doc = ConfigNode::load_string(text, "b.yaml");
  const auto eq = doc.get("model").get("eq");
  CHECK(where(eq, "a =") == "3:5");
  CHECK(where(eq, "1") == "3:9");
  CHECK(where(eq, "one") == "3:15");
  CHECK(where(eq, "b =") == "5:7");
  CHECK(where(eq, "* 2") == "5:13");
  const auto eq2 = doc.get("model").get("eq2");
  CHECK(where(eq2, "y") == "7:10");
  CHECK(where(eq2, "w") == "8:10");
  CHECK(where(doc.get("model").get("eq3"), "q") == "10:6");
  // Past the end: just after the last byte.
  const SourceMark end = eq2.scalar_mark(eq2.scalar().size());
  CHECK(end.line == 8);
  CHECK(end.column == 11);
}

TEST_CASE("scalar_mark: folded block", "[unit]") {
  const auto doc = ConfigNode::load_string("e: >-\n  a +\n  b\n\n  c\n", "f.yaml");
  const auto e = doc.get("e");
  REQUIRE(e.scalar() == "a + b\nc");
  CHECK(where(e, "a") == "2:3");
  CHECK(where(e, "b") == "3:3");
  CHECK(where(e, "c") == "5:3");
}

TEST_CASE("scalar_mark: quoted strings with escapes and folding", "[unit]") {
  const std::string text =
      "a: \"x = y\\t+ zz\"\n"
      "b: 'it''s = qq'\n"
      "c: \"one\n"
      "    two\"\n"
      "d: &anchor !!str \"kk\"\n"
      "e:   plain  text\n"
      "f: plain\n"
      "   more words\n"
      "g: \"\\u00e9 = rr\"\n";
  const auto doc = ConfigNode::load_string(text, "q.yaml");
  CHECK(where(doc.get("a"), "x") == "1:5");
  CHECK(where(doc.get("a"), "y") == "1:9");
  CHECK(where(doc.get("a"), "+") == "1:12");
  CHECK(where(doc.get("a"), "zz") == "1:14");
  CHECK(where(doc.get("b"), "s =") == "2:9");
  CHECK(where(doc.get("b"), "qq") == "2:13");
  CHECK(where(doc.get("c"), "two") == "4:5");
  CHECK(where(doc.get("d"), "kk") == "5:19");
  CHECK(where(doc.get("e"), "text") == "6:13");
  CHECK(where(doc.get("f"), "more") == "8:4");
  CHECK(where(doc.get("f"), "words") == "8:9");
  CHECK(where(doc.get("g"), "rr") == "9:14");
}

TEST_CASE("scalar_mark: sequences, flow maps and overrides keep positions", "[unit]") {
  const auto doc = ConfigNode::load_string("m: {o: \"k * 2\", p: [q + r]}\n", "s.yaml");
  CHECK(where(doc.get("m").get("o"), "2") == "1:13");
  CHECK(where(doc.get("m").get("p").at(0), "r") == "1:25");
  Diagnostics diag;
  const auto value = ConfigNode::load_string("|\n  first\n  second w\n", "v.yaml");
  const auto edited = doc.with_override("m.o", value, SourceMark{"s.yaml", 1, 1}, "", diag);
  REQUIRE(diag.empty());
  const auto o = edited.get("m").get("o");
  CHECK(o.scalar_mark(o.scalar().find('w')).file == "v.yaml");
  CHECK(where(o, "w") == "3:10");
}
