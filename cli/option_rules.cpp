#include "option_rules.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace twinsim::cli {

namespace {

// A CLI11 transform by a text rule of core; `canonical` writes the value back
// as text CLI11 converts exactly ("1e3" -> "1000", "1_000" -> "1000").
template <class T>
CLI::Validator rule(const core::Range& range, std::optional<T> (*parse)(const std::string&, const core::Range&,
                                                                        std::string&),
                    std::string (*canonical)(T)) {
  return CLI::Validator(
      [range, parse, canonical](std::string& text) {
        std::string error;
        const auto v = parse(text, range, error);
        if (!v) return error;
        text = canonical(*v);
        return std::string();
      },
      range.describe());
}

std::string integer_text(std::int64_t v) { return std::to_string(v); }

}  // namespace

CLI::Validator integer_rule(const core::Range& range) {
  return rule<std::int64_t>(range, core::parse_int, integer_text);
}

CLI::Validator number_rule(const core::Range& range) {
  return rule<double>(range, core::parse_double, core::format_number);
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
