// Typed errors. Four kinds, four paths (docs/CONVENTIONS):
//   bad input      -> ScenarioError (all diagnostics collected, exit code 2)
//   usage          -> UsageError    (exit code 2)
//   run-time fault -> RuntimeError  (disk full, unreadable file: exit code 1)
//   bad patient    -> not an exception: a SolveStatus recorded per patient.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace twinsim::core {

// Where a value came from in a scenario file. Line and column are 1-based,
// as editors and compilers print them; 0 means "unknown".
struct SourceMark {
  std::string file;
  int line = 0;
  int column = 0;
};

// One problem found in the input: where, which key, what was expected.
struct Diagnostic {
  SourceMark mark;
  std::string key_path;  // e.g. "designs[1].target"; empty for whole-file errors
  std::string message;

  // "file:line:col: error: key_path: message"
  std::string format() const;
};

// Collects diagnostics so that one validation pass reports every error.
class Diagnostics {
 public:
  void error(const SourceMark& mark, std::string key_path, std::string message);
  void add(Diagnostic d) { items_.push_back(std::move(d)); }
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  // Throws ScenarioError if anything was collected.
  void throw_if_any() const;

 private:
  std::vector<Diagnostic> items_;
};

class TwinsimError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad input: the scenario (or sweep) file is invalid. Carries every diagnostic.
class ScenarioError : public TwinsimError {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  ScenarioError(const SourceMark& mark, std::string key_path, std::string message);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// Bad command-line usage (missing file, output exists without --force, ...).
class UsageError : public TwinsimError {
 public:
  using TwinsimError::TwinsimError;
};

// A failure of the environment while running: I/O, disk full, corrupt input file.
class RuntimeError : public TwinsimError {
 public:
  using TwinsimError::TwinsimError;
};

}  // namespace twinsim::core
