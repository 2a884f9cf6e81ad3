// Overrides on the owned YAML tree and YAML text output, for sweeps: a variant
// is the base document with some nodes replaced, and its effective text is
// stored in the result file so the variant can be re-run alone.
#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <vector>

#include "config_tree.hpp"
#include "twinsim/core/config.hpp"

namespace twinsim::core {

namespace {

// One step of an override path: a map key, a list index, or a list item's name.
struct PathStep {
  enum class Kind { kKey, kIndex, kName } kind = Kind::kKey;
  std::string text;
  std::size_t index = 0;
};

bool all_digits(const std::string& s) {
  return !s.empty() && s.size() < 10 &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// "a.b[2].c[boin]" -> key a, key b, index 2, key c, name boin. Empty on a syntax error.
std::vector<PathStep> parse_path(const std::string& path, std::string& error) {
  std::vector<PathStep> steps;
  std::size_t i = 0;
  bool expect_key = true;
  while (i < path.size()) {
    if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string::npos) {
        error = "'[' without a matching ']'";
        return {};
      }
      const std::string sel = path.substr(i + 1, close - i - 1);
      if (sel.empty()) {
        error = "empty '[]'";
        return {};
      }
      PathStep s;
      s.text = sel;
      if (all_digits(sel)) {
        s.kind = PathStep::Kind::kIndex;
        s.index = std::stoul(sel);
      } else {
        s.kind = PathStep::Kind::kName;
      }
      if (steps.empty()) {
        error = "a path starts with a key, not '[" + sel + "]'";
        return {};
      }
      steps.push_back(s);
      i = close + 1;
      expect_key = false;
      continue;
    }
    if (path[i] == '.') {
      if (expect_key) {
        error = "empty key before '.'";
        return {};
      }
      ++i;
      expect_key = true;
      if (i == path.size()) {
        error = "path ends with '.'";
        return {};
      }
      continue;
    }
    if (!expect_key) {
      error = "expected '.' or '[' after ']'";
      return {};
    }
    std::size_t end = i;
    while (end < path.size() && path[end] != '.' && path[end] != '[' && path[end] != ']') ++end;
    if (end < path.size() && path[end] == ']') {
      error = "']' without a matching '['";
      return {};
    }
    PathStep s;
    s.text = path.substr(i, end - i);
    steps.push_back(s);
    i = end;
    expect_key = false;
  }
  if (steps.empty()) error = "empty path";
  return steps;
}

std::string describe_kind(const ConfigTreeNode& n) {
  switch (n.kind) {
    case ConfigNode::Kind::Map: return "a map";
    case ConfigNode::Kind::Sequence: return "a list";
    case ConfigNode::Kind::Scalar: return "the value '" + n.scalar + "'";
    default: return "null";
  }
}

std::string item_name(const ConfigTreeNode& item) {
  if (item.kind != ConfigNode::Kind::Map) return "";
  for (const auto& kv : item.map)
    if (kv.first.scalar == "name" && kv.second.kind == ConfigNode::Kind::Scalar) return kv.second.scalar;
  return "";
}

std::string hint(const std::string& word, const std::vector<std::string>& known) {
  const std::string m = closest_match(word, known);
  return m.empty() ? std::string() : " (did you mean '" + m + "'?)";
}

// ---------------------------------------------------------------------------
// YAML text

bool plain_safe(const std::string& s, bool flow) {
  if (s.empty() || s.size() > 200) return false;
  const std::string bad_first = " ?:,[]{}#&*!|>'\"%@`";
  if (bad_first.find(s.front()) != std::string::npos) return false;
  if (s.front() == '-' && (s.size() == 1 || s[1] == ' ')) return false;
  if (s.back() == ' ' || s.back() == ':') return false;
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos) return false;
  for (char c : s)
    if (c == '\n' || c == '\r' || c == '\t' || static_cast<unsigned char>(c) < 0x20) return false;
  if (flow && s.find_first_of(",[]{}") != std::string::npos) return false;
  return true;
}

