// twinsim command line. Exit codes: 0 success, 1 runtime failure, 2 bad input or usage.
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "option_rules.hpp"
#include "out_of_memory.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/trial/designs/design.hpp"
#include "twinsim/trial/scenario/value_rules.hpp"

int main(int argc, char** argv) {
  using namespace twinsim::cli;
  // Past a file-size limit (ulimit -f) the kernel sends SIGXFSZ, whose default
  // action kills us before the temporary output can be removed. Ignored, the
  // write fails with EFBIG instead and is reported like a full disk (exit 1).
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"twinsim: digital-twin patient simulator for in-silico Phase I/II oncology trials"};
  app.set_version_flag("--version", std::string("twinsim ") + TWINSIM_VERSION_STRING);
  app.require_subcommand(1);
  app.failure_message(failure_message);
  using twinsim::trial::DesignRules;
  using twinsim::trial::ValueRules;
  const auto threads_rule = integer_rule(twinsim::core::Range::closed(1, 1024));

  RunArgs run;
  auto* run_cmd = app.add_subcommand("run", "simulate a scenario and write an HDF5 result file");
  run_cmd->add_option("scenario", run.scenario, "scenario YAML file")->required();
  run_cmd->add_option("-o,--output", run.output, "output HDF5 file")->required();
  run_cmd->add_option("--replicates", run.replicates, "override the scenario's replicates")
      ->transform(integer_rule(ValueRules::replicates()));
  run_cmd->add_option("--seed", run.seed, "override the scenario's seed")->transform(integer_rule(ValueRules::seed()));
  run_cmd->add_option("--threads", run.threads, "OpenMP threads (default: all cores)")->transform(threads_rule);
  run_cmd->add_flag("--force", run.force, "overwrite an existing output file");
  run_cmd->add_flag("--quiet", run.quiet, "no progress bar or summary");
  run_cmd->add_flag("--exact", run.exact,
                    "design-only mode: operating characteristics by enumerating every trial (SE 0) instead of "
                    "simulating replicates");

  std::string validate_file;
  auto* validate_cmd = app.add_subcommand("validate", "check a scenario file; exit 0 if valid, 2 if not");
  validate_cmd->add_option("scenario", validate_file, "scenario YAML file")->required();

  auto* models_cmd = app.add_subcommand("models", "list built-in models with parameters, units and equations");
  std::string models_check;
  models_cmd->add_option("--check", models_check,
                         "parse and compile the user models (model.ode, model.pd type: ode) of a scenario "
                         "and print them with their Jacobian sparsity");

  const std::vector<std::string> formats{"table", "csv", "json", "markdown"};
  ReportArgs report;
  auto* report_cmd = app.add_subcommand("report", "print the operating characteristics of a result file");
  report_cmd->add_option("file", report.file, "HDF5 result file written by twinsim run")->required();
  std::vector<std::string> report_formats = formats;
  report_formats.push_back("html");
  report_cmd->add_option("--format", report.format, "table, csv, json, markdown or html (a self-contained page of charts)")
      ->check(CLI::IsMember(report_formats));
  report_cmd->add_option("-o,--output", report.output, "write the report to this file (html: required)");
  report_cmd->add_flag("--force", report.force, "overwrite the output file");
  report_cmd->add_option("--target", report.target, "target DLT rate for designs without one (e.g. 3+3)")
      ->transform(number_rule(DesignRules::target()));

  CompareArgs compare;
  auto* compare_cmd = app.add_subcommand("compare", "designs side by side with paired differences and MC SEs");
  compare_cmd->add_option("files", compare.files, "HDF5 result files; the first design is the reference")
      ->required();
  compare_cmd->add_option("--format", compare.format, "table, csv, json or markdown")->check(CLI::IsMember(formats));
  compare_cmd->add_option("--target", compare.target,
                          "target DLT rate for designs without one (default: the target the others share)")
      ->transform(number_rule(DesignRules::target()));

  SweepArgs sweep;
  auto* sweep_cmd = app.add_subcommand("sweep", "run every variant of a sweep file into a folder (docs/sweeps.md)");
  sweep_cmd->add_option("sweep", sweep.sweep, "sweep YAML file")->required();
  sweep_cmd->add_option("-o,--output", sweep.output, "output folder (OUTDIR)")->required();
  sweep_cmd->add_option("--shard", sweep.shard, "run only shard i of N (i/N, 0 <= i < N), e.g. for SLURM job arrays");
  sweep_cmd->add_flag("--resume", sweep.resume,
                      "continue an interrupted sweep: skip complete variants, redo partial ones");
  sweep_cmd->add_flag("--force", sweep.force, "redo this run's variants even if OUTDIR already holds them");
  sweep_cmd->add_option("--threads", sweep.threads, "OpenMP threads per process (default: all cores)")
      ->transform(threads_rule);
  sweep_cmd->add_flag("--quiet", sweep.quiet, "no progress or summary");

  MergeArgs merge;
  auto* merge_cmd = app.add_subcommand("merge", "gather a finished sweep folder into one HDF5 file");
  merge_cmd->add_option("outdir", merge.outdir, "sweep output folder")->required();
  merge_cmd->add_option("-o,--output", merge.output, "merged HDF5 file")->required();
  merge_cmd->add_flag("--force", merge.force, "overwrite an existing output file");
  merge_cmd->add_flag("--quiet", merge.quiet, "no summary line");

  TableArgs boundaries;
  auto* boundaries_cmd = app.add_subcommand("boundaries", "print every design's decision table (docs/boundaries.md)");
  boundaries_cmd->add_option("scenario", boundaries.scenario, "scenario YAML file")->required();
  boundaries_cmd->add_option("--design", boundaries.design, "only the design of this name");
  boundaries_cmd->add_option("--format", boundaries.format, "table, csv, json or markdown")->check(CLI::IsMember(formats));
  TableArgs pathways;
  auto* pathways_cmd = app.add_subcommand("pathways", "print the dose-transition pathways of the next cohorts");
  pathways_cmd->add_option("scenario", pathways.scenario, "scenario YAML file")->required();
  pathways_cmd->add_option("--cohorts", pathways.cohorts, "cohorts ahead (the tree is refused beyond 200000 nodes)")
      ->required()
      ->transform(integer_rule(twinsim::core::Range::closed(1, 30)));
  pathways_cmd->add_option("--design", pathways.design, "only the design of this name");
  pathways_cmd->add_option("--format", pathways.format, "table, csv, json or markdown")->check(CLI::IsMember(formats));
  SimulateArgs simulate;
  auto* simulate_cmd =
      app.add_subcommand("simulate", "simulate the individuals and records of a NONMEM-format data set");
  simulate_cmd->add_option("scenario", simulate.scenario, "scenario YAML file (PK/PD mode)")->required();
  simulate_cmd->add_option("--data", simulate.data, "NONMEM-format CSV (docs/data-sets.md)")->required();
  simulate_cmd->add_option("-o,--output", simulate.output,
                           "write the simulated records, parameters and doses to this HDF5 file");
  simulate_cmd->add_flag("--force", simulate.force, "overwrite an existing output file");
  simulate_cmd->add_option("--format", simulate.format, "table, csv or json (default: table; with -o: one summary line)")
      ->check(CLI::IsMember(std::vector<std::string>{"table", "csv", "json"}));
  simulate_cmd->add_flag("--iiv", simulate.iiv, "draw random effects from the scenario's population");

  FitArgs fit;
  auto* fit_cmd = app.add_subcommand("fit", "MAP estimates of each individual of a data set (docs/fit.md)");
  fit_cmd->add_option("scenario", fit.scenario, "scenario YAML file (PK/PD mode)")->required();
  fit_cmd->add_option("--data", fit.data, "NONMEM-format CSV with observations (docs/data-sets.md)")->required();
  fit_cmd->add_option("-o,--output", fit.output, "write the fits to this HDF5 file (the input of twinsim forecast)");
  fit_cmd->add_flag("--force", fit.force, "overwrite an existing output file");
  fit_cmd->add_option("--format", fit.format, "table, csv or json (default: table; with -o: one summary line)")
      ->check(CLI::IsMember(std::vector<std::string>{"table", "csv", "json"}));

  ForecastArgs forecast;
  auto* forecast_cmd = app.add_subcommand(
      "forecast", "each fitted patient's next cycle at candidate doses, from the posterior (docs/fit.md)");
  forecast_cmd->add_option("fit", forecast.fit, "HDF5 fit file written by twinsim fit -o")->required();
  forecast_cmd->add_option("--regimen", forecast.regimen, "YAML file of the candidate doses/regimens (docs/fit.md)")
      ->required();
  forecast_cmd->add_option("--draws", forecast.draws, "posterior draws per patient (default: the file's draws, 1000)")
      ->transform(integer_rule(twinsim::core::Range::closed(1, 1e6)));
  forecast_cmd->add_option("--seed", forecast.seed, "seed of the draws (default: the file's, else the scenario's)")
      ->transform(integer_rule(ValueRules::seed()));
  forecast_cmd->add_option("--format", forecast.format, "table, csv or json")
      ->check(CLI::IsMember(std::vector<std::string>{"table", "csv", "json"}));

  if (const std::string unknown = unknown_command(app, argc, argv); !unknown.empty()) {
    std::fprintf(stderr, "twinsim: error: %s\nrun 'twinsim --help' for the commands\n", unknown.c_str());
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help/version or the error
    return code == 0 ? 0 : 2;
  }
  try {
    if (*run_cmd) return run_command(run);
    if (*validate_cmd) return validate_command(validate_file);
    if (*models_cmd) return models_check.empty() ? models_command() : models_check_command(models_check);
    if (*report_cmd) return report_command(report);
    if (*compare_cmd) return compare_command(compare);
    if (*sweep_cmd) return sweep_command(sweep);
    if (*merge_cmd) return merge_command(merge);
    if (*boundaries_cmd) return boundaries_command(boundaries);
    if (*pathways_cmd) return pathways_command(pathways);
    if (*simulate_cmd) return simulate_command(simulate);
    if (*fit_cmd) return fit_command(fit);
    if (*forecast_cmd) return forecast_command(forecast);
  } catch (const twinsim::core::ScenarioError& e) {
    print_scenario_error(e);
    return 2;
  } catch (const twinsim::core::UsageError& e) {
    std::fprintf(stderr, "twinsim: error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "twinsim: error: %s\n", error_text(e).c_str());
    return 1;
  }
  return 2;
}
