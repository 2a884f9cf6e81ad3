#include "option_rules.hpp"

#include <cstring>
#include <vector>

namespace twinsim::cli {

CLI::Validator integer_rule(const core::Range& range) {
  return CLI::Validator(
      [range](std::string& text) {
        std::string error;
        const auto v = core::parse_int(text, range, error);
        if (!v) return error;
        text = std::to_string(*v);  // what CLI11 converts: "1e3" -> "1000"
        return std::string();
      },
      range.describe());
}

CLI::Validator number_rule(const core::Range& range) {
  return CLI::Validator(
      [range](std::string& text) {
        std::string error;
        const auto v = core::parse_double(text, range, error);
        if (!v) return error;
        text = core::format_number(*v);  // reads back as exactly *v ("1_000" -> "1000")
        return std::string();
      },
      range.describe());
}

std::string unknown_command(CLI::App& app, int argc, const char* const* argv) {
  // The top level takes flags only (--help, --version), so its first
  // non-flag word must be a command.
  const char* word = nullptr;
  for (int i = 1; i < argc && !word; ++i)
    if (argv[i][0] != '-') word = argv[i];
  if (!word) return "";
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == word) return "";
    names.push_back(sub->get_name());
  }
  std::string msg = "unknown command " + core::quote_for_message(word);
  const std::string hint = core::closest_match(word, names);
  if (!hint.empty()) return msg + " (did you mean '" + hint + "'?)";
  msg += "; expected one of:";
  for (std::size_t i = 0; i < names.size(); ++i) msg += (i ? ", " : " ") + names[i];
  return msg;
}

std::string failure_message(const CLI::App* app, const CLI::Error& e) {
  std::string usage = "twinsim";
  for (const CLI::App* sub : app->get_subcommands()) usage += " " + sub->get_name();
  return "twinsim: error: " + std::string(e.what()) + "\nrun '" + usage + " --help' for usage\n";
}

}  // namespace twinsim::cli
