// CTCAE v5.0 grading of "neutrophil count decreased" from ANC (10^9/L):
//   grade 1: < LLN and >= 1.5;  grade 2: < 1.5 and >= 1.0;
//   grade 3: < 1.0 and >= 0.5;  grade 4: < 0.5;  grade 0: >= LLN.
// (NCI Common Terminology Criteria for Adverse Events v5.0, 2017, Investigations.)
#pragma once

#include <vector>

namespace twinsim::trial {

constexpr double kDefaultAncLln = 2.0;  // 10^9/L, a common laboratory lower limit of normal
// The model output CTCAE neutropenia grades are read from by default.
constexpr const char* kAncOutput = "ANC";

int neutropenia_grade(double anc, double lln = kDefaultAncLln);

// Summary of an ANC time course sampled at times t (h, ascending).
struct NeutropeniaSummary {
  double nadir = 0.0;          // 10^9/L
  double nadir_time_h = 0.0;
  int worst_grade = 0;
  // Time from the nadir until ANC is back at grade <= 1 (>= 1.5); NaN if the
  // nadir is grade <= 1 or ANC has not recovered by the end of the series.
  double recovery_h = 0.0;
};

NeutropeniaSummary summarize_neutropenia(const std::vector<double>& t, const std::vector<double>& anc,
                                         double lln = kDefaultAncLln);

}  // namespace twinsim::trial
