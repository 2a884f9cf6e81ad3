// The one file that talks to yaml-cpp. The parsed document is copied into an
// owned tree so that positions, duplicate keys and size limits are checked once.
#include "twinsim/core/config.hpp"

#include "config_tree.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unordered_map>

namespace twinsim::core {

namespace {

SourceMark to_mark(const YAML::Mark& m, const std::string& file) {
  // yaml-cpp marks are 0-based; a null mark has line -1.
  if (m.line < 0) return SourceMark{file, 0, 0};
  return SourceMark{file, m.line + 1, m.column + 1};
}

struct Converter {
  const std::string& text;
  const std::string& file;
  const ConfigLimits& limits;
  std::size_t nodes = 0;
  Diagnostics diag;

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
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
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

void check_alias_expansion(const std::string& text, const std::string& name, const ConfigLimits& limits) {
  if (text.find('*') == std::string::npos) return;  // no alias can occur
  std::istringstream in(text);
  AliasExpansionCounter counter(limits.max_nodes, name);
  try {
    YAML::Parser parser(in);
    parser.HandleNextDocument(counter);
  } catch (const YAML::Exception&) {
    // Syntax errors are reported, with their position, by YAML::Load below.
  }
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
  check_alias_expansion(text, name, limits);
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ScenarioError(to_mark(e.mark, name), "", "YAML syntax error: " + e.msg);
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
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(SourceMark{path, 0, 0}, "", "cannot open file");
  std::ostringstream ss;
  // Read at most one byte past the limit so a huge file is not slurped whole.
  std::string text;
  text.resize(limits.max_bytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw ScenarioError(SourceMark{path, 0, 0}, "", "cannot read file");
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
  std::string s = scalar();
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return "'" + s + "'";
}

// ---------------------------------------------------------------------------

bool Range::contains(double v) const {
  if (lo_open ? !(v > lo) : !(v >= lo)) return false;
  if (hi_open ? !(v < hi) : !(v <= hi)) return false;
  return true;
}

std::string format_number(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 1e15) {
    return std::to_string(static_cast<long long>(v));
  }
  for (int prec = 6; prec <= 17; ++prec) {
    std::ostringstream os;
    os.precision(prec);
    os << v;
    if (prec == 17 || std::strtod(os.str().c_str(), nullptr) == v) return os.str();
  }
  return std::to_string(v);
}

std::string Range::describe() const {
  const bool lo_inf = std::isinf(lo), hi_inf = std::isinf(hi);
  if (lo_inf && hi_inf) return "finite";
  if (hi_inf) return std::string(lo_open ? "> " : ">= ") + format_number(lo);
  if (lo_inf) return std::string(hi_open ? "< " : "<= ") + format_number(hi);
  return std::string("in ") + (lo_open ? "(" : "[") + format_number(lo) + ", " + format_number(hi) +
         (hi_open ? ")" : "]");
}

namespace {

bool expect_scalar(const ConfigNode& n, Diagnostics& diag, const char* what) {
  if (n.is_scalar()) return true;
  diag.error(n.mark(), n.path(), std::string("expected ") + what + ", got " + n.describe());
  return false;
}

bool parse_strict_double(const std::string& s, double& out) {
  if (s.empty()) return false;
  // Only decimal notation: digits, sign, point, exponent. Rejects nan, inf, 0x.., "1e".
  for (char c : s) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.' ||
          c == 'e' || c == 'E' || c == '_'))
      return false;
  }
  std::string clean;
  for (char c : s)
    if (c != '_') clean += c;
  errno = 0;
  char* end = nullptr;
  out = std::strtod(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size() || errno == ERANGE || !std::isfinite(out)) return false;
  return true;
}

}  // namespace

