// The record rules of core::read_data_set_*: one test case per rule, each
// asserting the exact diagnostic with the line:col of the field it is about.
// The model is the fixture's: CMT 1 = depot (bolus only), 2 = central;
// outputs Cc and ANC.
#include <catch2/catch.hpp>

#include <cmath>

#include "nonmem_fixtures.hpp"
#include "twinsim/core/nonmem_data.hpp"

using namespace twinsim;
using core::Evid;
using test::error_of;
using test::errors_of;
using test::read_text;

using Lines = std::vector<std::string>;

TEST_CASE("NONMEM data rule: non-numeric fields", "[unit]") {
  CHECK(error_of("ID,TIME,AMT\n1,abc,100\n") == "d.csv:2:3: error: TIME: expected a finite number, got 'abc'");
  CHECK(error_of("ID,TIME,AMT\n1,8:00,100\n") ==
        "d.csv:2:3: error: TIME: expected a finite number, got '8:00' (clock times are not translated: give TIME "
        "in hours)");
  CHECK(error_of("ID,TIME,AMT\nx,0,100\n") == "d.csv:2:1: error: ID: expected a finite number, got 'x'");
  CHECK(error_of("ID,TIME,AMT,DV\n1,0,100,inf\n") == "d.csv:2:9: error: DV: expected a finite number, got 'inf'");
}

TEST_CASE("NONMEM data rule: whole-number items (EVID, CMT, SS, ADDL, MDV, BLQ)", "[unit]") {
  CHECK(error_of("ID,TIME,AMT,EVID\n1,0,100,1.5\n") == "d.csv:2:9: error: EVID: expected a whole number, got '1.5'");
  CHECK(error_of("ID,TIME,AMT,ADDL,II\n1,0,100,2.5,12\n") ==
        "d.csv:2:9: error: ADDL: expected a whole number, got '2.5'");
}

TEST_CASE("NONMEM data rule: a CMT that is neither a number nor a compartment name", "[unit]") {
  CHECK(error_of("ID,TIME,AMT,CMT\n1,0,100,gut\n") ==
        "d.csv:2:9: error: CMT: expected a compartment number or name (1 = depot, 2 = central), got 'gut'");
}

TEST_CASE("NONMEM data rule: every record needs an ID and a TIME", "[unit]") {
  CHECK(errors_of("ID,TIME,AMT\n.,0,100\n1,.,100\n") ==
        Lines{"d.csv:2:1: error: ID: missing value: every record needs an ID",
              "d.csv:3:3: error: TIME: missing value: every record needs a TIME"});
}

TEST_CASE("NONMEM data rule: negative time", "[unit]") {
  CHECK(error_of("ID,TIME,AMT\n1,-1,100\n") == "d.csv:2:3: error: TIME: must be >= 0 (got -1)");
}

TEST_CASE("NONMEM data rule: times decrease within an ID only at a reset", "[unit]") {
  CHECK(error_of("ID,TIME,AMT\n1,0,100\n1,4,.\n1,2,.\n") ==
        "d.csv:4:3: error: TIME: 2 is before 4 on line 3: the records of an ID must be in time order (only a "
        "reset, EVID 3 or 4, may go back)");
  // A reset may go back; the records after it are in order from it.
  CHECK(error_of("ID,TIME,AMT,EVID\n1,0,100,1\n1,4,.,0\n1,2,.,3\n1,3,100,4\n1,1,.,0\n") ==
        "d.csv:6:3: error: TIME: 1 is before 3 on line 5: the records of an ID must be in time order (only a "
        "reset, EVID 3 or 4, may go back)");
  // A new ID starts again from any time.
  CHECK(read_text("ID,TIME,AMT\n1,0,100\n1,24,.\n2,0,100\n").records().size() == 3);
}

TEST_CASE("NONMEM data rule: EVID is 0 to 4", "[unit]") {
  CHECK(error_of("ID,TIME,AMT,EVID\n1,0,100,5\n") ==
        "d.csv:2:9: error: EVID: must be 0 (observation), 1 (dose), 2 (other), 3 (reset) or 4 (reset and dose) "
        "(got 5)");
}

