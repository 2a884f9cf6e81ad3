// Text-level checks behind the YAML reader's messages: what yaml-cpp accepts
// silently (bytes that are not UTF-8) or reports only by its symptom ("illegal
// map value" for a tab or a 2000-character key). No yaml-cpp here: these look
// at the file's bytes and at 1-based line:col positions.
#include <algorithm>
#include <cctype>
#include <cstdio>

#include "config_tree.hpp"

namespace twinsim::core {

namespace {

// Byte offset of the start of 1-based `line`, or npos past the end.
std::size_t line_start(const std::string& text, int line) {
  std::size_t pos = 0;
  for (int l = 1; l < line; ++l) {
    pos = text.find('\n', pos);
    if (pos == std::string::npos) return pos;
    ++pos;
  }
  return pos;
}

std::string line_at(const std::string& text, std::size_t start) {
  const std::size_t end = text.find('\n', start);
  return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// Start of the line before the one that starts at `start` (> 0).
std::size_t prev_line_start(const std::string& text, std::size_t start) {
  if (start < 2) return 0;
  const std::size_t nl = text.rfind('\n', start - 2);
  return nl == std::string::npos ? 0 : nl + 1;
}

bool blank_or_comment(const std::string& line) {
  for (char c : line) {
    if (c == '#') return true;
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

}  // namespace

std::size_t invalid_utf8_offset(const std::string& s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    // Lead byte: sequence length and the range of the second byte (RFC 3629
    // table 4), which excludes overlong forms, UTF-16 surrogates and code
    // points above U+10FFFF.
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) len = 2;
    else if (b == 0xE0) len = 3, lo = 0xA0;
    else if (b >= 0xE1 && b <= 0xEC) len = 3;
    else if (b == 0xED) len = 3, hi = 0x9F;
    else if (b >= 0xEE && b <= 0xEF) len = 3;
    else if (b == 0xF0) len = 4, lo = 0x90;
    else if (b >= 0xF1 && b <= 0xF3) len = 4;
    else if (b == 0xF4) len = 4, hi = 0x8F;
    else return i;
    if (i + len > n) return i;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if (b1 < lo || b1 > hi) return i;
    for (std::size_t k = 2; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if (c < 0x80 || c > 0xBF) return i;
    }
    i += len;
  }
  return std::string::npos;
}

std::string utf8_problem(const std::string& s) {
  const std::size_t at = invalid_utf8_offset(s);
  if (at == std::string::npos) return "";
  char byte[8];
  std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(s[at])));
  return "not valid UTF-8: byte " + std::to_string(at + 1) + " is " + byte + "; save the file as UTF-8";
}

SourceMark tab_in_indentation(const std::string& text, int up_to_line, const std::string& file) {
  SourceMark found{file, 0, 0};
  std::size_t pos = 0;
  for (int line = 1; line <= up_to_line && pos < text.size(); ++line) {
    for (std::size_t i = pos; i < text.size() && (text[i] == ' ' || text[i] == '\t'); ++i) {
      if (text[i] == '\t') {
        found = SourceMark{file, line, static_cast<int>(i - pos) + 1};
        break;
      }
    }
    const std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return found;
}

std::pair<std::size_t, int> longest_key_on_line(const std::string& text, int line) {
  const std::size_t start = line_start(text, line);
  if (start == std::string::npos) return {0, 0};
  const std::string l = line_at(text, start);
  std::pair<std::size_t, int> longest{0, 0};
  std::size_t key = 0;  // where the current key starts
  for (std::size_t i = 0; i < l.size(); ++i) {
    const char c = l[i];
    if (c == '{' || c == '[' || c == ',') {
      key = i + 1;
    } else if (c == ':' && (i + 1 == l.size() || l[i + 1] == ' ' || l[i + 1] == ',' || l[i + 1] == '}')) {
      // Trim indentation, "- " of list entries and quotes.
      std::size_t a = key, b = i;
      for (;;) {
        while (a < b && l[a] == ' ') ++a;
        if (a + 1 < b && l[a] == '-' && l[a + 1] == ' ') {
          a += 2;
          continue;
        }
        break;
      }
      while (b > a && l[b - 1] == ' ') --b;
      const int column = static_cast<int>(a) + 1;
      if (b - a >= 2 && (l[a] == '"' || l[a] == '\'') && l[b - 1] == l[a]) ++a, --b;
      if (b - a > longest.first) longest = {b - a, column};
      key = i + 1;
    }
  }
  return longest;
}

SourceMark document_marker(const std::string& text, int line, int column, const std::string& file) {
  const SourceMark fallback{file, line, column};
  std::size_t start = line_start(text, line);
  if (start == std::string::npos) start = text.size();
  // From the document's first node back over blank and comment lines: a
  // "---" line is the marker; anything else (a "..." end marker) means none.
  for (int l = line;; --l) {
    if (text.compare(start, 3, "---") == 0 &&
        (start + 3 >= text.size() || std::isspace(static_cast<unsigned char>(text[start + 3]))))
      return SourceMark{file, l, 1};
    if (l != line && !blank_or_comment(line_at(text, start))) return fallback;
    if (start == 0) return fallback;
    start = prev_line_start(text, start);
  }
}

}  // namespace twinsim::core
