// The command line's side of the value rules (trial::ValueRules): options
// that a scenario file can also set are checked by the same rule and refused
// with the same message, and every parse error says "twinsim: error:".
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "twinsim/core/config.hpp"

namespace twinsim::cli {

// Given to CLI::Option::transform (check() would not let it rewrite the text).
// An integer option by core::parse_int: accepts what the file accepts
// (`1e3` as 1000), refuses what it refuses (-1, "", 2^64) with its message,
// "--seed: must be in [0, 9000000000000000000] (got -1)".
CLI::Validator integer_rule(const core::Range& range);
// A number option by core::parse_double.
CLI::Validator number_rule(const core::Range& range);

// "unknown command 'rn' (did you mean 'run'?)" when the first word of the
// command line is not one of app's subcommands; "" otherwise (CLI11 only
// says "A subcommand is required" or lists the word as unexpected).
std::string unknown_command(CLI::App& app, int argc, const char* const* argv);

// CLI11 failure message: "twinsim: error: WHAT" and where to find the usage.
std::string failure_message(const CLI::App* app, const CLI::Error& e);

}  // namespace twinsim::cli