TEST_CASE("NONMEM data rule: dose items only on dose records", "[unit]") {
  CHECK(errors_of("ID,TIME,AMT,EVID,II\n1,0,100,0,.\n1,1,.,2,12\n1,2,5,3,.\n") ==
        Lines{"d.csv:2:5: error: AMT: must be 0 or '.' on an observation record (EVID 0): dose items belong on dose "
              "records (EVID 1 or 4)",
              "d.csv:3:9: error: II: must be 0 or '.' on an other-type record (EVID 2): dose items belong on dose "
              "records (EVID 1 or 4)",
              "d.csv:4:5: error: AMT: must be 0 or '.' on a reset record (EVID 3): dose items belong on dose records "
              "(EVID 1 or 4)"});
}

TEST_CASE("NONMEM data rule: AMT > 0 on a dose record", "[unit]") {
  CHECK(errors_of("ID,TIME,AMT,EVID\n1,0,0,1\n1,1,-5,4\n1,2,.,1\n") ==
        Lines{"d.csv:2:5: error: AMT: a dose record (EVID 1) needs AMT > 0 (got 0)",
              "d.csv:3:5: error: AMT: a reset-and-dose record (EVID 4) needs AMT > 0 (got -5)",
              "d.csv:4:5: error: AMT: a dose record (EVID 1) needs AMT > 0 (got 0)"});
}

TEST_CASE("NONMEM data rule: RATE -1 and -2 (modelled rate or duration) are refused", "[unit]") {
  CHECK(errors_of("ID,TIME,AMT,RATE,CMT\n1,0,100,-1,2\n1,1,100,-2,2\n1,2,100,-3,2\n") ==
        Lines{"d.csv:2:9: error: RATE: RATE -1 (rate modelled in $PK) is not supported: give the infusion rate in mg/h",
              "d.csv:3:9: error: RATE: RATE -2 (duration modelled in $PK) is not supported: give RATE = AMT / "
              "duration, in mg/h",
              "d.csv:4:9: error: RATE: must be > 0 (an infusion), 0 (a bolus), -1 or -2 (got -3)"});
}

TEST_CASE("NONMEM data rule: RATE into a bolus-only compartment", "[unit]") {
  const std::string want = "d.csv:2:9: error: RATE: CMT 1 (depot) takes bolus doses only: RATE must be 0 (got 50)";
  CHECK(error_of("ID,TIME,AMT,RATE,CMT\n1,0,100,50,1\n") == want);
  CHECK(error_of("ID,TIME,AMT,RATE\n1,0,100,50\n") == want);  // CMT absent: the default, 1
  const auto d = read_text("ID,TIME,AMT,RATE,CMT\n1,0,100,50,2\n");
  CHECK(d.records()[0].rate == 50);
}

TEST_CASE("NONMEM data rule: unknown CMT", "[unit]") {
  CHECK(errors_of("ID,TIME,AMT,CMT\n1,0,100,3\n1,1,.,7\n") ==
        Lines{"d.csv:2:9: error: CMT: unknown compartment 3 (this model's compartments: 1 = depot, 2 = central)",
              "d.csv:3:7: error: CMT: unknown compartment 7 (this model's compartments: 1 = depot, 2 = central)"});
  // Without a compartment list from the caller, any CMT >= 1 goes.
  auto any = test::oral_options();
  any.compartments.clear();
  CHECK(read_text("ID,TIME,AMT,CMT,RATE\n1,0,100,9,5\n", any).records()[0].cmt == 9);
}

TEST_CASE("NONMEM data rule: negative CMT (a compartment turned off)", "[unit]") {
  CHECK(error_of("ID,TIME,AMT,CMT\n1,0,.,-2\n") ==
        "d.csv:2:7: error: CMT: must be >= 1 (got -2): turning a compartment off (a negative CMT) is not supported");
}

TEST_CASE("NONMEM data rule: a dose without CMT when the model has no default dose compartment", "[unit]") {
  auto o = test::oral_options();
  o.default_dose_cmt = 0;
  CHECK(error_of("ID,TIME,AMT,CMT\n1,0,100,.\n", o) ==
        "d.csv:2:9: error: CMT: a dose record (EVID 1) needs a CMT: this model has no default dose compartment (1 = "
        "depot, 2 = central)");
  CHECK(error_of("ID,TIME,AMT\n1,0,100\n", o) ==
        "d.csv:2:1: error: a dose record (EVID 1) needs a CMT: this model has no default dose compartment (1 = "
        "depot, 2 = central)");
}

