// Decision tables (decision_table.hpp): reading them, and probing a design's
// own rule for one, so a design whose decisions depend only on the current
// dose's counts has a table without a second copy of its rule.
#include "twinsim/trial/designs/decision_table.hpp"

#include <algorithm>
#include <memory>

#include "twinsim/trial/designs/design.hpp"

namespace twinsim::trial {

const char* to_string(TableDecision d) {
  switch (d) {
    case TableDecision::escalate: return "E";
    case TableDecision::stay: return "S";
    case TableDecision::deescalate: return "D";
    case TableDecision::eliminate: return "DE";
    case TableDecision::none: break;
  }
  return "-";
}

std::vector<int> DecisionTable::row_ns() const {
  if (!rows.empty()) return rows;
  std::vector<int> all;
  for (int n = 1; n <= max_n(); ++n) all.push_back(n);
  return all;
}

TableDecision DecisionTable::decision(int n, int y) const {
  if (n < 1 || n > max_n() || y < 0 || y > n) return TableDecision::none;
  if (!rows.empty() && std::find(rows.begin(), rows.end(), n) == rows.end()) return TableDecision::none;
  const auto i = static_cast<std::size_t>(n);
  if (y >= eliminate[i]) return TableDecision::eliminate;
  if (y <= escalate[i]) return TableDecision::escalate;
  if (y >= deescalate[i]) return TableDecision::deescalate;
  return TableDecision::stay;
}

namespace {

// Cohorts without DLTs at d - 1 fed after a D, to tell D from DE: a rule that
// has not eliminated d returns to it within a few (BOIN and the interval
// designs after one, 3+3 never).
constexpr int kReturnCohorts = 8;

class Probe {
 public:
  Probe(const Design& design, std::size_t n_doses) : design_(design), n_doses_(n_doses) {}

  // The decision after one cohort of n at dose d with y DLTs; `stopped` when
  // the run ends the trial there. none: not a table decision.
  TableDecision ask(int d, int n, int y, bool& stopped) const {
    stopped = false;
    auto run = design_.start(nullptr);
    run->first();
    TrialHistory h(n_doses_);
    add_cohort(h, d, n, y, 0);
    Decision x = run->next(h, 0.0);
    if (x.stop) {
      stopped = true;
      return TableDecision::none;
    }
    if (x.dose == d + 1) return TableDecision::escalate;
    if (x.dose == d) return TableDecision::stay;
    if (x.dose != d - 1) return TableDecision::none;
    for (int k = 1; k <= kReturnCohorts && !x.stop && x.dose == d - 1; ++k) {
      add_cohort(h, d - 1, x.cohort_size, 0, k);
      x = run->next(h, 0.0);
      if (!x.stop && x.dose == d) return TableDecision::deescalate;
    }
    return TableDecision::eliminate;
  }

 private:
  static void add_cohort(TrialHistory& h, int dose, int size, int dlts, int cohort) {
    for (int j = 0; j < size; ++j) {
      EnrolledPatient p;
      p.dose = dose;
      p.cohort = cohort;
      p.dlt = j < dlts;
      h.enrol(p);
    }
    h.end_cohort();
  }

  const Design& design_;
  std::size_t n_doses_;
};

}  // namespace

DecisionTable probe_decision_table(const Design& design, std::size_t n_doses, int max_n) {
  DecisionTable t;
  max_n = std::min(max_n, kMaxProbedPatients);
  if (n_doses < 3 || max_n < 1) return t;
  const int step = design.start(nullptr)->first().cohort_size;
  if (step < 1) return t;
  const Probe probe(design, n_doses);
  constexpr int d = 1;  // a dose with one on either side
  DecisionTable out;
  out.escalate.assign(static_cast<std::size_t>(max_n) + 1, -1);
  out.deescalate.assign(out.escalate.size(), INT_MAX);
  out.eliminate.assign(out.escalate.size(), INT_MAX);
  int last = 0;
  for (int n = step; n <= max_n; n += step) {
    const auto i = static_cast<std::size_t>(n);
    int rank = 0;  // E < S < D < DE along y
    for (int y = 0; y <= n; ++y) {
      bool stopped = false;
      const TableDecision dec = probe.ask(d, n, y, stopped);
      // The trial's own end (a sample size reached) ends the table there.
      if (stopped && y == 0) {
        n = max_n + 1;
        break;
      }
      if (dec == TableDecision::none) return t;
      const int r = static_cast<int>(dec);
      if (r < rank) return t;
      rank = r;
      if (dec == TableDecision::escalate) out.escalate[i] = y;
      if (dec == TableDecision::deescalate || dec == TableDecision::eliminate)
        out.deescalate[i] = std::min(out.deescalate[i], y);
      if (dec == TableDecision::eliminate) out.eliminate[i] = std::min(out.eliminate[i], y);
    }
    if (n <= max_n) {
      out.rows.push_back(n);
      last = n;
    }
  }
  if (last == 0) return t;
  out.escalate.resize(static_cast<std::size_t>(last) + 1);
  out.deescalate.resize(out.escalate.size());
  out.eliminate.resize(out.escalate.size());
  return out;
}

std::optional<DecisionTable> Design::decision_table(std::size_t n_doses) const {
  if (decision_basis() != DecisionBasis::dose_counts) return std::nullopt;
  const int max_n = planned_patients() > 0 ? planned_patients() : max_patients();
  DecisionTable t = probe_decision_table(*this, n_doses, max_n);
  if (t.max_n() == 0) return std::nullopt;
  return t;
}

}  // namespace twinsim::trial
