// `type: three_plus_three`: the standard 3+3 rule exactly as DESIGN.md states it.
//
//   Cohorts of 3, starting at `start_dose` (0-based, default the lowest dose).
//   At the current dose d:
//     3 treated, 0 DLTs  -> escalate to d+1; at the highest dose, treat 3 more at d
//     3 treated, 1 DLT   -> treat 3 more at d
//     6 treated, <=1 DLT -> escalate to d+1; at the highest dose, stop: MTD = d
//     >=2 DLTs at d      -> d is too toxic; escalation stops for good and the next
//                           lower dose c becomes the MTD candidate (de-escalation)
//   In de-escalation, the candidate c is filled up to 6 patients in cohorts of 3
//   (3 more if it had 3; two cohorts if it had none, which only happens with a
//   start dose above the lowest). <=1 DLT among its 6 makes c the MTD; >=2 makes
//   c too toxic and the next lower dose becomes the candidate the same way. When
//   the lowest dose is too toxic there is no MTD.
//
// The MTD is therefore always the highest dose with <=1/6 DLTs among 6 patients
// below the lowest too-toxic dose. Each dose receives at most 6 patients.
#include <algorithm>
#include <stdexcept>

#include "twinsim/trial/designs/designs.hpp"

namespace twinsim::trial {

namespace {

constexpr int kCohort = 3;
constexpr int kFull = 6;

class ThreePlusThreeRun final : public DesignRun {
 public:
  ThreePlusThreeRun(int n_doses, int start) : top_(n_doses - 1), start_(start) {}

  Decision first() override { return {false, start_, kCohort}; }

  Decision next(const TrialHistory& history, double) override {
    const DoseCounts& data = history.counts();
    const int d = data.current;
    const auto di = static_cast<std::size_t>(d);
    const int n = data.n[di];
    const int y = data.dlt[di];
    if (y >= 2) return step_down(data, d - 1);
    if (deescalating_) {
      // d is the MTD candidate: fill it to 6, and accept it with <=1/6.
      if (n >= kFull) return stop(d);
      return {false, d, kCohort};
    }
    if (n < kFull) {
      // 3 treated with 0 or 1 DLT: expand on 1 DLT, and on 0 DLTs at the highest dose.
      if (y == 1 || d == top_) return {false, d, kCohort};
      return {false, d + 1, kCohort};
    }
    // 6 treated with <=1 DLT.
    if (d == top_) return stop(d);
    return {false, d + 1, kCohort};
  }

  int select(const TrialHistory&, double) override { return mtd_; }

 private:
  // The dose above `c` is too toxic: c (if any) becomes the MTD candidate.
  Decision step_down(const DoseCounts& data, int c) {
    deescalating_ = true;
    if (c < 0) return stop(-1);
    const auto ci = static_cast<std::size_t>(c);
    // A candidate with 6 patients was left with <=1 DLT (that is why it was left).
    if (data.n[ci] >= kFull) return stop(c);
    return {false, c, kCohort};
  }

  Decision stop(int mtd) {
    mtd_ = mtd;
    return {true, -1, 0};
  }

  int top_;
  int start_;
  bool deescalating_ = false;
  int mtd_ = -1;
};

}  // namespace

ThreePlusThree::ThreePlusThree(const ThreePlusThreeOptions& o, std::size_t n_doses)
    : o_(o), n_doses_(static_cast<int>(n_doses)) {
  o_.validate(n_doses);
}

std::unique_ptr<DesignRun> ThreePlusThree::start(DesignWorkspace*) const {
  return std::make_unique<ThreePlusThreeRun>(n_doses_, o_.start_dose);
}

int ThreePlusThree::max_patients() const { return kFull * n_doses_; }

std::optional<DecisionTable> ThreePlusThree::decision_table(std::size_t n_doses) const {
  DecisionTable t = probe_decision_table(*this, n_doses, kFull);
  if (t.max_n() == 0) return std::nullopt;
  return t;
}

void ThreePlusThreeOptions::validate(std::size_t n_doses) const {
  validate_start_dose(start_dose, n_doses, "three_plus_three");
  if (target && !DesignRules::target().contains(*target))
    throw std::invalid_argument("three_plus_three: target must be " + DesignRules::target().describe());
}

std::unique_ptr<Design> parse_three_plus_three(core::MapReader& r, const DesignContext& ctx) {
  const std::size_t errors_before = r.diagnostics().size();
  ThreePlusThreeOptions o;
  o.start_dose = read_start_dose(r, ctx, o.start_dose);
  const double target = r.optional_double("target", -1.0, DesignRules::target());
  if (target >= 0) o.target = target;
  if (r.diagnostics().size() != errors_before || ctx.n_doses == 0) return nullptr;
  return std::make_unique<ThreePlusThree>(o, ctx.n_doses);
}

}  // namespace twinsim::trial
