// Bad-input case files: the first line says which diagnostic the file must
// produce, "# expect: LINE:COL: TEXT" ({dir} stands for the case's folder).
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "twinsim/core/error.hpp"

namespace twinsim::test {

// The full diagnostic line the case must produce: "path:LINE:COL: error: TEXT".
inline std::string expected_diagnostic(const std::string& path) {
  std::ifstream in(path);
  std::string first;
  std::getline(in, first);
  const std::string tag = "# expect: ";
  REQUIRE(first.rfind(tag, 0) == 0);
  std::string rest = first.substr(tag.size());
  const auto at = rest.find("{dir}");
  if (at != std::string::npos) rest.replace(at, 5, std::filesystem::path(path).parent_path().string());
  const auto second_colon = rest.find(':', rest.find(':') + 1);
  return path + ":" + rest.substr(0, second_colon) + ": error:" + rest.substr(second_colon + 1);
}

// Runs `load`, which must throw ScenarioError, and checks that one of its
// diagnostics is exactly the expected one.
template <class Load>
void check_rejected_with(const std::string& path, Load load) {
  const std::string want = expected_diagnostic(path);
  std::vector<std::string> got;
  try {
    load();
    FAIL("input was accepted");
  } catch (const core::ScenarioError& e) {
    for (const auto& d : e.diagnostics()) got.push_back(d.format());
  }
  std::string all;
  for (const auto& g : got) all += g + "\n";
  INFO("diagnostics:\n" << all);
  CHECK(std::find(got.begin(), got.end(), want) != got.end());
}

}  // namespace twinsim::test
