// One function per subcommand; each returns the process exit code
// (0 success, 1 runtime failure, 2 bad input or usage).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace twinsim::trial {
struct OcReport;
}

namespace twinsim::cli {

struct RunArgs {
  std::string scenario;
  std::string output;
  std::optional<std::int64_t> replicates;
  std::optional<std::uint64_t> seed;
  int threads = 0;
  bool force = false;
  bool quiet = false;
  bool exact = false;  // design-only OCs by exact enumeration (trial::run_exact)
};

int run_command(const RunArgs& args);
int validate_command(const std::string& scenario);
int models_command();
// `twinsim models --check SCENARIO`: parses and builds only the scenario's user models.
int models_check_command(const std::string& scenario);

struct ReportArgs {
  std::string file;
  std::string format = "table";
  std::optional<double> target;  // scores designs without a target of their own
  std::string output;            // -o: the report goes to this file instead of stdout
  bool force = false;            // -o may replace an existing file
};
struct CompareArgs {
  std::vector<std::string> files;
  std::string format = "table";
  std::optional<double> target;
};
struct SweepArgs {
  std::string sweep;
  std::string output;                // OUTDIR
  std::optional<std::string> shard;  // "i/N", 0 <= i < N
  bool resume = false;
  bool force = false;
  int threads = 0;
  bool quiet = false;
};
struct MergeArgs {
  std::string outdir;
  std::string output;
  bool force = false;
  bool quiet = false;
};
// Exit codes as above, plus 128 + the signal when interrupted: 130 SIGINT
// (Ctrl-C), 143 SIGTERM, 129 SIGHUP (run_command too). 2 also when another
// process holds the folder's lock (trial::SweepLock).
int sweep_command(const SweepArgs& args);
int merge_command(const MergeArgs& args);

// twinsim simulate SCENARIO --data DATA.csv (trial/patient/data_simulation.hpp).
struct SimulateArgs {
  std::string scenario;
  std::string data;
  std::string output;  // -o OUT.h5 (trial/io/simulate_file.hpp)
  std::string format;  // table, csv, json; empty: table without -o, a summary line with it
  bool iiv = false;
  bool force = false;
};
int simulate_command(const SimulateArgs& args);

// twinsim fit SCENARIO --data DATA.csv (trial/fit/map_fit.hpp).
struct FitArgs {
  std::string scenario;
  std::string data;
  std::string output;  // -o FIT.h5 (trial/fit/fit_file.hpp)
  std::string format;  // table, csv, json; empty: table without -o, a summary line with it
  bool force = false;
};
int fit_command(const FitArgs& args);

// twinsim forecast FIT.h5 --regimen FILE.yaml (trial/fit/forecast.hpp).
struct ForecastArgs {
  std::string fit;
  std::string regimen;
  std::optional<std::int64_t> draws;
  std::optional<std::uint64_t> seed;
  std::string format = "table";
};
int forecast_command(const ForecastArgs& args);

int report_command(const ReportArgs& args);
int compare_command(const CompareArgs& args);
// Prints a result file's consistency warnings to stderr.
void print_oc_warnings(const trial::OcReport& report);

// `boundaries` and `pathways` (cmd_boundaries.cpp): a scenario's decision
// tables and dose-transition pathways.
struct TableArgs {
  std::string scenario;
  std::optional<std::string> design;  // only this design
  std::string format = "table";
  int cohorts = 0;  // pathways: cohorts ahead
};
int boundaries_command(const TableArgs& args);
int pathways_command(const TableArgs& args);

// Prints diagnostics of a ScenarioError as "file:line:col: error: ..." lines.
void print_scenario_error(const std::exception& e);

}  // namespace twinsim::cli
