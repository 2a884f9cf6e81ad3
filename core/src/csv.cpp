// The one libcsv user. libcsv reports fields and record ends through C
// callbacks but not where they are, so the text is fed to it in chunks that end
// at a separator or line break: a callback can only fire on the last byte of a
// chunk, which gives each field's end, and the next field starts after it.
#include "twinsim/core/csv.hpp"

#include "twinsim/core/input_file.hpp"

#include <csv.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <utility>

namespace twinsim::core {

namespace {

std::string describe_position(const SourceMark& m) {
  if (m.line <= 0) return m.file;
  return m.file + ":" + std::to_string(m.line) + ":" + std::to_string(m.column);
}

int space_only(unsigned char c) { return c == ' '; }
int space_or_tab(unsigned char c) { return c == ' ' || c == '\t'; }

std::string byte_text(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
  static const char* hex = "0123456789abcdef";
  return std::string("byte 0x") + hex[u >> 4] + hex[u & 0xf];
}

}  // namespace

CsvError::CsvError(SourceMark mark, std::string cause)
    : TwinsimError(describe_position(mark) + ": " + cause), mark_(std::move(mark)), cause_(std::move(cause)) {}

struct CsvReader::Impl {
  std::string text;
  std::string name;
  CsvOptions opt;
  csv_parser parser{};
  std::size_t pos = 0;                  // next byte to feed
  std::vector<std::size_t> line_starts;  // offset of the first byte of each line

  // State shared with the callbacks while one record is read.
  CsvRecord* out = nullptr;
  std::size_t field_start = 0;
  std::size_t chunk_end = 0;
  bool row_done = false;
  bool too_many_fields = false;
  std::exception_ptr failure;  // nothing may propagate through libcsv's C frames

