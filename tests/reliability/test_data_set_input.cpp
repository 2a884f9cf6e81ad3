// [reliability] Hostile NONMEM-format data sets: every prefix and a sweep of
// byte substitutions of valid and malformed data sets go through the whole
// path (read, expand every individual, bind parameters, write and read back)
// and end in a data set or a DataSetError: never another exception, a crash
// or a hang. Under the sanitizer build (make test) a memory error or UB here
// fails the pass.
#include <catch2/catch.hpp>

#include <cmath>

#include "doc_blocks.hpp"
#include "nonmem_fixtures.hpp"
#include "reliability_support.hpp"
#include "test_support.hpp"
#include "twinsim/core/nonmem_events.hpp"

using namespace twinsim;

namespace {

// True if the text is a data set; false on a DataSetError; anything else escapes.
bool whole_path(const std::string& text) {
  core::DataSet d;
  try {
    d = core::read_data_set_text(text, "hostile.csv", test::oral_options());
  } catch (const core::DataSetError&) {
    return false;
  }
  std::size_t events = 0;
  for (std::size_t i = 0; i < d.individuals().size(); ++i) {
    const auto ev = core::expand_events(d, i);
    for (std::size_t e = 1; e < ev.size(); ++e)
      if (ev[e].record == ev[e - 1].record) REQUIRE(ev[e].time >= ev[e - 1].time);
    events += ev.size();
  }
  CHECK(events >= d.records().size());
  try {
    const core::ParameterBinding b(d, {"WT", "CL"});
    for (std::size_t r = 0; r < d.records().size(); ++r)
      for (std::size_t k = 0; k < b.size(); ++k) REQUIRE(std::isfinite(b.value(r, k)));
  } catch (const core::DataSetError&) {
  }
  const auto again = core::read_data_set_text(core::write_data_set(d), "again.csv", test::oral_options());
  CHECK(again.records().size() == d.records().size());
  return true;
}

std::vector<std::string> seeds() {
  std::vector<std::string> out = {
      test::doc_block(test::source_dir() + "/docs/data-sets.md", "example"),
      "ID,TIME,EVID,AMT,RATE,II,ADDL,CMT,SS,MDV,DV,OUTPUT,BLQ,LLOQ,WT,CL\n"
      "1,0,1,100,50,12,3,2,1,1,.,.,.,.,70,5\n"
      "1,1,0,.,.,.,.,2,.,0,2.5,Cc,0,0.1,70,.\n"
      "1,2,3,.,.,.,.,.,.,.,.,.,.,.,71,6\n"
      "1,0,4,20,0,24,1,1,2,1,.,.,.,.,71,6\n"
      "2,0,1,5,0,0,0,depot,0,1,.,.,.,.,\"80\",NA\n"
      "2,4,0,.,.,.,.,2,.,0,0.01,ANC,1,.,80,7\n"};
  for (const auto& path : test::files_in(test::source_dir() + "/tests/config/data_cases", ".csv"))
    out.push_back(test::read_all(path));
  return out;
}

}  // namespace

TEST_CASE("data sets: every prefix of valid and malformed data sets ends in a data set or a DataSetError",
          "[reliability]") {
  int accepted = 0, refused = 0;
  for (const auto& seed : seeds()) {
    CAPTURE(seed);
    for (std::size_t n = 0; n <= seed.size(); ++n) (whole_path(seed.substr(0, n)) ? accepted : refused)++;
  }
  CHECK(accepted > 0);
  CHECK(refused > 0);
}

TEST_CASE("data sets: byte substitutions end in a data set or a DataSetError", "[reliability]") {
  const std::string replacements[] = {",", "\"", "\n", "\r", ".", "-", "9", "e", "#", " ", std::string(1, '\0'),
                                      "\xff", "1e308", "-1", "0"};
  int accepted = 0, refused = 0;
  for (const auto& seed : seeds()) {
    for (std::size_t at = 0; at < seed.size(); ++at) {
      for (const auto& r : replacements) {
        std::string text = seed;
        text.replace(at, 1, r);
        CAPTURE(text);
        (whole_path(text) ? accepted : refused)++;
      }
    }
  }
  CHECK(accepted > 0);
  CHECK(refused > 0);
}
