// [config] Every file in tests/config/model_cases/ is a scenario with a malformed
// user model whose first line names the diagnostic it must produce
// ("# expect: LINE:COL: TEXT"); the column points into the equation text.
// The parser must report exactly that diagnostic, and `twinsim models --check`
// must print it and exit 2.
#include <catch2/catch.hpp>

#include "expect_case.hpp"
#include "test_support.hpp"
#include "twinsim/core/config.hpp"
#include "twinsim/pkpd/user/model_spec.hpp"

using namespace twinsim;

namespace {

void parse_all_user_models(const std::string& path) {
  const auto root = core::ConfigNode::load_file(path);
  core::Diagnostics diag;
  for (const auto& b : pkpd::user::user_model_blocks(root)) {
    pkpd::user::UserModelParseOptions opt;
    opt.form = b.form;
    (void)pkpd::user::parse_user_model(b.node, diag, opt);
  }
  diag.throw_if_any();
}

}  // namespace

TEST_CASE("every malformed user model gives its exact diagnostic", "[config]") {
  const auto cases = test::files_in(test::source_dir() + "/tests/config/model_cases", ".yaml");
  REQUIRE(cases.size() >= 12);
  for (const auto& path : cases) {
    INFO(path);
    test::check_rejected_with(path, [&] { parse_all_user_models(path); });
  }
}

TEST_CASE("twinsim models --check and validate exit 2 and print file:line:col for every malformed user model",
          "[config]") {
  // validate reads model.ode and type: ode entries through the scenario
  // loader, with the same parser: its diagnostic is among those it lists (these
  // files hold only the model, so it also reports the missing scenario keys).
  for (const std::string command : {"models --check ", "validate "}) {
    for (const auto& path : test::files_in(test::source_dir() + "/tests/config/model_cases", ".yaml")) {
      INFO(command << path);
      const auto r = test::run_cli(command + test::quote(path));
      INFO(r.output);
      CHECK(r.exit_code == 2);
      CHECK(r.output.find(test::expected_diagnostic(path)) != std::string::npos);
    }
  }
}

TEST_CASE("twinsim models --check refuses a scenario without a user model", "[config]") {
  const auto r = test::run_cli("models --check " + test::quote(test::source_dir() + "/configs/oral_pk_fixed_arms.yaml"));
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("error: model: no user model here: expected model.ode or a model.pd entry with type: ode") !=
        std::string::npos);
}

