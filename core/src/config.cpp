// The one file that talks to yaml-cpp. The parsed document is copied into an
// owned tree so that positions, duplicate keys and size limits are checked once.
#include "twinsim/core/config.hpp"

#include "config_tree.hpp"
#include "twinsim/core/input_file.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <unordered_map>

namespace twinsim::core {

namespace {

SourceMark to_mark(const YAML::Mark& m, const std::string& file) {
  // yaml-cpp marks are 0-based; a null mark has line -1.
  if (m.line < 0) return SourceMark{file, 0, 0};
  return SourceMark{file, m.line + 1, m.column + 1};
}

std::string key_too_long(std::size_t chars, const ConfigLimits& limits) {
  return "key is " + std::to_string(chars) + " characters long; the limit is " +
         std::to_string(limits.max_key_chars);
}

// YAML 1.2 (7.4.2): an implicit key is at most 1024 characters.
constexpr std::size_t kYamlMaxImplicitKey = 1024;

// yaml-cpp names the symptom of a few errors, not their cause ("illegal map
// value" for a tab in the indentation or a key past YAML's 1024 characters).
std::vector<Diagnostic> syntax_error(const YAML::Exception& e, const std::string& text, const std::string& name,
                                     const ConfigLimits& limits) {
  const SourceMark at = to_mark(e.mark, name);
  if (at.line > 0) {
    const auto [key, column] = longest_key_on_line(text, at.line);
    if (key > kYamlMaxImplicitKey)
      return {Diagnostic{SourceMark{name, at.line, column}, "", key_too_long(key, limits)}};
    const SourceMark tab = tab_in_indentation(text, at.line, name);
    if (tab.line > 0)
      return {Diagnostic{tab, "",
                         "tab character in the indentation: YAML indents with spaces only (the parser then "
                         "failed at " + std::to_string(at.line) + ":" + std::to_string(at.column) + ": " + e.msg +
                             ")"}};
  }
  return {Diagnostic{at, "", "YAML syntax error: " + e.msg}};
}

struct Converter {
  const std::string& text;
  const std::string& file;
  const ConfigLimits& limits;
  std::size_t nodes = 0;
  Diagnostics diag;

  // Keys that would otherwise be misread or quoted back in full: reported
  // at the key, and left out of the tree.
  bool check_key(const YAML::Node& in, const ConfigTreeNode& key, const std::string& path) {
    if (const std::string bad = utf8_problem(key.scalar); !bad.empty()) {
      diag.error(key.mark, path, "key is " + bad);
      return false;
    }
    if (key.scalar.size() > limits.max_key_chars) {
      diag.error(key.mark, path, key_too_long(key.scalar.size(), limits));
      return false;
    }
    // yaml-cpp 0.7 does not implement merge keys: "<<" would be an ordinary
    // key, and the merged keys silently missing.
    if (key.scalar == "<<" && in.Tag() != "!") {
      diag.error(key.mark, path.empty() ? "<<" : path + ".<<",
                 "YAML merge keys ('<<: *anchor') are not supported; write the keys out "
                 "(an alias '*anchor' can still stand for a whole value)");
      return false;
    }
    return true;
  }