TEST_CASE("NONMEM data rule: SS is 0, 1 or 2", "[unit]") {
  CHECK(error_of("ID,TIME,AMT,SS,II\n1,0,100,3,24\n") ==
        "d.csv:2:9: error: SS: must be 0 (no steady state), 1 (steady state, replacing the amounts) or 2 (steady "
        "state, added) (got 3)");
}

TEST_CASE("NONMEM data rule: a steady-state constant infusion is refused", "[unit]") {
  CHECK(error_of("ID,TIME,EVID,AMT,RATE,SS,II,CMT\n1,0,1,0,10,1,0,2\n") ==
        "d.csv:2:7: error: AMT: a steady-state constant infusion (SS 1 with AMT 0 and RATE > 0) is not supported: "
        "give AMT, RATE and II of the repeated infusion");
}

TEST_CASE("NONMEM data rule: ADDL > 0 needs II > 0", "[unit]") {
  CHECK(error_of("ID,TIME,AMT,ADDL,II\n1,0,100,3,0\n") ==
        "d.csv:2:11: error: II: ADDL 3 needs II > 0, the interval between the doses (got 0)");
  CHECK(error_of("ID,TIME,AMT,ADDL\n1,0,100,3\n") ==
        "d.csv:2:9: error: ADDL: ADDL 3 needs II > 0, the interval between the doses (got no II column)");
}

TEST_CASE("NONMEM data rule: a steady-state dose needs II > 0", "[unit]") {
  CHECK(error_of("ID,TIME,AMT,SS,II\n1,0,100,1,.\n") ==
        "d.csv:2:11: error: II: a steady-state dose (SS 1) needs II > 0, the dosing interval (got 0)");
  CHECK(error_of("ID,TIME,AMT,SS\n1,0,100,2\n") ==
        "d.csv:2:9: error: SS: a steady-state dose (SS 2) needs II > 0, the dosing interval (got no II column)");
}

TEST_CASE("NONMEM data rule: ADDL and II ranges", "[unit]") {
  CHECK(errors_of("ID,TIME,AMT,ADDL,II\n1,0,100,-1,12\n1,1,100,100001,12\n1,2,100,0,-12\n") ==
        Lines{"d.csv:2:9: error: ADDL: must be >= 0 (got -1)", "d.csv:3:9: error: ADDL: must be <= 100000 (got 100001)",
              "d.csv:4:11: error: II: must be >= 0 (got -12)"});
}

TEST_CASE("NONMEM data rule: times past any time (an endless infusion, additional doses beyond DBL_MAX)", "[unit]") {
  CHECK(errors_of("ID,TIME,AMT,RATE,CMT,ADDL,II\n1,0,100,1e-307,2,0,0\n1,1,100,0,2,10,1e308\n") ==
        Lines{"d.csv:2:9: error: RATE: the infusion would last AMT/RATE = 100 / 1e-307 h, past any time",
              "d.csv:3:16: error: II: the last additional dose, at TIME + ADDL * II = 1 + 10 * 1e+308 h, is past any "
              "time"});
}

TEST_CASE("NONMEM data rule: the records of an ID are contiguous", "[unit]") {
  CHECK(error_of("ID,TIME,AMT\n1,0,100\n2,0,100\n1,24,100\n") ==
        "d.csv:4:1: error: ID: ID 1 appears again after ID 2 (its records start on line 2): NONMEM would read this "
        "as a new individual; put each ID's records together, or give the new individual an ID of its own");
}

TEST_CASE("NONMEM data rule: MDV is 0 or 1, and 1 on every record but observations", "[unit]") {
  CHECK(errors_of("ID,TIME,AMT,MDV\n1,0,100,0\n1,1,.,2\n") ==
        Lines{"d.csv:2:9: error: MDV: must be 1 on a dose record (EVID 1): only observation records (EVID 0) carry "
              "a DV",
              "d.csv:3:7: error: MDV: must be 0 or 1 (got 2)"});
}

