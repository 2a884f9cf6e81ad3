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
// cohort size, then records the cohort's patients (the first c.dlts of them
// with a DLT) and asks for the next decision. Cohorts are a window apart.
class Driver {
 public:
  Driver(const trial::Design& design, std::size_t doses) : run_(design.start(nullptr)), history_(doses) {
    dec_ = run_->first();
  }

  void feed(const Cohort& c) {
    REQUIRE_FALSE(dec_.stop);
    REQUIRE(dec_.dose == c.dose);
    REQUIRE(dec_.cohort_size == c.size);
    for (int j = 0; j < dec_.cohort_size; ++j) {
      trial::EnrolledPatient p;
      p.dose = dec_.dose;
      p.cohort = cohorts_;
      p.enrolled_day = day_;
      p.dlt = j < c.dlts;
      history_.enrol(p);
    }
    history_.end_cohort();
    ++cohorts_;
    day_ += kWindowDays;
    dec_ = run_->next(history_, day_);
  }
  void feed(const std::vector<Cohort>& cs) {
    for (std::size_t i = 0; i < cs.size(); ++i) {
      INFO("cohort " << i + 1 << " (dose " << cs[i].dose << ", " << cs[i].dlts << " DLTs)");
      feed(cs[i]);
    }
  }
  const trial::Decision& decision() const { return dec_; }
  const trial::TrialHistory& history() const { return history_; }
  const trial::DoseCounts& data() const { return history_.counts(); }
  int select() { return run_->select(history_, day_); }

 private:
  static constexpr double kWindowDays = 28.0;
  std::unique_ptr<trial::DesignRun> run_;
  trial::TrialHistory history_;
  trial::Decision dec_;
  int cohorts_ = 0;
  double day_ = 0.0;
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
