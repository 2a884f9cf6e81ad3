// Code blocks of the documentation, for tests that run them as written: the
// fenced block that follows the line "<!-- test: NAME -->" in a Markdown file
// (the comment does not show when the page is rendered). So a doc example
// cannot drift from what the program does.
#pragma once

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <string>

namespace twinsim::test {

inline std::string doc_block(const std::string& doc_path, const std::string& name) {
  std::ifstream in(doc_path);
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string marker = "<!-- test: " + name + " -->\n";
  const auto at = doc.find(marker);
  INFO(doc_path << " has no block marked '" << marker << "'");
  REQUIRE(at != std::string::npos);
  const auto fence = doc.find("```", at + marker.size());
  REQUIRE(fence == at + marker.size());  // the block starts on the next line
  const auto body = doc.find('\n', fence) + 1;
  const auto end = doc.find("\n```", body);
  REQUIRE(end != std::string::npos);
  return doc.substr(body, end - body + 1);
}

}  // namespace twinsim::test