std::optional<double> read_double(const ConfigNode& n, Diagnostics& diag, const Range& range) {
  if (!expect_scalar(n, diag, "a number")) return std::nullopt;
  double v = 0.0;
  if (n.is_quoted() || !parse_strict_double(n.scalar(), v)) {
    diag.error(n.mark(), n.path(), "expected a finite number, got " + n.describe());
    return std::nullopt;
  }
  if (!range.contains(v)) {
    diag.error(n.mark(), n.path(), "must be " + range.describe() + " (got " + n.scalar() + ")");
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> read_int(const ConfigNode& n, Diagnostics& diag, const Range& range) {
  if (!expect_scalar(n, diag, "an integer")) return std::nullopt;
  const std::string& s = n.scalar();
  bool ok = !n.is_quoted() && !s.empty();
  for (std::size_t i = 0; ok && i < s.size(); ++i) {
    const char c = s[i];
    ok = std::isdigit(static_cast<unsigned char>(c)) || (i == 0 && (c == '-' || c == '+'));
  }
  long long v = 0;
  if (ok) {
    errno = 0;
    char* end = nullptr;
    v = std::strtoll(s.c_str(), &end, 10);
    ok = errno != ERANGE && end == s.c_str() + s.size();
  }
  if (!ok) {
    // Whole numbers in exponent notation ("1e4", "1e12") are integers too, so
    // an absurd size is answered with the limit it breaks, not a type error.
    double d = 0.0;
    if (n.is_quoted() || !parse_strict_double(s, d) || d != std::floor(d)) {
      diag.error(n.mark(), n.path(), "expected an integer, got " + n.describe());
      return std::nullopt;
    }
    if (!range.contains(d) || std::abs(d) >= 9.2e18) {
      diag.error(n.mark(), n.path(), "must be " + range.describe() + " (got " + s + ")");
      return std::nullopt;
    }
    v = static_cast<long long>(d);
  }
  if (!range.contains(static_cast<double>(v))) {
    diag.error(n.mark(), n.path(), "must be " + range.describe() + " (got " + s + ")");
    return std::nullopt;
  }
  return static_cast<std::int64_t>(v);
}

std::optional<bool> read_bool(const ConfigNode& n, Diagnostics& diag) {
  if (!expect_scalar(n, diag, "true or false")) return std::nullopt;
  const std::string& s = n.scalar();
  if (!n.is_quoted()) {
    if (s == "true" || s == "True" || s == "TRUE" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "False" || s == "FALSE" || s == "no" || s == "off") return false;
  }
  diag.error(n.mark(), n.path(), "expected true or false, got " + n.describe());
  return std::nullopt;
}

std::optional<std::string> read_string(const ConfigNode& n, Diagnostics& diag) {
  if (!expect_scalar(n, diag, "a string")) return std::nullopt;
  return n.scalar();
}

std::optional<std::string> read_choice(const ConfigNode& n, Diagnostics& diag,
                                       const std::vector<std::string>& choices) {
  auto s = read_string(n, diag);
  if (!s) return std::nullopt;
  if (std::find(choices.begin(), choices.end(), *s) != choices.end()) return s;
  std::string msg = "unknown value '" + *s + "'";
  const std::string hint = closest_match(*s, choices);
  if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
  msg += "; expected one of:";
  for (std::size_t i = 0; i < choices.size(); ++i) msg += (i ? ", " : " ") + choices[i];
  diag.error(n.mark(), n.path(), msg);
  return std::nullopt;
}

std::optional<std::vector<double>> read_double_list(const ConfigNode& n, Diagnostics& diag,
                                                    const Range& range, std::size_t max_size) {
  if (!n.is_sequence()) {
    diag.error(n.mark(), n.path(), "expected a list of numbers, got " + n.describe());
    return std::nullopt;
  }
  if (n.size() > max_size) {
    diag.error(n.mark(), n.path(),
               "list has " + std::to_string(n.size()) + " elements; the limit is " +
                   std::to_string(max_size));
    return std::nullopt;
  }
  std::vector<double> out;
  out.reserve(n.size());
  bool ok = true;
  for (std::size_t i = 0; i < n.size(); ++i) {
    auto v = read_double(n.at(i), diag, range);
    if (v) out.push_back(*v);
    else ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  const std::string w = lower(word);
  std::string best;
  std::size_t best_d = std::string::npos;
  for (const auto& cand : candidates) {
    const std::string c = lower(cand);
    std::vector<std::size_t> prev(c.size() + 1), cur(c.size() + 1);
    for (std::size_t j = 0; j <= c.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= w.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= c.size(); ++j) {
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (w[i - 1] == c[j - 1] ? 0 : 1)});
      }
      std::swap(prev, cur);
    }
    if (prev[c.size()] < best_d) {
      best_d = prev[c.size()];
      best = cand;
    }
  }
  // Allow roughly one typo per three characters, at least one, at most three.
  const std::size_t allowed = std::min<std::size_t>(3, std::max<std::size_t>(1, word.size() / 3));
  return best_d <= allowed ? best : std::string();
}

