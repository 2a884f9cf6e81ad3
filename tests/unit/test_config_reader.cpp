#include <catch2/catch.hpp>

#include "twinsim/core/config.hpp"

using namespace twinsim::core;

TEST_CASE("closest_match suggests near misses only", "[unit]") {
  CHECK(closest_match("replicate", {"replicates", "seed", "name"}) == "replicates");
  CHECK(closest_match("Cl", {"CL", "V1"}) == "CL");
  CHECK(closest_match("colour", {"replicates", "seed", "name"}).empty());
}

TEST_CASE("numbers are parsed strictly", "[unit]") {
  const auto doc = ConfigNode::load_string("a: 1.5e2\nb: 0x10\nc: '12'\nd: .inf\ne: 3\nf: 2.5\ng: 1_000\n", "t.yaml");
  Diagnostics diag;
  CHECK(read_double(doc.get("a"), diag).value() == 150.0);
  CHECK_FALSE(read_double(doc.get("b"), diag).has_value());
  CHECK_FALSE(read_double(doc.get("c"), diag).has_value());  // quoted: a string
  CHECK_FALSE(read_double(doc.get("d"), diag).has_value());
  CHECK(read_int(doc.get("e"), diag).value() == 3);
  CHECK_FALSE(read_int(doc.get("f"), diag).has_value());
  CHECK(read_double(doc.get("g"), diag).value() == 1000.0);
  CHECK(diag.size() == 4);
}

TEST_CASE("positions and key paths point at the value", "[unit]") {
  const auto doc = ConfigNode::load_string("top:\n  list: [10, 20, x]\n", "p.yaml");
  const auto item = doc.get("top").get("list").at(2);
  CHECK(item.path() == "top.list[2]");
  CHECK(item.mark().line == 2);
  CHECK(item.mark().column == 18);
  Diagnostics diag;
  CHECK_FALSE(read_double_list(doc.get("top").get("list"), diag).has_value());
  REQUIRE(diag.size() == 1);
  CHECK(diag.items()[0].format() == "p.yaml:2:18: error: top.list[2]: expected a finite number, got 'x'");
}

TEST_CASE("MapReader reports unknown and missing keys", "[unit]") {
  const auto doc = ConfigNode::load_string("alpha: 1\nbetta: 2\n", "m.yaml");
  Diagnostics diag;
  MapReader r(doc, diag);
  CHECK(r.required_double("alpha").value() == 1.0);
  CHECK(r.optional_double("beta", 7.0) == 7.0);
  CHECK_FALSE(r.required_double("gamma").has_value());
  r.finish();
  REQUIRE(diag.size() == 2);
  CHECK(diag.items()[0].format() == "m.yaml:1:1: error: gamma: required key is missing");
  CHECK(diag.items()[1].format() == "m.yaml:2:1: error: betta: unknown key 'betta' (did you mean 'beta'?)");
}

TEST_CASE("limits reject deep nesting, alias bombs and oversized files", "[unit]") {
  std::string deep = "a: ";
  for (int i = 0; i < 100; ++i) deep += "[";
  for (int i = 0; i < 100; ++i) deep += "]";
  CHECK_THROWS_AS(ConfigNode::load_string(deep, "deep.yaml"), ScenarioError);

  // Nine levels of aliases, each ten times the previous: 10^9 nodes if expanded.
  std::string bomb = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 9; ++i) {
    const std::string p = "*l" + std::to_string(i - 1);
    bomb += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [" + p;
    for (int k = 1; k < 10; ++k) bomb += ", " + p;
    bomb += "]\n";
  }
  CHECK_THROWS_AS(ConfigNode::load_string(bomb, "bomb.yaml"), ScenarioError);

  ConfigLimits small;
  small.max_bytes = 10;
  CHECK_THROWS_AS(ConfigNode::load_string("name: longer than ten bytes", "big.yaml", small), ScenarioError);
  CHECK_THROWS_AS(ConfigNode::load_string(std::string("a: b\0c", 6), "nul.yaml"), ScenarioError);
}
