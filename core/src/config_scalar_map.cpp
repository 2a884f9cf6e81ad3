// Maps bytes of a scalar's value back to their place in the YAML text, so that
// an error inside an equation block points at the character, not at the key.
// yaml-cpp gives only the node's start; the value of a block or quoted scalar
// is the source with indentation, quotes, escapes and line folding removed.
// This walks the source from the node's start in step with the value; where
// the two disagree (a layout not understood here), the rest of the value maps
// to the node's mark, never to a wrong place. No yaml-cpp here.
#include "config_tree.hpp"

#include <algorithm>

namespace twinsim::core {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// A cursor on the source text that knows its 1-based line and column.
struct Cursor {
  const std::string& text;
  std::size_t pos;
  int line;
  int column;

  bool done() const { return pos >= text.size(); }
  char peek(std::size_t k = 0) const { return pos + k < text.size() ? text[pos + k] : '\0'; }
  void advance() {
    if (done()) return;
    if (text[pos] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    ++pos;
  }
  void skip_line() {
    while (!done() && peek() != '\n') advance();
    advance();
  }
};

// Builds the segment list, merging runs that continue on the same line.
struct Segments {
  std::vector<ScalarSegment> items;
  void at(std::size_t offset, int line, int column) {
    if (!items.empty()) {
      const ScalarSegment& last = items.back();
      if (!last.frozen && last.line == line &&
          static_cast<std::size_t>(column - last.column) == offset - last.offset)
        return;  // continues the current run
    }
    items.push_back({offset, line, column, false});
  }
  void give_up(std::size_t offset, int line, int column) { items.push_back({offset, line, column, true}); }
};

// Literal (|) and folded (>) block scalars: every non-empty content line,
// less the block's indentation, is a verbatim run of the value; line breaks
// become '\n' or ' ' between runs.
void map_block(Cursor c, const std::string& value, Segments& out, const SourceMark& mark) {
  c.skip_line();  // the header: indicator, chomping, indentation digit, comment
  // Indentation: that of the first non-empty line (the explicit digit form is
  // checked by the run comparison below like everything else).
  std::size_t indent = std::string::npos;
  for (std::size_t p = c.pos; p < c.text.size();) {
    std::size_t q = p;
    while (q < c.text.size() && c.text[q] == ' ') ++q;
    if (q < c.text.size() && c.text[q] != '\n' && c.text[q] != '\r') {
      indent = q - p;
      break;
    }
    const std::size_t nl = c.text.find('\n', q);
    if (nl == std::string::npos) break;
    p = nl + 1;
  }
  if (indent == std::string::npos) return;
  std::size_t v = 0;
  while (v < value.size() && !c.done()) {
    const std::size_t line_end = std::min(c.text.find('\n', c.pos), c.text.size());
    std::size_t end = line_end;
    if (end > c.pos && c.text[end - 1] == '\r') --end;
    if (end - c.pos > indent) {
      const std::size_t start = c.pos + indent;
      const std::size_t len = end - start;
      while (v < value.size() && value.compare(v, len, c.text, start, len) != 0 &&
             (value[v] == '\n' || value[v] == ' '))
        ++v;
      if (value.compare(v, len, c.text, start, len) != 0) {
        out.give_up(v, mark.line, mark.column);
        return;
      }
      out.at(v, c.line, static_cast<int>(indent) + 1);
      v += len;
    }
    c.skip_line();
  }
}

// Number of UTF-8 bytes yaml-cpp writes for an escaped code point.
std::size_t utf8_length(unsigned long cp) {
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}

// Quoted (quote = '"' or '\'') and plain (quote = 0) flow scalars.
void map_flow(Cursor c, char quote, const std::string& value, Segments& out, const SourceMark& mark) {
  if (quote) c.advance();
  std::size_t v = 0;
  bool fresh = true;  // the next matched byte starts a new run
  while (v < value.size()) {
    if (c.done() || (quote && c.peek() == quote && !(quote == '\'' && c.peek(1) == '\''))) break;
    const char ch = c.peek();
    if (quote == '"' && ch == '\\') {
      const char e = c.peek(1);
      if (e == '\n' || e == '\r') {  // escaped line break: joins the lines
        c.advance();
        c.skip_line();
        while (is_blank(c.peek())) c.advance();
        fresh = true;
        continue;
      }
      std::size_t hex = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
      std::size_t produced = 1;
      if (hex) {
        unsigned long cp = 0;
        for (std::size_t k = 0; k < hex; ++k) {
          const char h = c.peek(2 + k);
          const int d = (h >= '0' && h <= '9') ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                                                         : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
          if (d < 0) {
            out.give_up(v, mark.line, mark.column);
            return;
          }
          cp = cp * 16 + static_cast<unsigned long>(d);
        }
        produced = utf8_length(cp);
      }
      out.items.push_back({v, c.line, c.column, false});
      v += produced;
      for (std::size_t k = 0; k < 2 + hex; ++k) c.advance();
      fresh = true;
      continue;
    }
    // A line break, with the blanks around it, folds to one space, or to n-1
    // newlines for n breaks in a row.
    std::size_t look = c.pos;
    while (look < c.text.size() && is_blank(c.text[look])) ++look;
    if (look < c.text.size() && c.text[look] == '\n') {
      int breaks = 0;
      while (!c.done() && (is_blank(c.peek()) || c.peek() == '\n')) {
        if (c.peek() == '\n') ++breaks;
        c.advance();
      }
      std::size_t take = breaks == 1 ? 1 : static_cast<std::size_t>(breaks - 1);
      while (take > 0 && v < value.size() && (value[v] == ' ' || value[v] == '\n')) {
        ++v;
        --take;
      }
      fresh = true;
      continue;
    }
    const std::size_t width = (quote == '\'' && ch == '\'') ? 2 : 1;  // '' is one quote
    if (value[v] != ch) {
      out.give_up(v, mark.line, mark.column);
      return;
    }
    if (fresh || width == 2) out.items.push_back({v, c.line, c.column, false});
    else out.at(v, c.line, c.column);
    fresh = width == 2;
    ++v;
    for (std::size_t k = 0; k < width; ++k) c.advance();
  }
  if (v < value.size()) out.give_up(v, mark.line, mark.column);
}

}  // namespace

std::vector<ScalarSegment> map_scalar_source(const std::string& text, std::size_t pos, int line, int column,
                                             const std::string& value) {
  if (value.empty() || pos >= text.size() || line <= 0) return {};
  Cursor c{text, pos, line, column};
  // Node properties (&anchor, !tag) come before the scalar itself.
  while (!c.done() && (c.peek() == '&' || c.peek() == '!')) {
    while (!c.done() && !is_blank(c.peek()) && c.peek() != '\n') c.advance();
    while (!c.done() && (is_blank(c.peek()) || c.peek() == '\n')) c.advance();
  }
  const char first = c.peek();
  const bool plain_one_line = first != '|' && first != '>' && first != '"' && first != '\'' &&
                              value.find('\n') == std::string::npos &&
                              text.compare(c.pos, value.size(), value) == 0;
  if (plain_one_line && c.pos == pos) return {};  // mark + offset is exact
  const SourceMark mark{"", line, column};
  Segments out;
  if (first == '|' || first == '>') map_block(c, value, out, mark);
  else map_flow(c, (first == '"' || first == '\'') ? first : '\0', value, out, mark);
  if (out.items.empty()) out.give_up(0, line, column);
  return std::move(out.items);
}

SourceMark ConfigNode::scalar_mark(std::size_t offset) const {
  SourceMark m = mark();
  if (!node_ || node_->kind != Kind::Scalar) return m;
  offset = std::min(offset, node_->scalar.size());
  const auto& segs = node_->segments;
  if (segs.empty()) {
    m.column += static_cast<int>(offset);
    return m;
  }
  auto it = std::upper_bound(segs.begin(), segs.end(), offset,
                             [](std::size_t o, const ScalarSegment& s) { return o < s.offset; });
  if (it == segs.begin()) return m;
  --it;
  m.line = it->line;
  m.column = it->frozen ? it->column : it->column + static_cast<int>(offset - it->offset);
  return m;
}

}  // namespace twinsim::core
