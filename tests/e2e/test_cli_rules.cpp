// [e2e] Command-line values follow the scenario file's rules: what the file
// refuses the option refuses, with the same message; what the file accepts
// (`1e3` as an integer) the option accepts. Every parse error says
// "twinsim: error:", exit 2; an unknown command is named.
#include <catch2/catch.hpp>

#include <string>

#include "test_support.hpp"

using namespace twinsim;

namespace {

const char* kBase = R"(name: cli-rules
dose_levels: [1, 2, 3]
toxicity: {true_dlt_probabilities: [0.1, 0.25, 0.5]}
designs:
  - {name: boin, type: boin, target: 0.25, max_patients: 9}
)";

// The message `twinsim validate` gives for `key: value` in the file, without
// its "file:line:col: error: key: " prefix.
std::string file_message(const test::TempDir& dir, const std::string& key, const std::string& value) {
  const std::string yaml = dir.file("f.yaml");
  test::write_file(yaml, std::string(kBase) + key + ": " + value + "\n");
  const auto r = test::run_cli("validate " + test::quote(yaml));
  INFO(r.output);
  REQUIRE(r.exit_code == 2);
  const std::string tag = ": error: " + key + ": ";
  const auto at = r.output.find(tag);
  REQUIRE(at != std::string::npos);
  const auto start = at + tag.size();
  return r.output.substr(start, r.output.find('\n', start) - start);
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

}  // namespace

TEST_CASE("run --seed and --replicates are refused exactly when the file's key is, with the same message", "[e2e]") {
  test::TempDir dir("cli-rules");
  const std::string yaml = dir.file("s.yaml"), out = dir.file("o.h5");
  test::write_file(yaml, kBase);
  struct Case {
    const char* key;
    const char* file_value;  // as written in YAML
    const char* cli_value;   // as passed on the command line (shell-quoted)
  };
  // -1 became 2^64 - 1, 2^64 was clamped, "" was ignored: all ran (exit 0).
  const Case cases[] = {{"seed", "-1", "-1"},
                        {"seed", "18446744073709551616", "18446744073709551616"},
                        {"seed", "99999999999999999999999", "99999999999999999999999"},
                        {"seed", "''", "''"},
                        {"seed", "1.5", "1.5"},
                        {"seed", "abc", "abc"},
                        {"replicates", "0", "0"},
                        {"replicates", "1e9", "1e9"}};
  for (const auto& c : cases) {
    INFO(c.key << " " << c.cli_value);
    const std::string want = file_message(dir, c.key, c.file_value);
    const auto r = test::run_cli("run " + test::quote(yaml) + " -o " + test::quote(out) + " --quiet --" + c.key +
                                 " " + c.cli_value);
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(first_line(r.output) == "twinsim: error: --" + std::string(c.key) + ": " + want);
  }
  CHECK(file_message(dir, "seed", "-1") == "must be in [0, 9e+18] (got -1)");
  CHECK(file_message(dir, "seed", "''") == "expected an integer, got ''");
}

TEST_CASE("run --replicates and --seed accept exponent notation as the file does", "[e2e]") {
  test::TempDir dir("cli-rules-accept");
  const std::string yaml = dir.file("s.yaml"), out = dir.file("o.h5");
  test::write_file(yaml, kBase);
  // The file took `replicates: 1e3`; the option said "not in range" (exit 2).
  const auto r = test::run_cli("run " + test::quote(yaml) + " -o " + test::quote(out) +
                               " --quiet --replicates 1e3 --seed 7e1 --threads 1e0");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const auto rep = test::run_cli("report " + test::quote(out));
  INFO(rep.output);
  CHECK(rep.output.find("seed 70, 1000 replicates") != std::string::npos);
}

TEST_CASE("report and compare --target follow a design's target rule: in (0, 1)", "[e2e]") {
  test::TempDir dir("cli-rules-target");
  const std::string yaml = dir.file("s.yaml"), out = dir.file("o.h5");
  test::write_file(yaml, kBase);
  REQUIRE(test::run_cli("run " + test::quote(yaml) + " -o " + test::quote(out) + " --quiet --replicates 20")
              .exit_code == 0);
  // The design's own key, for the message to match.
  const std::string design = dir.file("d.yaml");
  test::write_file(design, "name: t\ndose_levels: [1]\ntoxicity: {true_dlt_probabilities: [0.1]}\n"
                           "designs:\n  - {name: b, type: boin, target: 0}\n");
  const auto v = test::run_cli("validate " + test::quote(design));
  CHECK(v.output.find("designs[0].target: must be in (0, 1) (got 0)") != std::string::npos);
  // 0 and 1 printed a table scored against a meaningless target (exit 0).
  for (const char* command : {"report", "compare"}) {
    for (const char* t : {"0", "1", "1.5", "''"}) {
      INFO(command << " --target " << t);
      const auto r = test::run_cli(std::string(command) + " " + test::quote(out) + " --target " + t);
      INFO(r.output);
      CHECK(r.exit_code == 2);
      const std::string shown = std::string(t) == "''" ? "expected a finite number, got ''"
                                                         : "must be in (0, 1) (got " + std::string(t) + ")";
      CHECK(first_line(r.output) == "twinsim: error: --target: " + shown);
    }
    CHECK(test::run_cli(std::string(command) + " " + test::quote(out) + " --target 0.3").exit_code == 0);
  }
}

TEST_CASE("every command-line parse error says 'twinsim: error:' and exits 2", "[e2e]") {
  test::TempDir dir("cli-rules-parse");
  const std::string yaml = dir.file("s.yaml");
  test::write_file(yaml, kBase);
  const std::string s = test::quote(yaml);
  // Before: CLI11's bare message ("--threads: Value 0 not in range 1 to 1024",
  // "Run with --help for more information."), no prefix.
  const struct {
    std::string args;
    std::string first_line;
  } cases[] = {
      {"run " + s, "twinsim: error: --output is required"},
      {"run " + s + " -o x.h5 --threads 0", "twinsim: error: --threads: must be in [1, 1024] (got 0)"},
      {"run " + s + " -o x.h5 --bogus", "twinsim: error: The following argument was not expected: --bogus"},
      {"report x.h5 --format xml", "twinsim: error: --format: xml not in {table,csv,json,markdown,html}"},
      {"", "twinsim: error: A subcommand is required"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const auto r = test::run_cli(c.args);
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK(first_line(r.output) == c.first_line);
  }
}

TEST_CASE("an unknown command is named, with the nearest command or the list", "[e2e]") {
  const auto typo = test::run_cli("rn x.yaml -o x.h5");
  CHECK(typo.exit_code == 2);
  CHECK(first_line(typo.output) == "twinsim: error: unknown command 'rn' (did you mean 'run'?)");
  const auto other = test::run_cli("frobnicate");
  CHECK(other.exit_code == 2);
  CHECK(first_line(other.output) ==
        "twinsim: error: unknown command 'frobnicate'; expected one of: run, validate, models, report, compare, "
        "sweep, merge, boundaries, pathways, simulate, fit, forecast");
  // Flags before the command are still the top level's.
  CHECK(test::run_cli("--version").exit_code == 0);
  CHECK(test::run_cli("--help").exit_code == 0);
}
