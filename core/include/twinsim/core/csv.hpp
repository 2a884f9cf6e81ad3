// CSV records with the position of every field, for input files whose errors
// must point into them (covariate tables, NONMEM data sets). The parsing is
// libcsv's strict mode; this layer adds positions, comments, a byte-order mark
// and file checks. Only core/src/csv.cpp talks to libcsv.
//
// Accepted (RFC 4180 and what spreadsheets write): fields quoted with "..."
// that hold separators, line breaks and "" (one quote character); CRLF, LF or
// CR line ends; a UTF-8 byte-order mark at the start (dropped); spaces and tabs
// around unquoted fields (trimmed; a quoted field keeps its spaces); blank
// lines and, between records, comment lines (skipped).
// Refused at the line:col where it happens: a quote inside an unquoted field,
// text after a closing quote, a quoted field without its closing quote.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "twinsim/core/error.hpp"

namespace twinsim::core {

struct CsvOptions {
  char separator = ',';
  // A line whose first character other than spaces and tabs is this one, where
  // a record would start, is skipped; '\0' turns comments off.
  char comment = '#';
  std::size_t max_bytes = 64u << 20;    // from_file refuses larger files
  std::size_t max_fields = 100'000;     // per record
};

struct CsvField {
  std::string text;  // the value: quotes removed, "" turned into "
  // Where the field starts (its opening quote, if quoted): 1-based line, and
  // column in characters (UTF-8 code points) from the start of that line.
  int line = 0;
  int column = 0;
  bool quoted = false;
};

struct CsvRecord {
  std::vector<CsvField> fields;
  int line = 0;  // line of the first field
};

// A malformed file or one that cannot be read. mark.file is the file's name;
// mark.line is 0 when the problem is the file as a whole (missing, a
// directory, too large). what() is "file:line:col: cause" or "file: cause".
class CsvError : public TwinsimError {
 public:
  CsvError(SourceMark mark, std::string cause);
  const SourceMark& mark() const { return mark_; }
  const std::string& cause() const { return cause_; }

 private:
  SourceMark mark_;
  std::string cause_;
};

// Reads records one at a time from text held in memory.
class CsvReader {
 public:
  // `name` is used in positions and errors only.
  CsvReader(std::string text, std::string name, CsvOptions options = {});
  // Reads the file at `path` whole. Refuses, before opening it, anything that
  // is not a regular file (a directory, FIFO or device would block or mislead),
  // and files over options.max_bytes. Throws CsvError.
  static CsvReader from_file(const std::string& path, CsvOptions options = {});

  CsvReader(CsvReader&&) noexcept;
  CsvReader& operator=(CsvReader&&) noexcept;
  ~CsvReader();

  // The next record into `out` (its storage is reused); false at the end of the
  // text. Blank and comment lines are skipped. Throws CsvError.
  bool next(CsvRecord& out);

  const std::string& name() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace twinsim::core
