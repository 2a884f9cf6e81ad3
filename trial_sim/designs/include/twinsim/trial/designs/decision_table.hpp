// A design's decision table: what it does after a cohort, given the patients
// n and DLTs y at the current dose (docs/boundaries.md). BOIN, mTPI-2 and i3+3
// decide from tables like this (designs/src/table_flow.hpp); 3+3 and any other
// design whose decisions depend only on the current dose's counts gets one by
// probing its own rule (probe_decision_table); model-based designs (CRM),
// whose decisions depend on every dose's data, have none.
#pragma once

#include <climits>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace twinsim::trial {

class Design;

// The decision for y DLTs of n patients at the current dose.
enum class TableDecision : unsigned char {
  escalate,
  stay,
  deescalate,
  eliminate,  // de-escalate, and the dose and all above are out for good
  none,       // no row for this n
};
// "E", "S", "D", "DE", "-" (the letters of the BOIN and i3+3 papers' tables).
const char* to_string(TableDecision d);

struct DecisionTable {
  // Indexed by n = 0..max_n patients at the dose (index 0 unused), as DLT counts:
  std::vector<int> escalate;    // escalate if y <= escalate[n] (-1: never)
  std::vector<int> deescalate;  // de-escalate if y >= deescalate[n] (INT_MAX: never); <= eliminate[n]
  std::vector<int> eliminate;   // eliminate if y >= eliminate[n] (INT_MAX: never)
  // The n the table is meant to be read at (BOIN: 1..max_patients; a probed
  // table: multiples of the cohort size); empty: every n from 1.
  std::vector<int> rows;
  // Named constants of the rule that printed tables show (BOIN: lambda_e, lambda_d).
  std::vector<std::pair<std::string, double>> parameters;

  int max_n() const { return escalate.empty() ? 0 : static_cast<int>(escalate.size()) - 1; }
  std::vector<int> row_ns() const;  // rows, or 1..max_n
  TableDecision decision(int n, int y) const;
};

// The rules of a design that are not a table of (n, DLTs) escalation
// decisions (docs/boundaries.md): Simon's r1, n1, r, n with EN and PET under
// p0; BOIN12's toxicity, stay and admissibility boundaries per n; BOP2's
// stopping boundary per interim. `values`: named constants (printed and in
// json as keys); `columns`: json key and text heading of each per-row count;
// rows: one count per column, kNoCount where none applies (json null).
struct RuleTable {
  static constexpr int kNoCount = INT_MIN;
  struct Column {
    std::string key, heading;
  };
  std::vector<std::pair<std::string, double>> values;
  std::vector<Column> columns;
  std::vector<std::vector<int>> rows;
  std::string legend;  // how to read it, one sentence (text formats)
};

// What a design's decisions after a cohort depend on (Design::decision_basis).
enum class DecisionBasis : unsigned char {
  other,          // anything else (e.g. follow-up times): no table, no exact enumeration
  counts,         // the DoseCounts of the history alone (CRM, BLRM): exact enumeration
  dose_counts,    // counts, and where they are read a table of the current dose's (n, y) (BOIN, 3+3)
};

// Largest n a probed table has, whatever the design's max_patients.
constexpr int kMaxProbedPatients = 1000;

// The table a design's own rule gives, asked by driving fresh runs of it
// (DesignRun::next) with one synthetic cohort of n patients, y with a DLT, at
// a middle dose d: d + 1 is E, d is S, d - 1 is D, and D is DE when the run
// never comes back to d after cohorts without DLTs at d - 1. Rows n: the
// multiples of the first cohort's size up to max_n. Returns an empty table
// (max_n() == 0) when the answers do not form a table (a stop, another dose,
// y ranges out of order) or when there are fewer than 3 doses.
DecisionTable probe_decision_table(const Design& design, std::size_t n_doses, int max_n);

}  // namespace twinsim::trial
