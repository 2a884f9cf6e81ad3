// core::CsvReader: RFC 4180 quoting (separators, "" and line breaks inside
// quotes), line ends, byte-order mark, comments, the position of every field,
// and errors at the line:col where the text goes wrong.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "twinsim/core/csv.hpp"

using namespace twinsim;

namespace {

struct Cell {
  std::string text;
  int line, column;
  bool operator==(const Cell& o) const { return text == o.text && line == o.line && column == o.column; }
};

std::ostream& operator<<(std::ostream& os, const Cell& c) {
  return os << "{'" << c.text << "' " << c.line << ":" << c.column << "}";
}

std::vector<std::vector<Cell>> read_all(const std::string& text, core::CsvOptions opt = {}) {
  core::CsvReader r(text, "t.csv", opt);
  std::vector<std::vector<Cell>> out;
  core::CsvRecord rec;
  while (r.next(rec)) {
    out.emplace_back();
    for (const auto& f : rec.fields) out.back().push_back({f.text, f.line, f.column});
  }
  return out;
}

std::string error_of(const std::string& text) {
  try {
    (void)read_all(text);
  } catch (const core::CsvError& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("CSV: quoted fields keep separators, quotes and line breaks", "[unit]") {
  const auto rows = read_all("ID,\"NAME, FULL\",NOTE\n1,\"a \"\"b\"\" c\",\"two\nlines\"\n2, plain ,\"\"\n");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0] == std::vector<Cell>{{"ID", 1, 1}, {"NAME, FULL", 1, 4}, {"NOTE", 1, 17}});
  CHECK(rows[1] == std::vector<Cell>{{"1", 2, 1}, {"a \"b\" c", 2, 3}, {"two\nlines", 2, 15}});
  // The record after a quoted line break starts on line 4.
  CHECK(rows[2] == std::vector<Cell>{{"2", 4, 1}, {"plain", 4, 4}, {"", 4, 11}});
}

TEST_CASE("CSV: CRLF, CR and LF line ends, a byte-order mark, blank and comment lines", "[unit]") {
  const auto rows = read_all("\xEF\xBB\xBFWT,HT\r\n# a comment, with \"a quote\r\n\r\n70,170\r55,160\n  \n   # indented\n48,150");
  REQUIRE(rows.size() == 4);
  CHECK(rows[0] == std::vector<Cell>{{"WT", 1, 1}, {"HT", 1, 4}});  // the mark is neither text nor a column
  CHECK(rows[1] == std::vector<Cell>{{"70", 4, 1}, {"170", 4, 4}});
  CHECK(rows[2] == std::vector<Cell>{{"55", 5, 1}, {"160", 5, 4}});
  CHECK(rows[3] == std::vector<Cell>{{"48", 8, 1}, {"150", 8, 4}});
}

TEST_CASE("CSV: empty fields, trailing separators, other separators, columns in characters", "[unit]") {
  CHECK(read_all("a,,b,\n") == std::vector<std::vector<Cell>>{{{"a", 1, 1}, {"", 1, 3}, {"b", 1, 4}, {"", 1, 6}}});
  core::CsvOptions semi;
  semi.separator = ';';
  CHECK(read_all("x;\"1;5\";y,z\n", semi) ==
        std::vector<std::vector<Cell>>{{{"x", 1, 1}, {"1;5", 1, 3}, {"y,z", 1, 9}}});
  core::CsvOptions tab;
  tab.separator = '\t';
  CHECK(read_all("a b\t c\n", tab) == std::vector<std::vector<Cell>>{{{"a b", 1, 1}, {"c", 1, 6}}});
  // "é" is two bytes and one column.
  CHECK(read_all("\xC3\xA9t\xC3\xA9,x\n") == std::vector<std::vector<Cell>>{{{"\xC3\xA9t\xC3\xA9", 1, 1}, {"x", 1, 5}}});
  core::CsvOptions no_comments;
  no_comments.comment = '\0';
  CHECK(read_all("#a,b\n", no_comments) == std::vector<std::vector<Cell>>{{{"#a", 1, 1}, {"b", 1, 4}}});
  CHECK(read_all("").empty());
  CHECK(read_all("\xEF\xBB\xBF\n# only a comment\n").empty());
}

TEST_CASE("CSV: malformed quoting is refused at its line and column", "[unit]") {
  CHECK(error_of("a,b\n1,x\"y\n") ==
        "t.csv:2:4: a quote inside an unquoted field (quote the whole field and write each quote in it as \"\")");
  CHECK(error_of("a,b\n1,\"x\"y\n") ==
        "t.csv:2:6: 'y' after the closing quote of a field (a quote inside a quoted field is written \"\")");
  CHECK(error_of("a,b\n1,\"never closed\n2,3\n") == "t.csv:2:3: the quoted field that starts here has no closing quote");
  core::CsvOptions few;
  few.max_fields = 3;
  try {
    core::CsvReader r("a,b,c,d\n", "t.csv", few);
    core::CsvRecord rec;
    (void)r.next(rec);
    FAIL("accepted");
  } catch (const core::CsvError& e) {
    CHECK(std::string(e.what()) == "t.csv:1:7: more than 3 fields in one record");
  }
}

TEST_CASE("CSV: positions on a long line cost linear time", "[unit]") {
  // 99,999 fields on one line (390 kB): counting each field's column from the
  // line start would be ~10^10 steps.
  std::string line;
  for (int i = 0; i < 99'999; ++i) line += (i ? "," : "") + std::to_string(1000 + i % 9000);
  const auto t0 = std::chrono::steady_clock::now();
  core::CsvReader r(line + "\n", "long.csv");
  core::CsvRecord rec;
  REQUIRE(r.next(rec));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE(rec.fields.size() == 99'999);
  CHECK(rec.fields.back().column == 99'998 * 5 + 1);
  CHECK(rec.fields.back().text == std::to_string(1000 + 99'998 % 9000));
  CHECK(seconds < 2.0);
}

TEST_CASE("CSV files: regular files only, refused before reading", "[unit]") {
  test::TempDir dir("csv-files");
  test::write_file(dir.file("ok.csv"), "a\n1\n");
  core::CsvReader ok = core::CsvReader::from_file(dir.file("ok.csv"));
  core::CsvRecord rec;
  REQUIRE(ok.next(rec));
  CHECK(rec.fields.at(0).text == "a");

  auto cause = [](const std::string& path, core::CsvOptions opt = {}) -> std::string {
    try {
      (void)core::CsvReader::from_file(path, opt);
    } catch (const core::CsvError& e) {
      CHECK(e.mark().line == 0);
      CHECK(e.mark().file == path);
      return e.cause();
    }
    return "accepted";
  };
  CHECK(cause(dir.path().string()) == "is a directory, not a regular file");
  CHECK(cause(dir.file("missing.csv")) == "does not exist");
  const std::string fifo = dir.file("pipe.csv");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(cause(fifo) == "is a FIFO (named pipe), not a regular file");  // and does not wait for a writer
  CHECK(cause("/dev/null") == "is a character device, not a regular file");
  core::CsvOptions small;
  small.max_bytes = 1u << 20;
  test::write_file(dir.file("big.csv"), std::string((1u << 20) + 1, '1'));
  CHECK(cause(dir.file("big.csv"), small) == "is larger than 1 MiB");
}
