// core::read_data_set_*: NONMEM-format data sets as read (columns, NONMEM's
// defaults for absent columns and '.', extra columns kept by name) and the
// rules on the header and the file, each with its exact message and line:col.
// The record rules are in test_nonmem_rules.cpp.
#include <catch2/catch.hpp>

#include <cmath>

#include "nonmem_fixtures.hpp"
#include "test_support.hpp"
#include "twinsim/core/nonmem_data.hpp"

using namespace twinsim;
using core::Evid;
using test::error_of;
using test::errors_of;
using test::read_text;

TEST_CASE("NONMEM data: every column read, with positions and extra columns kept by name", "[unit]") {
  const auto d = read_text(
      "ID,TIME,EVID,AMT,RATE,II,ADDL,CMT,SS,MDV,DV,OUTPUT,WT\n"
      "1,0,1,100,0,12,2,1,0,1,.,.,70\n"
      "1,1.5,0,.,.,.,.,2,.,0,2.5,Cc,70\n"
      "1,2,0,0,0,0,0,2,0,.,.,.,71\n"
      "2,0,1,50,25,12,0,2,2,1,.,.,.\n");
  const auto& r = d.records();
  REQUIRE(r.size() == 4);
  CHECK(r[0].line == 2);
  CHECK(r[0].evid == Evid::dose);
  CHECK(r[0].is_dose());
  CHECK(r[0].amt == 100);
  CHECK(r[0].ii == 12);
  CHECK(r[0].addl == 2);
  CHECK(r[0].cmt == 1);
  CHECK(r[0].mdv);
  CHECK(r[1].evid == Evid::observation);
  CHECK(r[1].time == 1.5);
  CHECK(r[1].dv == 2.5);
  CHECK(r[1].is_observed());
  CHECK(r[1].output == "Cc");
  CHECK(r[1].cmt == 2);
  CHECK(r[2].mdv);  // MDV '.' and DV '.': nothing observed
  CHECK(std::isnan(r[2].dv));
  CHECK(r[3].id == 2);
  CHECK(r[3].rate == 25);
  CHECK(r[3].ss == 2);
  CHECK(core::infusion_duration(r[3].amt, r[3].rate, 0.8) == Approx(1.6).epsilon(1e-15));

  REQUIRE(d.individuals().size() == 2);
  CHECK(d.individuals()[0].begin == 0);
  CHECK(d.individuals()[0].end == 3);
  CHECK(d.individuals()[1].begin == 3);
  CHECK(d.individuals()[1].end == 4);

  REQUIRE(d.extra_names() == std::vector<std::string>{"WT"});
  CHECK(d.extra(0, 0) == 70);
  CHECK(d.extra(2, 0) == 71);
  CHECK(std::isnan(d.extra(3, 0)));
  CHECK(d.extra_is_numeric(0));
  CHECK(d.extra_column("WT") == 0);
  CHECK(d.extra_column("wt") == 1);  // extra columns are matched exactly
  CHECK(d.column("dv") == 10);       // NONMEM items case-insensitively
  // "1,1.5,0,.,.,.,.,2,.,0,2.5,...": DV starts at column 23 of line 3.
  const auto m = d.mark(1, d.column("DV"));
  CHECK(m.file == "d.csv");
  CHECK(m.line == 3);
  CHECK(m.column == 23);
}

TEST_CASE("NONMEM data: absent columns take NONMEM's defaults (EVID from AMT and MDV, MDV from EVID and DV)",
          "[unit]") {
  const auto d = read_text(
      "ID,TIME,AMT,DV,MDV\n"
      "1,0,100,.,.\n"
      "1,1,.,3.2,.\n"
      "1,2,0,.,1\n"
      "1,3,.,.,.\n");
  const auto& r = d.records();
  REQUIRE(r.size() == 4);
  CHECK(r[0].evid == Evid::dose);  // AMT != 0
  CHECK(r[0].cmt == 1);            // the default dose compartment
  CHECK(r[0].rate == 0);
  CHECK(r[0].mdv);
  CHECK(r[1].evid == Evid::observation);
  CHECK_FALSE(r[1].mdv);           // DV given
  CHECK(r[2].evid == Evid::other);  // AMT 0 with MDV 1
  CHECK(r[3].evid == Evid::observation);
  CHECK(r[3].mdv);                 // '.' is missing, not NONMEM's 0
  CHECK(r[3].cmt == 0);            // an observation names no compartment
}

TEST_CASE("NONMEM data: names in any case, mrgsolve's NA, a CMT by name, BOM, CRLF and quotes", "[unit]") {
  const auto d = read_text(
      "\xEF\xBB\xBFid,time,amt,cmt,evid,\"Cl\"\r\n"
      "1,0,100,depot,1,NA\r\n"
      "# a comment line, NONMEM's IGNORE=#\r\n"
      "1,1,.,Central,0,3\r\n");
  const auto& r = d.records();
  REQUIRE(r.size() == 2);
  CHECK(r[0].cmt == 1);
  CHECK(r[0].evid == Evid::dose);
  CHECK(r[1].cmt == 2);
  CHECK(r[1].line == 4);
  CHECK(d.column_names() == std::vector<std::string>{"id", "time", "amt", "cmt", "evid", "Cl"});
  CHECK(std::isnan(d.extra(0, 0)));
  CHECK(d.extra(1, 0) == 3);
}

