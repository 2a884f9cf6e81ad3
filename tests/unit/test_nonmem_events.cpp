// core::expand_events (ADDL/II made explicit, resets, steady state, order),
// core::ParameterBinding (columns named as model parameters) and a round trip
// of an mrgsolve-style data set through write_data_set. Expected event lists
// are worked by hand from the records; the first is the example of NONMEM's
// own help text for ADDL.
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

#include "doc_blocks.hpp"
#include "nonmem_fixtures.hpp"
#include "test_support.hpp"
#include "twinsim/core/nonmem_events.hpp"

using namespace twinsim;
using core::Evid;
using test::read_text;

namespace {

// "time:kind:amt<-record/values_record": kind d dose, a additional dose,
// o observation, r reset, R reset and dose, x other.
std::vector<std::string> describe(const std::vector<core::DataEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) {
    std::ostringstream s;
    const char* kind = e.additional ? "a" : e.evid == Evid::dose ? "d" : e.evid == Evid::observation ? "o"
                                       : e.evid == Evid::reset ? "r" : e.evid == Evid::reset_dose ? "R" : "x";
    s << e.time << ":" << kind;
    if (e.is_dose()) s << ":" << e.amt;
    s << "<-" << e.record << "/" << e.values_record;
    out.push_back(s.str());
  }
  return out;
}

