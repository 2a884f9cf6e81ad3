// One function per subcommand; each returns the process exit code
// (0 success, 1 runtime failure, 2 bad input or usage).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace twinsim::cli {

struct RunArgs {
  std::string scenario;
  std::string output;
  std::optional<std::int64_t> replicates;
  std::optional<std::uint64_t> seed;
  int threads = 0;
  bool force = false;
  bool quiet = false;
};

int run_command(const RunArgs& args);
int validate_command(const std::string& scenario);
int models_command();

// Prints diagnostics of a ScenarioError as "file:line:col: error: ..." lines.
void print_scenario_error(const std::exception& e);

}  // namespace twinsim::cli