TEST_CASE("NONMEM data: whole numbers written as reals (EVID 1.0) are whole numbers", "[unit]") {
  const auto d = read_text("ID,TIME,AMT,EVID,CMT\n1,0,100,1.0,2.0\n");
  CHECK(d.records()[0].evid == Evid::dose);
  CHECK(d.records()[0].cmt == 2);
}

TEST_CASE("NONMEM data: without an ID column, one individual when the caller allows it", "[unit]") {
  auto o = test::oral_options();
  o.require_id = false;
  const auto d = read_text("TIME,AMT\n0,100\n12,100\n", o);
  REQUIRE(d.individuals().size() == 1);
  CHECK(d.individuals()[0].id == 1);
  CHECK(d.individuals()[0].end == 2);
  CHECK(d.records()[1].id == 1);
}

TEST_CASE("NONMEM data rule: missing required columns", "[unit]") {
  CHECK(error_of("AMT,DV\n100,.\n") ==
        "d.csv:1:1: error: missing required columns ID, TIME (a data set needs ID, TIME and AMT; the header has AMT, DV)");
  CHECK(error_of("ID,TIME,AMT\n1,0,100\n", test::fit_options()) ==
        "d.csv:1:1: error: missing required column DV (a data set needs ID, TIME, AMT and DV; the header has ID, "
        "TIME, AMT)");
}

TEST_CASE("NONMEM data rule: duplicate column names, case-insensitive", "[unit]") {
  CHECK(error_of("ID,TIME,AMT,time\n1,0,1,0\n") ==
        "d.csv:1:13: error: time: duplicate column: column 2 is already 'TIME' (column names are case-insensitive)");
}

TEST_CASE("NONMEM data rule: an empty column name", "[unit]") {
  CHECK(error_of("\"\",ID,TIME,AMT\n\"1\",1,0,100\n") ==
        "d.csv:1:1: error: empty column name in the header (R's write.csv adds one for row names: write with "
        "row.names = FALSE)");
}

TEST_CASE("NONMEM data rule: the first record must be a header", "[unit]") {
  CHECK(error_of("#ID,TIME,AMT\n1,0,100\n") ==
        "d.csv:2:1: error: the first record must be the header naming the columns (got '1'); a NONMEM header "
        "written as a comment ('#ID,TIME,...') is skipped here: write it without the '#'");
}

TEST_CASE("NONMEM data rule: OUTPUT and DVID together", "[unit]") {
  CHECK(error_of("ID,TIME,AMT,DV,OUTPUT,DVID\n1,0,100,.,.,.\n") ==
        "d.csv:1:23: error: DVID: give OUTPUT or DVID, not both: each names the model output of DV");
}

TEST_CASE("NONMEM data rule: fitting needs an output-name column", "[unit]") {
  CHECK(error_of("ID,TIME,AMT,DV\n1,0,100,.\n1,1,.,2\n", test::fit_options()) ==
        "d.csv:1:13: error: DV: observations need an output name: add an OUTPUT (or DVID) column naming the model "
        "output each DV is of");
}

TEST_CASE("NONMEM data rule: a file without records", "[unit]") {
  CHECK(error_of("ID,TIME,AMT\n") == "d.csv:1:1: error: a header but no records");
  CHECK(error_of("# only a comment\n\n") ==
        "d.csv: error: no header row (the file is empty or holds only blank and comment lines)");
  CHECK(error_of("") == "d.csv: error: no header row (the file is empty or holds only blank and comment lines)");
}

TEST_CASE("NONMEM data rule: a record with another number of fields than the header", "[unit]") {
  CHECK(error_of("ID,TIME,AMT\n1,0\n") == "d.csv:2:1: error: record has 2 fields; the header has 3");
}

TEST_CASE("NONMEM data rule: malformed CSV and unreadable files", "[unit]") {
  CHECK(error_of("ID,TIME,AMT\n1,0,1\"0\n") ==
        "d.csv:2:6: error: a quote inside an unquoted field (quote the whole field and write each quote in it as "
        "\"\")");
  CHECK(test::only_error([] { (void)core::read_data_set_file("/nonexistent/d.csv"); }) ==
        "/nonexistent/d.csv: error: does not exist");
  test::TempDir dir("nmdata");
  test::write_file(dir.file("ok.csv"), "ID,TIME,AMT\n1,0,100\n");
  CHECK(core::read_data_set_file(dir.file("ok.csv")).records().size() == 1);
  auto small = test::oral_options();
  small.max_bytes = 10;
  CHECK(test::only_error([&] { (void)core::read_data_set_file(dir.file("ok.csv"), small); })
            .rfind(dir.file("ok.csv") + ": error: ", 0) == 0);
}

TEST_CASE("NONMEM data: at most max_errors diagnostics, then a count of the rest", "[unit]") {
  auto o = test::oral_options();
  o.max_errors = 3;
  const auto e = errors_of("ID,TIME,AMT\n1,-1,100\n2,-1,100\n3,-1,100\n4,-1,100\n5,-1,100\n", o);
  REQUIRE(e.size() == 4);
  CHECK(e[0] == "d.csv:2:3: error: TIME: must be >= 0 (got -1)");
  CHECK(e[2] == "d.csv:4:3: error: TIME: must be >= 0 (got -1)");
  CHECK(e[3] == "d.csv: error: 2 more errors in this file not shown");
}
