#include "twinsim/core/error.hpp"

namespace twinsim::core {

std::string Diagnostic::format() const {
  std::string out = mark.file.empty() ? std::string("<input>") : mark.file;
  if (mark.line > 0) {
    out += ":" + std::to_string(mark.line) + ":" + std::to_string(mark.column);
  }
  out += ": error: ";
  if (!key_path.empty()) out += key_path + ": ";
  out += message;
  return out;
}

void Diagnostics::error(const SourceMark& mark, std::string key_path, std::string message) {
  items_.push_back(Diagnostic{mark, std::move(key_path), std::move(message)});
}

void Diagnostics::throw_if_any() const {
  if (!items_.empty()) throw ScenarioError(items_);
}

namespace {
std::string join_messages(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) {
    if (!out.empty()) out += "\n";
    out += d.format();
  }
  return out.empty() ? std::string("invalid scenario") : out;
}
}  // namespace

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics)
    : TwinsimError(join_messages(diagnostics)), diagnostics_(std::move(diagnostics)) {}

ScenarioError::ScenarioError(const SourceMark& mark, std::string key_path, std::string message)
    : ScenarioError(std::vector<Diagnostic>{Diagnostic{mark, std::move(key_path), std::move(message)}}) {}

}  // namespace twinsim::core