TEST_CASE("NONMEM data rule: below-quantification records (BLQ, LLOQ)", "[unit]") {
  CHECK(errors_of("ID,TIME,AMT,DV,BLQ,LLOQ\n1,0,100,.,.,.\n1,1,.,.,1,.\n1,2,.,.,2,.\n1,3,.,0.5,.,-1\n") ==
        Lines{"d.csv:3:9: error: BLQ: a below-quantification observation (BLQ 1) needs its limit: an LLOQ column, or "
              "the limit in DV",
              "d.csv:4:9: error: BLQ: must be 0 or 1 (got 2)", "d.csv:5:13: error: LLOQ: must be > 0 (got -1)"});
  const auto d = read_text("ID,TIME,AMT,DV,BLQ,LLOQ\n1,0,100,.,.,.\n1,1,.,0.1,1,.\n1,2,.,0.02,1,0.05\n1,3,.,4,0,0.05\n");
  const auto& r = d.records();
  CHECK(r[1].blq);
  CHECK(r[1].lloq == 0.1);  // the limit from DV
  CHECK(r[2].blq);
  CHECK(r[2].lloq == 0.05);
  CHECK_FALSE(r[3].blq);
  CHECK(r[3].lloq == 0.05);
}

TEST_CASE("NONMEM data rule: output names (OUTPUT, or DVID by name or number)", "[unit]") {
  CHECK(errors_of("ID,TIME,AMT,DV,OUTPUT\n1,0,100,.,.\n1,1,.,2,CC\n1,2,.,3,PK\n") ==
        Lines{"d.csv:3:9: error: OUTPUT: unknown output 'CC' (did you mean 'Cc'?); the model's outputs: Cc, ANC",
              "d.csv:4:9: error: OUTPUT: unknown output 'PK'; the model's outputs: Cc, ANC"});
  CHECK(error_of("ID,TIME,AMT,DV,DVID\n1,0,100,.,.\n1,1,.,2,2\n1,2,.,3,3\n") ==
        "d.csv:4:9: error: DVID: DVID 3 names no output: a number k is the k-th of the model's outputs (Cc, ANC)");
  const auto d = read_text("ID,TIME,AMT,DV,DVID\n1,0,100,.,.\n1,1,.,2,2\n1,2,.,3,Cc\n");
  CHECK(d.records()[1].output == "ANC");
  CHECK(d.records()[2].output == "Cc");
}

TEST_CASE("NONMEM data rule (fitting): an observation with MDV 0 needs a DV", "[unit]") {
  const std::string text = "ID,TIME,AMT,DV,MDV,OUTPUT\n1,0,100,.,1,.\n1,1,.,.,0,Cc\n1,2,.,5,0,Cc\n";
  CHECK(error_of(text, test::fit_options()) == "d.csv:3:7: error: DV: an observation with MDV 0 needs a DV value");
  CHECK(read_text(text).records()[1].mdv);  // for simulation the record stays an output time
}

TEST_CASE("NONMEM data rule (fitting): an observation needs an output name", "[unit]") {
  CHECK(error_of("ID,TIME,AMT,DV,OUTPUT\n1,0,100,.,.\n1,1,.,2,.\n", test::fit_options()) ==
        "d.csv:3:9: error: OUTPUT: an observation (MDV 0) needs the name of the output its DV is of (one of Cc, ANC)");
}

TEST_CASE("NONMEM data rule (fitting): every ID has an observation", "[unit]") {
  CHECK(error_of("ID,TIME,AMT,DV,OUTPUT\n1,0,100,.,.\n1,1,.,2,Cc\n2,0,100,.,.\n2,1,.,.,.\n", test::fit_options()) ==
        "d.csv:4:1: error: ID: ID 2 has no observation to fit (an EVID 0 record with MDV 0 and a DV)");
}

TEST_CASE("NONMEM data rule (fitting): not every observation before the first dose", "[unit]") {
  CHECK(error_of("ID,TIME,AMT,DV,OUTPUT\n1,0,.,2,ANC\n1,1,100,.,.\n", test::fit_options()) ==
        "d.csv:2:3: error: TIME: every observation of ID 1 comes before its first dose (line 3): nothing here tells "
        "how the drug acts");
  CHECK(error_of("ID,TIME,AMT,DV,OUTPUT\n1,0,.,2,ANC\n", test::fit_options()) ==
        "d.csv:2:3: error: TIME: ID 1 has no dose record: its observations cannot tell how the drug acts");
  // A baseline before the dose is fine when something follows the dose.
  const auto d = read_text("ID,TIME,AMT,DV,OUTPUT\n1,0,.,2,ANC\n1,0,100,.,.\n1,4,.,1.5,Cc\n", test::fit_options());
  CHECK(d.records()[2].is_observed());
}