std::string double_quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\x";
          out += hex[(c >> 4) & 0xf];
          out += hex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string scalar_text(const ConfigTreeNode& n, bool flow) {
  if (n.kind == ConfigNode::Kind::Null) return "null";
  if (!n.quoted && plain_safe(n.scalar, flow)) return n.scalar;
  return double_quoted(n.scalar);
}

// A list or map that fits on one line: scalars only, each printable in flow context.
bool flow_ok(const ConfigTreeNode& n) {
  if (n.kind == ConfigNode::Kind::Scalar) return n.quoted || plain_safe(n.scalar, true);
  if (n.kind == ConfigNode::Kind::Null) return true;
  if (n.kind == ConfigNode::Kind::Sequence) {
    for (const auto& c : n.seq)
      if (!flow_ok(c)) return false;
    return true;
  }
  return n.map.empty();
}

void emit_flow(const ConfigTreeNode& n, std::string& out) {
  switch (n.kind) {
    case ConfigNode::Kind::Sequence:
      out += '[';
      for (std::size_t i = 0; i < n.seq.size(); ++i) {
        if (i) out += ", ";
        emit_flow(n.seq[i], out);
      }
      out += ']';
      return;
    case ConfigNode::Kind::Map:
      out += '{';
      for (std::size_t i = 0; i < n.map.size(); ++i) {
        if (i) out += ", ";
        out += scalar_text(n.map[i].first, true) + ": ";
        emit_flow(n.map[i].second, out);
      }
      out += '}';
      return;
    default:
      out += scalar_text(n, true);
  }
}

bool inline_value(const ConfigTreeNode& n) {
  if (n.kind == ConfigNode::Kind::Map) return n.map.empty();
  if (n.kind == ConfigNode::Kind::Sequence) return flow_ok(n);
  return true;
}

void emit_block(const ConfigTreeNode& n, int indent, std::string& out) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  if (n.kind == ConfigNode::Kind::Map && !n.map.empty()) {
    for (const auto& kv : n.map) {
      out += pad + scalar_text(kv.first, false) + ":";
      if (inline_value(kv.second)) {
        out += ' ';
        if (kv.second.kind == ConfigNode::Kind::Scalar || kv.second.kind == ConfigNode::Kind::Null)
          out += scalar_text(kv.second, false);
        else
          emit_flow(kv.second, out);
        out += '\n';
      } else {
        out += '\n';
        emit_block(kv.second, indent + 2, out);
      }
    }
    return;
  }
  if (n.kind == ConfigNode::Kind::Sequence && !flow_ok(n)) {
    for (const auto& item : n.seq) {
      if (inline_value(item)) {
        out += pad + "- ";
        if (item.kind == ConfigNode::Kind::Scalar || item.kind == ConfigNode::Kind::Null)
          out += scalar_text(item, false);
        else
          emit_flow(item, out);
        out += '\n';
        continue;
      }
      // The item's block text one level deeper, its first line joined to "- ".
      std::string child;
      emit_block(item, indent + 2, child);
      out += pad + "- " + child.substr(static_cast<std::size_t>(indent) + 2);
    }
    return;
  }
  out += pad;
  if (n.kind == ConfigNode::Kind::Scalar || n.kind == ConfigNode::Kind::Null)
    out += scalar_text(n, false);
  else
    emit_flow(n, out);
  out += '\n';
}

}  // namespace

