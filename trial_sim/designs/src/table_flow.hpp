// What the table-driven designs (BOIN, mTPI-2, i3+3) share (internal to
// designs/): the decision tables by number of patients, the per-trial
// elimination state and the move between doses, and the weighted isotonic
// regression their MTD selections start from. The designs differ only in how
// their tables are computed, in their extra stopping rules and in the
// estimates and tie rule of their MTD selection.
#pragma once

#include <algorithm>
#include <climits>
#include <cstddef>
#include <vector>

#include "twinsim/trial/designs/designs.hpp"

namespace twinsim::trial::detail {

// One trial's elimination state, and the move the tables give.
class TableFlow {
 public:
  explicit TableFlow(int n_doses) : top_(n_doses - 1), elim_from_(n_doses) {}

  // The elimination rule at the current dose. Returns true when it removes
  // the lowest dose: the trial stops with no MTD (toxic_stop()).
  bool eliminate(const DoseCounts& c, const DecisionTable& t) {
    const int d = c.current;
    const auto nd = static_cast<std::size_t>(c.n[static_cast<std::size_t>(d)]);
    if (c.dlt[static_cast<std::size_t>(d)] < t.eliminate[nd]) return false;
    elim_from_ = std::min(elim_from_, d);
    if (d == 0) toxic_stop_ = true;
    return toxic_stop_;
  }
  void stop_toxic() { toxic_stop_ = true; }

  // Whether the dose above d exists and is not eliminated.
  bool can_escalate(int d) const { return d != top_ && elim_from_ > d + 1; }

  // E -> d + 1 (stay at the highest dose or below an eliminated one), S -> d,
  // D -> d - 1 (stay at the lowest).
  //   kNeverEliminated (mTPI-2, i3+3): the next dose is never an eliminated one.
  //   kBoinPackage: BOIN 2.7.1 get.oc's test, `y <= escalate[n] && d below the
  //   top` first, else de-escalation; it stays on a just-eliminated dose when
  //   y <= escalate[n] too, which only a cutoff_eli far below 0.95 allows.
  enum class Rule : unsigned char { kNeverEliminated, kBoinPackage };
  int move(const DoseCounts& c, const DecisionTable& t, Rule rule) const {
    const int d = c.current;
    const auto nd = static_cast<std::size_t>(c.n[static_cast<std::size_t>(d)]);
    const int y = c.dlt[static_cast<std::size_t>(d)];
    if (rule == Rule::kBoinPackage) {
      if (y <= t.escalate[nd] && d != top_) return can_escalate(d) ? d + 1 : d;
      return y >= t.deescalate[nd] && d != 0 ? d - 1 : d;
    }
    int next = d;
    if (y <= t.escalate[nd]) {
      if (can_escalate(d)) next = d + 1;
    } else if (y >= t.deescalate[nd]) {
      if (d > 0) next = d - 1;
    }
    return std::min(next, elim_from_ - 1);  // elim_from_ > 0 unless stopped
  }

  int elim_from() const { return elim_from_; }  // lowest eliminated dose; n_doses when none
  bool toxic_stop() const { return toxic_stop_; }

 private:
  int top_;
  int elim_from_;
  bool toxic_stop_ = false;
};

// The first cohort of a design whose options have start_dose, cohort_size
// and max_patients (cut to max_patients, as every later cohort is).
template <class Options>
Decision first_cohort(const Options& o) {
  return {false, o.start_dose, std::min(o.cohort_size, o.max_patients)};
}

// The run of a table-driven design D (Boin, IntervalDesign): its first
// cohort and its elimination state; D's run adds next() and select().
template <class D>
class TableRun : public DesignRun {
 public:
  explicit TableRun(const D& design) : design_(design), flow_(design.n_doses()) {}
  Decision first() override { return first_cohort(design_.options()); }

 protected:
  const D& design_;
  TableFlow flow_;
};

// Weighted pool-adjacent-violators on est[0, k) in place (non-decreasing
// result), weights w; blocks on a stack, so the arithmetic is the same for
// every caller. k <= kMaxDesignDoses.
void isotonic_in_place(double* est, const double* w, std::size_t k);

}  // namespace twinsim::trial::detail
