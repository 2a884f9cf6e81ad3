// [reliability] Absurd sizes are refused by validation with the limit named,
// quickly and without attempting them. The small cases live in
// tests/config/cases (19-25); these need inputs too large to commit.
#include <catch2/catch.hpp>

#include <chrono>

#include "reliability_support.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

using namespace twinsim;

namespace {

// The diagnostics of a refused scenario, formatted; empty if it was accepted.
std::vector<std::string> diagnostics(const std::string& text, double& seconds) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> out;
  try {
    (void)trial::load_scenario_text(text, "big.yaml");
  } catch (const core::ScenarioError& e) {
    for (const auto& d : e.diagnostics()) out.push_back(d.format());
  }
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& text) {
  return std::any_of(v.begin(), v.end(), [&](const std::string& s) { return s.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("a 10-million-element dose list is refused by the file-size limit", "[reliability]") {
  std::string text = "name: x\ndose_levels: [1";
  text.reserve(20'000'100);
  for (int i = 1; i < 10'000'000; ++i) text += ",1";
  text += "]\n";
  double seconds = 0;
  const auto d = diagnostics(text, seconds);
  INFO((d.empty() ? std::string("accepted") : d.front()));
  CHECK(d.size() == 1);
  CHECK(contains(d, "big.yaml: error: file is " + std::to_string(text.size()) + " bytes; the limit is 16777216"));
  CHECK(seconds < 5);
}

TEST_CASE("a billion-laughs alias bomb is refused before it is expanded", "[reliability]") {
  std::string text = "name: x\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  std::string prev = "a";
  for (const char* n : {"b", "c", "d", "e", "f", "g", "h", "i", "j"}) {  // 10^10 nodes expanded
    text += std::string(n) + ": &" + n + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", *" : "*") + prev;
    text += "]\n";
    prev = n;
  }
  double seconds = 0;
  const auto d = diagnostics(text, seconds);
  REQUIRE(d.size() == 1);
  CHECK(d[0].find("document too large: more than 2000000 nodes after alias expansion") != std::string::npos);
  CHECK(seconds < 1);  // counted from parser events, never built
}

TEST_CASE("maps with many keys are checked in linear time", "[reliability]") {
  // Duplicate and unknown keys used to be found by a linear scan per key:
  // 80 000 keys took 156 s. Compared by ratio so that a loaded or sanitized
  // machine does not matter: 4x the keys costs ~4x if linear, 16x if not.
  auto keys = [](int n) {
    std::string text = "name: x\n";
    for (int i = 0; i < n; ++i) text += "k" + std::to_string(i) + ": 1\n";
    return text;
  };
  double t_small = 0, t_large = 0;
  const auto small = diagnostics(keys(10'000), t_small);
  const auto large = diagnostics(keys(40'000), t_large);
  INFO("10 000 keys: " << t_small << " s, 40 000 keys: " << t_large << " s");
  CHECK(contains(large, "big.yaml:40001:1: error: k39999: unknown key 'k39999'"));
  CHECK(large.size() > small.size());
  CHECK(t_large < 10 * t_small + 1.0);
  double t = 0;
  const auto duplicate = diagnostics(keys(40'000) + "k77: 2\n", t);
  CHECK(contains(duplicate, "big.yaml:40002:1: error: k77: duplicate key (first given at line 79)"));
}

TEST_CASE("binary input with NUL bytes or invalid UTF-8 is refused as text, not parsed", "[reliability]") {
  double seconds = 0;
  const auto nul = diagnostics(std::string("name: x\0\x01\x02garbage\n", 18), seconds);
  CHECK(contains(nul, "big.yaml: error: file contains NUL bytes: not a YAML text file"));
  // Bytes that are not UTF-8 and not YAML: a typed diagnostic, nothing else.
  const auto junk = diagnostics("\xff\xfe\x80\x81 \x9c: [\xc3\x28", seconds);
  CHECK_FALSE(junk.empty());
}