ConfigNode ConfigNode::with_override(const std::string& path, const ConfigNode& value, const SourceMark& where,
                                     const std::string& key_path, Diagnostics& diag) const {
  std::string syntax;
  const std::vector<PathStep> steps = parse_path(path, syntax);
  if (steps.empty()) {
    diag.error(where, key_path, "bad key path '" + path + "': " + syntax);
    return *this;
  }
  if (!node_ || value.node_ == nullptr) {
    diag.error(where, key_path, "nothing to override");
    return *this;
  }
  auto copy = std::make_shared<ConfigTreeNode>(*node_);
  ConfigTreeNode* cur = copy.get();
  std::string prefix;  // the path walked so far, for messages
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const PathStep& s = steps[i];
    const bool last = i + 1 == steps.size();
    const std::string where_text = prefix.empty() ? "the scenario" : "'" + prefix + "'";
    if (s.kind == PathStep::Kind::kKey) {
      if (cur->kind != ConfigNode::Kind::Map) {
        diag.error(where, key_path, where_text + " is " + describe_kind(*cur) + ", not a map: no key '" + s.text + "'");
        return *this;
      }
      ConfigTreeNode* next = nullptr;
      std::vector<std::string> known;
      for (auto& kv : cur->map) {
        known.push_back(kv.first.scalar);
        if (kv.first.scalar == s.text) next = &kv.second;
      }
      if (!next) {
        if (!last) {
          diag.error(where, key_path, where_text + " has no key '" + s.text + "'" + hint(s.text, known));
          return *this;
        }
        // A new last key (a default made explicit); the scenario loader checks its name.
        ConfigTreeNode key;
        key.kind = ConfigNode::Kind::Scalar;
        key.scalar = s.text;
        key.mark = where;
        cur->map.emplace_back(std::move(key), ConfigTreeNode{});
        next = &cur->map.back().second;
      }
      cur = next;
      prefix += (prefix.empty() ? "" : ".") + s.text;
      continue;
    }
    if (cur->kind != ConfigNode::Kind::Sequence) {
      diag.error(where, key_path, where_text + " is " + describe_kind(*cur) + ", not a list: no item [" + s.text + "]");
      return *this;
    }
    if (s.kind == PathStep::Kind::kIndex) {
      if (s.index >= cur->seq.size()) {
        diag.error(where, key_path,
                   where_text + " has " + std::to_string(cur->seq.size()) + " item(s): no index " + s.text);
        return *this;
      }
      cur = &cur->seq[s.index];
    } else {
      ConfigTreeNode* next = nullptr;
      std::vector<std::string> names;
      for (auto& item : cur->seq) {
        const std::string name = item_name(item);
        if (!name.empty()) names.push_back(name);
        if (name == s.text) next = &item;
      }
      if (!next) {
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        diag.error(where, key_path,
                   where_text + " has no item named '" + s.text + "'" + hint(s.text, names) +
                       (list.empty() ? std::string(" (its items have no names)") : " (names: " + list + ")"));
        return *this;
      }
      cur = next;
    }
    prefix += "[" + s.text + "]";
  }
  *cur = *value.node_;
  const ConfigTreeNode* raw = copy.get();
  return ConfigNode(std::move(copy), raw, nullptr, "", SourceMark{mark().file, 1, 1});
}

std::string ConfigNode::canonical_path(const std::string& path) const {
  std::string syntax;
  const std::vector<PathStep> steps = parse_path(path, syntax);
  if (steps.empty() || !node_) return "";
  const ConfigTreeNode* cur = node_;
  std::string out;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const PathStep& s = steps[i];
    if (s.kind == PathStep::Kind::kKey) {
      out += (out.empty() ? "" : ".") + s.text;
      const ConfigTreeNode* next = nullptr;
      if (cur && cur->kind == ConfigNode::Kind::Map)
        for (const auto& kv : cur->map)
          if (kv.first.scalar == s.text) next = &kv.second;
      if (!next && i + 1 < steps.size()) return "";  // only the last key may be new
      cur = next;
      continue;
    }
    if (!cur || cur->kind != ConfigNode::Kind::Sequence) return "";
    std::size_t index = s.index;
    if (s.kind == PathStep::Kind::kName) {
      index = cur->seq.size();  // the last item of that name, as with_override picks
      for (std::size_t k = 0; k < cur->seq.size(); ++k)
        if (item_name(cur->seq[k]) == s.text) index = k;
    }
    if (index >= cur->seq.size()) return "";
    out += "[" + std::to_string(index) + "]";
    cur = &cur->seq[index];
  }
  return out;
}

std::string ConfigNode::to_yaml() const {
  std::string out;
  if (node_) emit_block(*node_, 0, out);
  return out;
}

std::string ConfigNode::to_flow_yaml() const {
  std::string out;
  if (node_) emit_flow(*node_, out);
  return out;
}

}  // namespace twinsim::core
