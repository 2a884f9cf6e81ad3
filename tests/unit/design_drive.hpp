// Drives one DesignRun by hand: the test says which dose it expects for each
// cohort and how many DLTs that cohort had, and gets the selected dose back.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "twinsim/trial/designs/design.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace twinsim::test {

inline std::shared_ptr<const trial::Design> make_design(const std::string& design, std::size_t doses) {
  std::string levels, probs;
  for (std::size_t i = 0; i < doses; ++i) {
    levels += (i ? ", " : "") + std::to_string(i + 1);
    probs += (i ? ", " : "") + std::string("0.1");
  }
  const std::string text = "name: unit\ndose_levels: [" + levels + "]\ntoxicity:\n  true_dlt_probabilities: [" + probs +
                           "]\ndesigns:\n  - {name: d, " + design + "}\n";
  return trial::load_scenario_text(text, "unit.yaml").designs.at(0).design;
}

struct Cohort {
  int dose;  // the dose the design must choose for this cohort (0-based)
  int dlts;  // DLTs observed in it
  int size = 3;
};

// A trial in progress: feed() checks the design chose the expected dose and
// cohort size, then records the outcome and asks for the next decision.
class Driver {
 public:
  Driver(const trial::Design& design, std::size_t doses) : run_(design.start()), data_(doses) { dec_ = run_->first(); }

  void feed(const Cohort& c) {
    REQUIRE_FALSE(dec_.stop);
    REQUIRE(dec_.dose == c.dose);
    REQUIRE(dec_.cohort_size == c.size);
    const auto d = static_cast<std::size_t>(dec_.dose);
    data_.n[d] += dec_.cohort_size;
    data_.dlt[d] += c.dlts;
    data_.current = dec_.dose;
    data_.last_cohort_size = dec_.cohort_size;
    data_.last_cohort_dlts = c.dlts;
    data_.total_patients += dec_.cohort_size;
    data_.cohorts += 1;
    dec_ = run_->next(data_);
  }
  void feed(const std::vector<Cohort>& cs) {
    for (std::size_t i = 0; i < cs.size(); ++i) {
      INFO("cohort " << i + 1 << " (dose " << cs[i].dose << ", " << cs[i].dlts << " DLTs)");
      feed(cs[i]);
    }
  }
  const trial::Decision& decision() const { return dec_; }
  const trial::TrialData& data() const { return data_; }
  int select() { return run_->select(data_); }

 private:
  std::unique_ptr<trial::DesignRun> run_;
  trial::TrialData data_;
  trial::Decision dec_;
};

// Feeds the cohorts in order and requires the design to stop right after the
// last one. Returns the selected dose (-1: none).
inline int drive(const trial::Design& design, std::size_t doses, const std::vector<Cohort>& cohorts) {
  Driver t(design, doses);
  t.feed(cohorts);
  REQUIRE(t.decision().stop);
  return t.select();
}

}  // namespace twinsim::test