  bool convert(const YAML::Node& in, ConfigTreeNode& out, int depth, const std::string& path) {
    if (++nodes > limits.max_nodes) {
      diag.error(to_mark(in.Mark(), file), path,
                 "document too large: more than " + std::to_string(limits.max_nodes) +
                     " nodes after alias expansion");
      return false;
    }
    if (depth > limits.max_depth) {
      diag.error(to_mark(in.Mark(), file), path,
                 "nesting deeper than " + std::to_string(limits.max_depth) + " levels");
      return false;
    }
    out.mark = to_mark(in.Mark(), file);
    switch (in.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out.kind = ConfigNode::Kind::Null;
        return true;
      case YAML::NodeType::Scalar:
        out.kind = ConfigNode::Kind::Scalar;
        out.scalar = in.Scalar();
        out.quoted = (in.Tag() == "!");
        // yaml-cpp passes bytes that are not UTF-8 through; they would reach
        // the HDF5 attributes and the JSON of `report` as they are.
        if (const std::string bad = utf8_problem(out.scalar); !bad.empty())
          diag.error(out.mark, path, "value is " + bad);
        if (in.Mark().pos >= 0)
          out.segments = map_scalar_source(text, static_cast<std::size_t>(in.Mark().pos), out.mark.line,
                                           out.mark.column, out.scalar);
        return true;
      case YAML::NodeType::Sequence: {
        out.kind = ConfigNode::Kind::Sequence;
        out.seq.reserve(in.size());
        std::size_t i = 0;
        for (const auto& item : in) {
          out.seq.emplace_back();
          if (!convert(item, out.seq.back(), depth + 1, path + "[" + std::to_string(i++) + "]"))
            return false;
        }
        return true;
      }
      case YAML::NodeType::Map: {
        out.kind = ConfigNode::Kind::Map;
        // Keys seen so far -> line: a linear scan per key made a map of n keys
        // cost O(n^2) (80 000 keys took minutes).
        std::unordered_map<std::string, int> seen;
        for (const auto& kv : in) {
          ConfigTreeNode key;
          key.mark = to_mark(kv.first.Mark(), file);
          if (!kv.first.IsScalar()) {
            diag.error(key.mark, path, "map keys must be plain words");
            return false;
          }
          key.kind = ConfigNode::Kind::Scalar;
          key.scalar = kv.first.Scalar();
          if (!check_key(kv.first, key, path)) continue;
          const std::string child_path = path.empty() ? key.scalar : path + "." + key.scalar;
          const auto [first, inserted] = seen.emplace(key.scalar, key.mark.line);
          if (!inserted) {
            diag.error(key.mark, child_path,
                       "duplicate key (first given at line " + std::to_string(first->second) + ")");
          }
          ConfigTreeNode value;
          if (!convert(kv.second, value, depth + 1, child_path)) return false;
          out.map.emplace_back(std::move(key), std::move(value));
        }
        return true;
      }
    }
    return true;
  }
};

// Counts the nodes of the first document as if every alias were expanded,
// from the parser's events alone, and stops at the first alias that takes the
// count past the limit. A few hundred bytes of nested aliases ("billion
// laughs") expand to billions of nodes; without this the tree conversion
// would build max_nodes nodes (seconds, hundreds of MB) before refusing.
class AliasExpansionCounter final : public YAML::EventHandler {
 public:
  AliasExpansionCounter(std::size_t limit, const std::string& file) : limit_(limit), file_(file) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override { leaf(anchor); }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, const std::string&) override {
    leaf(anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto it = size_.find(anchor);
    // An alias to a node still open (recursive) is left to yaml-cpp to reject.
    count_ += it == size_.end() ? 1 : it->second;
    if (count_ > limit_) {
      throw ScenarioError(to_mark(mark, file_), "",
                          "document too large: more than " + std::to_string(limit_) +
                              " nodes after alias expansion");
    }
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  void leaf(YAML::anchor_t anchor) {
    ++count_;
    if (anchor != YAML::NullAnchor) size_[anchor] = 1;
  }
  void open(YAML::anchor_t anchor) {
    open_.push_back({anchor, count_});
    ++count_;
  }
  void close() {
    if (open_.empty()) return;
    const auto [anchor, start] = open_.back();
    open_.pop_back();
    if (anchor != YAML::NullAnchor) size_[anchor] = count_ - start;
  }

  std::size_t limit_;
  const std::string& file_;
  std::size_t count_ = 0;  // never exceeds limit_ + the largest anchor size: no overflow
  std::unordered_map<YAML::anchor_t, std::size_t> size_;
  std::vector<std::pair<YAML::anchor_t, std::size_t>> open_;
};

// Where the second document's root node starts (line -1 if there is none).
class SecondDocumentProbe final : public YAML::EventHandler {
 public:
  YAML::Mark start;  // the document's start
  YAML::Mark root;   // the first node event's mark; line -1 until one is seen
  SecondDocumentProbe() : start(YAML::Mark::null_mark()), root(YAML::Mark::null_mark()) {}
  void OnDocumentStart(const YAML::Mark& m) override { start = m; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { node(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { node(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override { node(m); }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(m);
  }
  void OnMapEnd() override {}

 private:
  void node(const YAML::Mark& m) {
    if (root.line < 0) root = m;
  }
};

// One pass of yaml-cpp's event parser before the text is loaded: the first
// document's nodes are counted as if every alias were expanded (refused past
// the limit), and the second document, if any, is found; its mark is returned
// (line -1 if there is none). Syntax errors of the first document are left to
// YAML::Load, which reports them with their position; those of the second
// propagate. Not YAML::LoadAll: on some malformed texts yaml-cpp's parser
// reports a new, empty document at the same place on every call without
// consuming input, and LoadAll loops for ever, appending documents until
// memory runs out (found by fuzz_user_model; jbeder/yaml-cpp#1319). Asking for
// two documents is bounded.
YAML::Mark scan_documents(const std::string& text, const std::string& name, const ConfigLimits& limits) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  // Without a '*' no alias can occur: nothing to limit (the tree conversion
  // counts real nodes against max_nodes with its own message).
  const bool aliases = text.find('*') != std::string::npos;
  AliasExpansionCounter counter(aliases ? limits.max_nodes : std::numeric_limits<std::size_t>::max(), name);
  try {
    if (!parser.HandleNextDocument(counter)) return YAML::Mark::null_mark();
  } catch (const YAML::Exception&) {
    return YAML::Mark::null_mark();
  }
  SecondDocumentProbe probe;
  if (!parser.HandleNextDocument(probe)) return YAML::Mark::null_mark();
  // LoadAll marked a document by its root node; one without a node by its start.
  return probe.root.line >= 0 ? probe.root : probe.start;
}

std::shared_ptr<const ConfigTreeNode> parse(const std::string& text, const std::string& name,
                                            const ConfigLimits& limits) {
  if (text.size() > limits.max_bytes) {
    throw ScenarioError(SourceMark{name, 0, 0}, "",
                        "file is " + std::to_string(text.size()) + " bytes; the limit is " +
                            std::to_string(limits.max_bytes));
  }
  if (text.find('\0') != std::string::npos) {
    throw ScenarioError(SourceMark{name, 0, 0}, "", "file contains NUL bytes: not a YAML text file");
  }
  YAML::Node doc;
  YAML::Mark second;
  try {
    second = scan_documents(text, name, limits);
    doc = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ScenarioError(syntax_error(e, text, name, limits));
  }
  if (second.line >= 0) {
    // YAML::Load reads the first document and drops the rest unseen.
    const SourceMark at = to_mark(second, name);
    throw ScenarioError(document_marker(text, at.line, at.column, name), "",
                        "a second YAML document starts here; a file holds one document (nothing from here on "
                        "would be read)");
  }
  auto root = std::make_shared<ConfigTreeNode>();
  Converter conv{text, name, limits, 0, {}};
  try {
    conv.convert(doc, *root, 0, "");
  } catch (const YAML::Exception& e) {
    conv.diag.error(to_mark(e.mark, name), "", "YAML error: " + e.msg);
  }
  conv.diag.throw_if_any();
  return root;
}

}  // namespace

ConfigNode::ConfigNode(std::shared_ptr<const ConfigTreeNode> root, const ConfigTreeNode* node,
                       const ConfigTreeNode* key_node, std::string path, SourceMark missing_mark)
    : root_(std::move(root)),
      node_(node),
      key_node_(key_node),
      path_(std::move(path)),
      missing_mark_(std::move(missing_mark)) {}

ConfigNode ConfigNode::load_string(const std::string& text, const std::string& name,
                                   const ConfigLimits& limits) {
  auto root = parse(text, name, limits);
  const ConfigTreeNode* raw = root.get();
  return ConfigNode(std::move(root), raw, nullptr, "", SourceMark{name, 1, 1});
}

ConfigNode ConfigNode::load_file(const std::string& path, std::string* text_out,
                                 const ConfigLimits& limits) {
  std::string text;
  const std::string why = read_input_file(path, limits.max_bytes, text);
  if (!why.empty()) throw ScenarioError(SourceMark{path, 0, 0}, "", why);
  if (text_out) *text_out = text;
  return load_string(text, path, limits);
}

ConfigNode::Kind ConfigNode::kind() const { return node_ ? node_->kind : Kind::Missing; }

SourceMark ConfigNode::mark() const { return node_ ? node_->mark : missing_mark_; }

SourceMark ConfigNode::key_mark() const { return key_node_ ? key_node_->mark : mark(); }

const std::string& ConfigNode::scalar() const {
  static const std::string empty;
  return (node_ && node_->kind == Kind::Scalar) ? node_->scalar : empty;
}

bool ConfigNode::is_quoted() const { return node_ && node_->quoted; }

std::vector<std::string> ConfigNode::keys() const {
  std::vector<std::string> out;
  if (!is_map()) return out;
  for (const auto& kv : node_->map) out.push_back(kv.first.scalar);
  return out;
}

bool ConfigNode::has(const std::string& key) const {
  if (!is_map()) return false;
  return std::any_of(node_->map.begin(), node_->map.end(),
                     [&](const auto& kv) { return kv.first.scalar == key; });
}

ConfigNode ConfigNode::get(const std::string& key) const {
  const std::string child_path = path_.empty() ? key : path_ + "." + key;
  if (is_map()) {
    for (const auto& kv : node_->map) {
      if (kv.first.scalar == key) return ConfigNode(root_, &kv.second, &kv.first, child_path, {});
    }
  }
  return ConfigNode(root_, nullptr, nullptr, child_path, mark());
}

ConfigNode ConfigNode::value_at(std::size_t i) const {
  if (!is_map() || i >= node_->map.size()) return ConfigNode(root_, nullptr, nullptr, path_, mark());
  const auto& kv = node_->map[i];
  return ConfigNode(root_, &kv.second, &kv.first, path_.empty() ? kv.first.scalar : path_ + "." + kv.first.scalar, {});
}

std::size_t ConfigNode::size() const {
  if (is_sequence()) return node_->seq.size();
  if (is_map()) return node_->map.size();
  return 0;
}

ConfigNode ConfigNode::at(std::size_t i) const {
  const std::string child_path = path_ + "[" + std::to_string(i) + "]";
  if (is_sequence() && i < node_->seq.size()) {
    return ConfigNode(root_, &node_->seq[i], nullptr, child_path, {});
  }
  return ConfigNode(root_, nullptr, nullptr, child_path, mark());
}

std::string ConfigNode::describe() const {
  switch (kind()) {
    case Kind::Missing: return "nothing";
    case Kind::Null: return "null";
    case Kind::Sequence: return "a list";
    case Kind::Map: return "a map";
    case Kind::Scalar: break;
  }
  return quote_for_message(scalar());
}

}  // namespace twinsim::core
