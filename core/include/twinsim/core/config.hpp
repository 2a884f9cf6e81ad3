// Scenario-file helpers: a parsed YAML document as an owned tree that keeps the
// source position of every node, plus typed readers that collect diagnostics.
//
// Only core/src/config.cpp talks to yaml-cpp. yaml-cpp 0.7 silently accepts
// duplicate keys; the loader reports them itself.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "twinsim/core/error.hpp"
#include "twinsim/core/value_text.hpp"

namespace twinsim::core {

// Limits on input size so absurd files are rejected instead of attempted.
struct ConfigLimits {
  std::size_t max_bytes = 16u << 20;   // 16 MiB of YAML text
  int max_depth = 64;                  // nesting of maps and lists
  std::size_t max_nodes = 2'000'000;   // after alias expansion
  // Characters in one map key. No key or name twinsim reads comes close; a
  // longer one is a paste error, and every message about it would repeat it.
  // (YAML itself allows 1024 for a plain key; yaml-cpp says "illegal map value".)
  std::size_t max_key_chars = 256;
};

struct ConfigTreeNode;  // owned tree, defined in config.cpp

// A view of one node of a loaded document: kind, value, source position and the
// key path from the root ("designs[1].target"). Cheap to copy.
class ConfigNode {
 public:
  enum class Kind { Missing, Null, Scalar, Sequence, Map };

  // Parses a document. Syntax errors, duplicate keys and limit violations throw
  // ScenarioError with file:line:col.
  static ConfigNode load_file(const std::string& path, std::string* text_out = nullptr,
                              const ConfigLimits& limits = {});
  static ConfigNode load_string(const std::string& text, const std::string& name,
                                const ConfigLimits& limits = {});

  Kind kind() const;
  bool is_missing() const { return kind() == Kind::Missing; }
  bool is_null() const { return kind() == Kind::Null; }
  bool is_scalar() const { return kind() == Kind::Scalar; }
  bool is_sequence() const { return kind() == Kind::Sequence; }
  bool is_map() const { return kind() == Kind::Map; }

  const std::string& path() const { return path_; }
  // Position of the node; for a missing key, the position of its parent map.
  SourceMark mark() const;
  // Position of the key itself (for "unknown key" messages); equals mark() otherwise.
  SourceMark key_mark() const;

  // Scalars.
  const std::string& scalar() const;
  bool is_quoted() const;  // "100" written with quotes is a string, never a number
  // Source position of byte `offset` of scalar(), for errors inside a scalar's
  // text (an equation block): exact for plain, quoted ('' and \ escapes, line
  // folding) and block (| |- |+ > >-) scalars; the node's mark where the
  // layout is not understood. Past the end: the position after the last byte.
  SourceMark scalar_mark(std::size_t offset) const;

  // Maps: keys in file order.
  std::vector<std::string> keys() const;
  bool has(const std::string& key) const;
  ConfigNode get(const std::string& key) const;  // Kind::Missing if absent
  // The value of the i-th key of a map, in file order (keys()[i]); O(1), unlike get().
  ConfigNode value_at(std::size_t i) const;

  // Sequences.
  std::size_t size() const;
  ConfigNode at(std::size_t i) const;

  // "a map", "a list", "the number 3", "the string 'abc'", "null".
  std::string describe() const;

  // Editing, for sweeps. Returns a copy of this whole document (call it on the
  // root) in which the node at `path` is replaced by a copy of `value`; the
  // copy keeps value's source marks, so errors in it point into value's file.
  // Path syntax: "a.b[2].c" (list item by index) or "designs[boin].target"
  // (list item whose `name` is boin). The last key of a path may be new; any
  // other missing key, name or index is reported to diag at `where` (with a
  // "did you mean" hint) and *this is returned unchanged.
  ConfigNode with_override(const std::string& path, const ConfigNode& value, const SourceMark& where,
                           const std::string& key_path, Diagnostics& diag) const;
  // `path` (with_override's syntax) resolved in this document with every list
  // item given by its index, "designs[boin].target" -> "designs[0].target", so
  // two spellings of one key compare equal. "" if a step does not resolve
  // (with_override reports why).
  std::string canonical_path(const std::string& path) const;
  // YAML text that loads back to the same tree (marks aside): block style,
  // lists of scalars in flow style, strings quoted where plain text would
  // change meaning.
  std::string to_yaml() const;
  // The same text on one line (flow style), for tables and messages.
  std::string to_flow_yaml() const;

 private:
  ConfigNode(std::shared_ptr<const ConfigTreeNode> root, const ConfigTreeNode* node,
             const ConfigTreeNode* key_node, std::string path, SourceMark missing_mark);
  std::shared_ptr<const ConfigTreeNode> root_;
  const ConfigTreeNode* node_ = nullptr;
  const ConfigTreeNode* key_node_ = nullptr;
  std::string path_;
  SourceMark missing_mark_;
};

// Typed scalar conversion with diagnostics. Numbers are parsed strictly: the
// whole scalar must be a finite decimal number (no nan, inf, hex, or units).
std::optional<double> read_double(const ConfigNode& n, Diagnostics& diag, const Range& range = {});
std::optional<std::int64_t> read_int(const ConfigNode& n, Diagnostics& diag, const Range& range = {});
std::optional<bool> read_bool(const ConfigNode& n, Diagnostics& diag);
std::optional<std::string> read_string(const ConfigNode& n, Diagnostics& diag);
// One of a fixed set of words; the error lists the choices and suggests the nearest.
std::optional<std::string> read_choice(const ConfigNode& n, Diagnostics& diag,
                                       const std::vector<std::string>& choices);
std::optional<std::vector<double>> read_double_list(const ConfigNode& n, Diagnostics& diag,
                                                    const Range& range = {},
                                                    std::size_t max_size = 100000);

// Reads the keys of one map. Every key asked for is remembered; finish() reports
// the keys nobody asked for, with a "did you mean" hint from the known ones.
class MapReader {
 public:
  MapReader(const ConfigNode& node, Diagnostics& diag);

  bool valid() const { return valid_; }  // false if the node is not a map
  const ConfigNode& node() const { return node_; }
  Diagnostics& diagnostics() { return diag_; }

  bool has(const std::string& key);
  // The child node (Kind::Missing if absent); the key is marked as known.
  ConfigNode get(const std::string& key);
  // Reports "missing required key" when absent and returns a Missing node.
  ConfigNode require(const std::string& key);

  std::optional<double> required_double(const std::string& key, const Range& range = {});
  double optional_double(const std::string& key, double fallback, const Range& range = {});
  std::optional<std::int64_t> required_int(const std::string& key, const Range& range = {});
  std::int64_t optional_int(const std::string& key, std::int64_t fallback, const Range& range = {});
  std::optional<std::string> required_string(const std::string& key);
  std::string optional_string(const std::string& key, const std::string& fallback);
  bool optional_bool(const std::string& key, bool fallback);
  std::optional<std::string> required_choice(const std::string& key,
                                             const std::vector<std::string>& choices);
  std::string optional_choice(const std::string& key, const std::vector<std::string>& choices,
                              const std::string& fallback);

  // Declares keys that are valid here although not read (e.g. read elsewhere).
  void allow(const std::string& key) { known_.push_back(key); }
  // Reports every unknown key. Call once, after all reads.
  void finish();

 private:
  ConfigNode node_;
  Diagnostics& diag_;
  bool valid_ = false;
  std::vector<std::string> known_;
};

}  // namespace twinsim::core