std::vector<std::string> events_of(const std::string& text, std::size_t individual = 0) {
  return describe(core::expand_events(read_text(text), individual));
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("NONMEM events: ADDL doses as NONMEM's help example lists them", "[unit]") {
  // The ADDL help text: both fragments "specify the same set of doses" (10, 22
  // and 34, plus 20); the observation and the extra dose do not move them.
  const auto with_addl = events_of("ID,TIME,AMT,ADDL,II,DV\n1,10,15,2,12,.\n1,15,.,.,.,25.7\n1,20,10,0,0,.\n"
                                   "1,36,.,.,.,30.2\n");
  CHECK(with_addl == Lines{"10:d:15<-0/0", "15:o<-1/1", "20:d:10<-2/2", "22:a:15<-0/3", "34:a:15<-0/3", "36:o<-3/3"});
  const auto explicit_doses = core::expand_events(
      read_text("ID,TIME,AMT,ADDL,II,DV\n1,10,15,0,0,.\n1,15,.,.,.,25.7\n1,20,10,0,0,.\n1,22,15,0,0,.\n"
                "1,34,15,0,0,.\n1,36,.,.,.,30.2\n"),
      0);
  const auto addl = core::expand_events(read_text("ID,TIME,AMT,ADDL,II,DV\n1,10,15,2,12,.\n1,15,.,.,.,25.7\n"
                                                  "1,20,10,0,0,.\n1,36,.,.,.,30.2\n"),
                                        0);
  REQUIRE(addl.size() == explicit_doses.size());
  for (std::size_t i = 0; i < addl.size(); ++i) {
    CHECK(addl[i].time == explicit_doses[i].time);
    CHECK(addl[i].evid == explicit_doses[i].evid);
    CHECK(addl[i].amt == explicit_doses[i].amt);
  }
}

TEST_CASE("NONMEM events: an additional dose at a record's time comes before the record", "[unit]") {
  CHECK(events_of("ID,TIME,AMT,ADDL,II\n1,0,100,2,12\n1,12,.,.,.\n1,30,.,.,.\n") ==
        Lines{"0:d:100<-0/0", "12:a:100<-0/1", "12:o<-1/1", "24:a:100<-0/2", "30:o<-2/2"});
}

TEST_CASE("NONMEM events: doses of several records interleave in time, earlier-scheduled first", "[unit]") {
  CHECK(events_of("ID,TIME,AMT,ADDL,II\n1,0,100,2,12\n1,6,50,2,6\n1,40,.,.,.\n") ==
        Lines{"0:d:100<-0/0", "6:d:50<-1/1", "12:a:100<-0/2", "12:a:50<-1/2", "18:a:50<-1/2", "24:a:100<-0/2",
              "40:o<-2/2"});
}

TEST_CASE("NONMEM events: a reset cancels the pending additional doses", "[unit]") {
  CHECK(events_of("ID,TIME,AMT,ADDL,II,EVID\n1,0,100,3,24,1\n1,30,.,.,.,3\n1,40,.,.,.,0\n") ==
        Lines{"0:d:100<-0/0", "24:a:100<-0/1", "30:r<-1/1", "40:o<-2/2"});
  // EVID 4 going back in time: the old schedule is gone, the new one runs on
  // past the last record (its values hold there).
  CHECK(events_of("ID,TIME,AMT,ADDL,II,EVID\n1,0,100,2,24,1\n1,12,.,.,.,0\n1,0,50,1,12,4\n1,6,.,.,.,0\n") ==
        Lines{"0:d:100<-0/0", "12:o<-1/1", "0:R:50<-2/2", "6:o<-3/3", "12:a:50<-2/3"});
}

TEST_CASE("NONMEM events: SS 1 cancels the pending additional doses, SS 2 keeps them", "[unit]") {
  const std::string head = "ID,TIME,AMT,ADDL,II,SS\n1,0,100,4,12,0\n";
  const auto ss1 = core::expand_events(read_text(head + "1,30,100,1,12,1\n"), 0);
  CHECK(describe(ss1) == Lines{"0:d:100<-0/0", "12:a:100<-0/1", "24:a:100<-0/1", "30:d:100<-1/1", "42:a:100<-1/1"});
  CHECK(ss1[3].ss == 1);
  CHECK(ss1[3].ii == 12);
  CHECK(ss1[4].ss == 0);  // additional doses are not steady-state doses
  CHECK(describe(core::expand_events(read_text(head + "1,30,100,1,12,2\n"), 0)) ==
        Lines{"0:d:100<-0/0", "12:a:100<-0/1", "24:a:100<-0/1", "30:d:100<-1/1", "36:a:100<-0/1", "42:a:100<-1/1",
              "48:a:100<-0/1"});
}

TEST_CASE("NONMEM events: infusions keep AMT and RATE; the duration takes the model's F", "[unit]") {
  const auto ev = core::expand_events(read_text("ID,TIME,AMT,RATE,CMT,ADDL,II,EVID\n1,0,100,50,2,1,24,4\n"), 0);
  REQUIRE(ev.size() == 2);
  CHECK(ev[0].evid == Evid::reset_dose);
  CHECK(ev[1].evid == Evid::dose);  // additional doses of EVID 4 do not reset
  for (const auto& e : ev) {
    CHECK(e.is_infusion());
    CHECK(e.amt == 100);
    CHECK(e.rate == 50);
    CHECK(e.cmt == 2);
    CHECK(e.infusion_duration(1.0) == 2.0);
    CHECK(e.infusion_duration(0.5) == 1.0);  // F·AMT/RATE: F shortens the infusion
  }
  CHECK(ev[1].time == 24);
}

TEST_CASE("NONMEM events: 10,000 additional doses keep exact times (no accumulated drift)", "[unit]") {
  const auto ev = core::expand_events(read_text("ID,TIME,AMT,ADDL,II\n1,0.1,1,10000,0.1\n"), 0);
  REQUIRE(ev.size() == 10001);
  CHECK(ev.back().time == 0.1 + 10000 * 0.1);
  for (std::size_t i = 1; i < ev.size(); ++i) REQUIRE(ev[i].time > ev[i - 1].time);
}

TEST_CASE("NONMEM events: each individual expands on its own", "[unit]") {
  const std::string text = "ID,TIME,AMT,ADDL,II\n1,0,100,1,12\n2,0,50,1,24\n2,6,.,.,.\n";
  CHECK(events_of(text, 0) == Lines{"0:d:100<-0/0", "12:a:100<-0/0"});
  CHECK(events_of(text, 1) == Lines{"0:d:50<-1/1", "6:o<-2/2", "24:a:50<-1/2"});
}

TEST_CASE("NONMEM binding: columns named exactly as parameters, missing values filled within the ID", "[unit]") {
  const auto d = read_text(
      "ID,TIME,AMT,CL,v,WT\n"
      "1,0,100,.,20,70\n"
      "1,1,.,5,.,70\n"
      "1,2,.,.,.,70\n"
      "1,3,.,7,.,70\n"
      "2,0,100,9,.,80\n");
  const core::ParameterBinding b(d, {"KA", "CL", "V"});
  REQUIRE(b.size() == 1);  // 'v' is not 'V'; WT is no parameter
  CHECK(b.parameter(0) == 1);
  CHECK(b.column(0) == 0);
  CHECK(b.value(0, 0) == 5);  // before the first value: the first value
  CHECK(b.value(1, 0) == 5);
  CHECK(b.value(2, 0) == 5);  // missing: the last value before
  CHECK(b.value(3, 0) == 7);
  CHECK(b.value(4, 0) == 9);  // another ID does not inherit
  double params[3] = {1.5, 10, 50};
  b.apply(3, params);
  CHECK(params[0] == 1.5);
  CHECK(params[1] == 7);
  CHECK(params[2] == 50);
}

TEST_CASE("NONMEM binding rule: a parameter column holding text", "[unit]") {
  const auto d = read_text("ID,TIME,AMT,CL\n1,0,100,5\n1,1,.,high\n");
  CHECK(d.extra_text_record(0) == 1);
  CHECK(test::only_error([&] { (void)core::ParameterBinding(d, {"CL"}); }) ==
        "d.csv:3:7: error: CL: expected a number or '.' (missing), got 'high': the column sets the model parameter CL");
  CHECK(core::ParameterBinding(d, {"V"}).size() == 0);  // a text column no parameter reads is kept as text
}

TEST_CASE("NONMEM binding rule: an ID with no value in a parameter column", "[unit]") {
  const auto d = read_text("ID,TIME,AMT,CL\n1,0,100,5\n2,0,100,.\n2,1,.,.\n");
  CHECK(test::only_error([&] { (void)core::ParameterBinding(d, {"CL"}); }) ==
        "d.csv:3:9: error: CL: ID 2 has no value in this column (every record has '.'), which sets the model "
        "parameter CL");
}

TEST_CASE("NONMEM data: an mrgsolve-style data set round-trips through write_data_set", "[unit]") {
  // As R's write.csv(row.names = FALSE) writes an mrgsolve data set: lower-case
  // names, quoted header, NA for missing, zeros in the dose columns of observations.
  const std::string mrgsolve =
      "\"ID\",\"time\",\"evid\",\"amt\",\"cmt\",\"ii\",\"addl\",\"rate\",\"ss\",\"CL\",\"WT\",\"arm\"\n"
      "1,0,1,100,1,24,3,0,0,1.1,70.5,\"QD, fed\"\n"
      "1,0.5,0,0,2,0,0,0,0,1.1,70.5,\"QD, fed\"\n"
      "1,96,0,0,2,0,0,0,0,1.2,71,\"QD, fed\"\n"
      "2,0,1,200,2,12,0,100,1,NA,55,BID\n"
      "2,4,0,0,2,0,0,0,0,0.9,55,BID\n";
  const auto a = read_text(mrgsolve);
  const auto& r = a.records();
  REQUIRE(r.size() == 5);
  CHECK(r[0].addl == 3);
  CHECK(r[3].rate == 100);
  CHECK(r[3].ss == 1);
  CHECK(r[4].cmt == 2);
  CHECK(a.extra_names() == std::vector<std::string>{"CL", "WT", "arm"});
  CHECK_FALSE(a.extra_is_numeric(2));
  CHECK(std::isnan(a.extra(3, 0)));

  const std::string written = core::write_data_set(a);
  CHECK(written.substr(0, written.find('\n', written.find('\n') + 1) + 1) ==
        "ID,TIME,EVID,AMT,RATE,II,ADDL,CMT,SS,MDV,DV,CL,WT,arm\n"
        "1,0,1,100,0,24,3,1,0,1,.,1.1,70.5,\"QD, fed\"\n");
  const auto b = read_text(written);
  REQUIRE(b.records().size() == r.size());
  for (std::size_t i = 0; i < r.size(); ++i) {
    INFO("record " << i);
    const auto &x = r[i], &y = b.records()[i];
    CHECK(x.id == y.id);
    CHECK(x.time == y.time);
    CHECK(x.evid == y.evid);
    CHECK(x.amt == y.amt);
    CHECK(x.rate == y.rate);
    CHECK(x.ii == y.ii);
    CHECK(x.addl == y.addl);
    CHECK(x.cmt == y.cmt);
    CHECK(x.ss == y.ss);
    CHECK(x.mdv == y.mdv);
    CHECK((x.dv == y.dv || (std::isnan(x.dv) && std::isnan(y.dv))));
    for (std::size_t c = 0; c < 2; ++c)
      CHECK((a.extra(i, c) == b.extra(i, c) || (std::isnan(a.extra(i, c)) && std::isnan(b.extra(i, c)))));
    CHECK(a.extra_text(i, 2) == b.extra_text(i, 2));
  }
  CHECK(core::write_data_set(b) == written);  // a fixed point
  CHECK(describe(core::expand_events(a, 0)) == describe(core::expand_events(b, 0)));
}

TEST_CASE("NONMEM data: outputs, BLQ and exact doubles survive the round trip", "[unit]") {
  const auto a = read_text(
      "ID,TIME,AMT,DV,OUTPUT,BLQ,LLOQ\n"
      "7,0,100,.,.,.,.\n"
      "7,0.1,.,0.30000000000000004,Cc,0,0.05\n"
      "7,2,.,0.04,Cc,1,.\n");
  const auto b = read_text(core::write_data_set(a));
  const auto& x = a.records();
  const auto& y = b.records();
  REQUIRE(y.size() == 3);
  CHECK(y[1].dv == 0.30000000000000004);
  CHECK(y[1].output == "Cc");
  CHECK(y[1].lloq == 0.05);
  CHECK(y[2].blq);
  CHECK(x[2].lloq == 0.04);  // BLQ 1 without LLOQ: the limit is DV
  CHECK(y[2].lloq == 0.04);
  CHECK(y[0].id == 7);
}

TEST_CASE("NONMEM events: more than a million events for one ID are refused", "[unit]") {
  std::string text = "ID,TIME,AMT,ADDL,II\n2,0,1,0,0\n";
  for (int i = 0; i < 10; ++i) text += "3," + std::to_string(i) + ",1,100000,0.5\n";  // 1,000,010 events
  const auto d = read_text(text);
  CHECK(core::expand_events(d, 0).size() == 1);
  CHECK(test::only_error([&] { (void)core::expand_events(d, 1); }) ==
        "d.csv:3:1: error: ID: ID 3 has more than 1000000 events with its additional doses: write the regimen with "
        "fewer of them");
  text.erase(text.rfind("3,9,"));  // 900,009 events
  CHECK(core::expand_events(read_text(text), 1).size() == 900'009);
}

TEST_CASE("docs/data-sets.md: the example expands as the page says", "[unit]") {
  const auto d = read_text(test::doc_block(test::source_dir() + "/docs/data-sets.md", "example"));
  REQUIRE(d.individuals().size() == 2);
  Lines id1 = {"0:d:200<-0/0", "1.5:o<-1/1"};
  for (int t = 12; t <= 144; t += 12) id1.push_back(std::to_string(t) + ":a:200<-0/2");
  id1.push_back("155.5:o<-2/2");
  id1.push_back("156:a:200<-0/2");
  CHECK(describe(core::expand_events(d, 0)) == id1);
  const auto id2 = core::expand_events(d, 1);
  CHECK(describe(id2) == Lines{"0:d:300<-3/3", "2:o<-4/4", "24:a:300<-3/5", "48:a:300<-3/5", "50:o<-5/5"});
  CHECK(id2[0].infusion_duration(1.0) == 2.0);
  CHECK(d.extra(3, d.extra_column("WT")) == 95);
}
