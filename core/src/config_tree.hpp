// The owned YAML tree behind ConfigNode, shared by config.cpp (parsing, reading)
// and config_edit.cpp (overrides, YAML text). Internal to core.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "twinsim/core/config.hpp"

namespace twinsim::core {

// Where a run of a scalar's value starts in the source: value bytes from
// `offset` on lie at (line, column + k) until the next segment. `frozen`: the
// source layout was not understood; every offset from here maps to (line, column).
struct ScalarSegment {
  std::size_t offset = 0;
  int line = 0;
  int column = 0;
  bool frozen = false;
};

// Segments of a scalar whose value is not a verbatim copy of one source line
// (block, quoted, multi-line plain); empty for a one-line plain scalar. `pos`,
// `line`, `column`: the node's mark (0-based byte offset, 1-based line/col).
std::vector<ScalarSegment> map_scalar_source(const std::string& text, std::size_t pos, int line, int column,
                                             const std::string& value);

struct ConfigTreeNode {
  ConfigNode::Kind kind = ConfigNode::Kind::Null;
  std::string scalar;
  bool quoted = false;
  SourceMark mark;
  std::vector<ScalarSegment> segments;  // scalars only; see ScalarSegment
  std::vector<std::pair<ConfigTreeNode, ConfigTreeNode>> map;  // key node, value node
  std::vector<ConfigTreeNode> seq;
};

// Text-level checks (config_text.cpp), for messages that name the cause.
// Offset of the first byte of s that is not part of valid UTF-8, or npos.
std::size_t invalid_utf8_offset(const std::string& s);
// "" if s is valid UTF-8, else "not valid UTF-8: byte 3 is 0xE9; ...".
std::string utf8_problem(const std::string& s);
// The last tab in the indentation of lines 1..up_to_line (line 0 if none).
SourceMark tab_in_indentation(const std::string& text, int up_to_line, const std::string& file);
// Length (quotes excluded) and 1-based column of the longest key on 1-based
// `line`; {0, 0} if it has none.
std::pair<std::size_t, int> longest_key_on_line(const std::string& text, int line);
// Where a document whose first node is at line:column starts: its "---" line,
// else line:column itself.
SourceMark document_marker(const std::string& text, int line, int column, const std::string& file);

}  // namespace twinsim::core