  Impl(std::string t, std::string n, CsvOptions o) : text(std::move(t)), name(std::move(n)), opt(o) {
    if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) throw RuntimeError("libcsv: cannot initialise");
    csv_set_delim(&parser, static_cast<unsigned char>(opt.separator));
    csv_set_space_func(&parser, opt.separator == '\t' ? space_only : space_or_tab);
    // A UTF-8 byte-order mark is invisible in editors: columns count from after it.
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) pos = 3;
    line_starts.push_back(pos);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')))
        line_starts.push_back(i + 1);
    }
  }
  ~Impl() { csv_free(&parser); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  bool blank(char c) const { return c == ' ' || (c == '\t' && opt.separator != '\t'); }

  std::size_t skip_blanks(std::size_t o) const {
    while (o < text.size() && blank(text[o])) ++o;
    return o;
  }

  // Positions are asked for in increasing order while parsing: the last one is
  // kept, so the columns of a long line are counted once, not once per field.
  mutable std::size_t last_offset = 0, last_line = 1;
  mutable int last_column = 1;

  SourceMark mark_at(std::size_t offset) const {
    const auto it = std::upper_bound(line_starts.begin(), line_starts.end(), offset);
    const std::size_t line = static_cast<std::size_t>(it - line_starts.begin());
    std::size_t from = line_starts[line - 1];
    int column = 1;
    if (line == last_line && offset >= last_offset && last_offset >= from) {
      from = last_offset;
      column = last_column;
    }
    for (std::size_t i = from; i < offset && i < text.size(); ++i)
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;  // not a UTF-8 continuation byte
    last_offset = offset;
    last_line = line;
    last_column = column;
    return SourceMark{name, static_cast<int>(line), column};
  }

  [[noreturn]] void fail(std::size_t offset, const std::string& cause) const { throw CsvError(mark_at(offset), cause); }

  // Blank lines and comment lines between records.
  void skip_ignorable() {
    while (pos < text.size()) {
      const std::size_t q = skip_blanks(pos);
      if (q < text.size() && (text[q] == '\r' || text[q] == '\n')) {
        pos = q + 1;
      } else if (q < text.size() && opt.comment != '\0' && text[q] == opt.comment) {
        const std::size_t eol = text.find_first_of("\r\n", q);
        pos = eol == std::string::npos ? text.size() : eol + 1;
      } else {
        return;
      }
    }
  }

  static void on_field(void* data, std::size_t len, void* self) {
    auto& r = *static_cast<Impl*>(self);
    if (r.failure || r.too_many_fields) return;
    try {
      if (r.out->fields.size() >= r.opt.max_fields) {
        r.too_many_fields = true;
        return;
      }
      CsvField f;
      if (len > 0) f.text.assign(static_cast<const char*>(data), len);
      const SourceMark m = r.mark_at(r.field_start);
      f.line = m.line;
      f.column = m.column;
      f.quoted = r.field_start < r.text.size() && r.text[r.field_start] == '"';
      r.out->fields.push_back(std::move(f));
      r.field_start = r.skip_blanks(r.chunk_end);
    } catch (...) {
      r.failure = std::current_exception();
    }
  }

  static void on_row(int, void* self) { static_cast<Impl*>(self)->row_done = true; }

  void check_callbacks() {
    if (failure) std::rethrow_exception(failure);
    if (too_many_fields)
      fail(field_start, "more than " + std::to_string(opt.max_fields) + " fields in one record");
  }

  [[noreturn]] void fail_parse(std::size_t offset) const {
    const int err = csv_error(const_cast<csv_parser*>(&parser));
    if (err != CSV_EPARSE) throw RuntimeError(name + ": reading CSV: " + csv_strerror(err));
    if (text[offset] == '"')
      fail(offset, "a quote inside an unquoted field (quote the whole field and write each quote in it as \"\")");
    fail(offset, byte_text(text[offset]) +
                     " after the closing quote of a field (a quote inside a quoted field is written \"\")");
  }

  bool next(CsvRecord& record) {
    out = &record;
    record.fields.clear();
    row_done = false;
    skip_ignorable();
    if (pos >= text.size()) return false;
    field_start = skip_blanks(pos);
    record.line = mark_at(field_start).line;
    const char stops[] = {opt.separator, '\r', '\n', '\0'};
    while (!row_done && pos < text.size()) {
      const std::size_t stop = text.find_first_of(stops, pos, 3);
      chunk_end = stop == std::string::npos ? text.size() : stop + 1;
      const std::size_t len = chunk_end - pos;
      const std::size_t used = csv_parse(&parser, text.data() + pos, len, on_field, on_row, this);
      check_callbacks();
      if (used < len) fail_parse(pos + used);
      pos = chunk_end;
    }
    if (!row_done) {  // the text ends inside this record
      const std::size_t last_field = field_start;
      if (csv_fini(&parser, on_field, on_row, this) != 0)
        fail(last_field, "the quoted field that starts here has no closing quote");
      check_callbacks();
    }
    return true;
  }
};

CsvReader::CsvReader(std::string text, std::string name, CsvOptions options)
    : impl_(std::make_unique<Impl>(std::move(text), std::move(name), options)) {}

CsvReader::CsvReader(CsvReader&&) noexcept = default;
CsvReader& CsvReader::operator=(CsvReader&&) noexcept = default;
CsvReader::~CsvReader() = default;

bool CsvReader::next(CsvRecord& out) { return impl_->next(out); }

const std::string& CsvReader::name() const { return impl_->name; }

CsvReader CsvReader::from_file(const std::string& path, CsvOptions options) {
  std::string text;
  if (const std::string why = read_input_file(path, options.max_bytes, text); !why.empty())
    throw CsvError(SourceMark{path, 0, 0}, why);
  if (text.size() > options.max_bytes)
    throw CsvError(SourceMark{path, 0, 0}, "is larger than " + std::to_string(options.max_bytes >> 20) + " MiB");
  return CsvReader(std::move(text), path, options);
}

}  // namespace twinsim::core
