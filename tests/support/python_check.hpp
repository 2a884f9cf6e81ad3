// Checks of a command's text output written as python snippets (e2e tests).
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "test_support.hpp"

namespace twinsim::test {

// Runs a python snippet (json, sys, csv and io imported) with the text as
// sys.stdin; its exit code (python's output is reported with the next assertion).
inline int python_check(const TempDir& dir, const std::string& text, const std::string& code) {
  const std::string f = dir.file("in.txt"), py = dir.file("check.py");
  write_file(f, text);
  write_file(py, "import json, sys, csv, io\n" + code + "\n");
  const auto r = run_command("/usr/bin/python3 " + quote(py) + " < " + quote(f));
  UNSCOPED_INFO(r.output);
  return r.exit_code;
}

}  // namespace twinsim::test