// ---------------------------------------------------------------------------

MapReader::MapReader(const ConfigNode& node, Diagnostics& diag) : node_(node), diag_(diag) {
  if (node.is_map()) {
    valid_ = true;
  } else if (!node.is_missing()) {
    diag_.error(node.mark(), node.path(), "expected a map of keys, got " + node.describe());
  }
}

bool MapReader::has(const std::string& key) {
  known_.push_back(key);
  return node_.has(key);
}

ConfigNode MapReader::get(const std::string& key) {
  known_.push_back(key);
  return node_.get(key);
}

ConfigNode MapReader::require(const std::string& key) {
  ConfigNode n = get(key);
  if (n.is_missing() && valid_) {
    diag_.error(node_.mark(), n.path(), "required key is missing");
  }
  return n;
}

std::optional<double> MapReader::required_double(const std::string& key, const Range& range) {
  ConfigNode n = require(key);
  if (n.is_missing()) return std::nullopt;
  return read_double(n, diag_, range);
}

double MapReader::optional_double(const std::string& key, double fallback, const Range& range) {
  ConfigNode n = get(key);
  if (n.is_missing()) return fallback;
  return read_double(n, diag_, range).value_or(fallback);
}

std::optional<std::int64_t> MapReader::required_int(const std::string& key, const Range& range) {
  ConfigNode n = require(key);
  if (n.is_missing()) return std::nullopt;
  return read_int(n, diag_, range);
}

std::int64_t MapReader::optional_int(const std::string& key, std::int64_t fallback,
                                     const Range& range) {
  ConfigNode n = get(key);
  if (n.is_missing()) return fallback;
  return read_int(n, diag_, range).value_or(fallback);
}

std::optional<std::string> MapReader::required_string(const std::string& key) {
  ConfigNode n = require(key);
  if (n.is_missing()) return std::nullopt;
  return read_string(n, diag_);
}

std::string MapReader::optional_string(const std::string& key, const std::string& fallback) {
  ConfigNode n = get(key);
  if (n.is_missing()) return fallback;
  return read_string(n, diag_).value_or(fallback);
}

bool MapReader::optional_bool(const std::string& key, bool fallback) {
  ConfigNode n = get(key);
  if (n.is_missing()) return fallback;
  return read_bool(n, diag_).value_or(fallback);
}

std::optional<std::string> MapReader::required_choice(const std::string& key,
                                                      const std::vector<std::string>& choices) {
  ConfigNode n = require(key);
  if (n.is_missing()) return std::nullopt;
  return read_choice(n, diag_, choices);
}

std::string MapReader::optional_choice(const std::string& key,
                                       const std::vector<std::string>& choices,
                                       const std::string& fallback) {
  ConfigNode n = get(key);
  if (n.is_missing()) return fallback;
  return read_choice(n, diag_, choices).value_or(fallback);
}

void MapReader::finish() {
  if (!valid_) return;
  std::vector<std::string> unique = known_;
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  const auto keys = node_.keys();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string& key = keys[i];
    if (std::binary_search(unique.begin(), unique.end(), key)) continue;
    std::string msg = "unknown key '" + key + "'";
    const std::string hint = closest_match(key, unique);
    if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
    // By position: get(key) is a linear search, which made n unknown keys O(n^2).
    const ConfigNode child = node_.value_at(i);
    diag_.error(child.key_mark(), child.path(), msg);
  }
}

}  // namespace twinsim::core
