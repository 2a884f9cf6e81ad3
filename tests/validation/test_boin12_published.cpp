// BOIN12 (Lin, Zhou, Yan, Li & Yuan 2020, JCO Precision Oncology 4:1393) against
// published decisions: Table 3's rank-based desirability scores (n = 0, 3, 6, 9;
// phi_T 0.35, phi_E 0.25, utilities 100/40/60/0), the paper's worked example
// (p. 1396 and Data Supplement section 6 / Figure S2), and the MD Anderson
// BOIN12 Shiny app's next-dose decisions for every one-cohort outcome under two
// parameterisations, as recorded in the escalation R package's tests
// (tests/testthat/test_boin12.R, test_boin12_rds.R).
#include <catch2/catch.hpp>
#include <algorithm>
#include <string>
#include <vector>

#include "twinsim/trial/designs/phase2.hpp"

using namespace twinsim;

namespace {

// Outcome letters as in escalation: N none, E efficacy, T toxicity, B both.
// "1NNN 2ENT": cohorts with their 1-based dose.
trial::TrialHistory history(const std::string& outcomes, std::size_t doses) {
  trial::TrialHistory h(doses);
  int cohort = 0;
  std::size_t i = 0;
  while (i < outcomes.size()) {
    if (outcomes[i] == ' ') { ++i; continue; }
    const int dose = outcomes[i++] - '1';
    while (i < outcomes.size() && outcomes[i] != ' ') {
      const char c = outcomes[i++];
      trial::EnrolledPatient p;
      p.dose = dose;
      p.cohort = cohort;
      p.dlt = c == 'T' || c == 'B';
      p.response = c == 'E' || c == 'B';
      h.enrol(p);
    }
    h.end_cohort();
    ++cohort;
  }
  return h;
}

// Next dose, 1-based; 0 when the design stops.
int next_dose(const trial::Boin12& d, const std::string& outcomes) {
  const trial::TrialHistory h = history(outcomes, 5);
  auto run = d.start(nullptr);
  const trial::Decision dec = run->next(h, 0.0);
  return dec.stop ? 0 : dec.dose + 1;
}

}  // namespace

TEST_CASE("BOIN12 desirability scores match Table 3 of Lin et al. (2020)", "[validation][boin12]") {
  trial::Boin12Options o;  // the defaults are the paper's: 0.35, 0.25, 100/40/60/0, 0.95, 0.9
  struct Row {
    int n, tox, eff;
    double score;  // rank among admissible rows; < 0: not admissible ("E")
  };
  std::vector<Row> table;
  for (int n : {0, 3, 6, 9})
    for (int t = 0; t <= n; ++t)
      for (int e = 0; e <= n; ++e) table.push_back({n, t, e, 0.0});
  // Both = 0 is enough: with u1 + u4 = u2 + u3 the utility is additive in the two outcomes.
  std::vector<double> p;
  for (auto& r : table)
    p.push_back(trial::boin12_admissible(o, r.n, r.tox, r.eff) ? trial::boin12_desirability(o, r.n, r.tox, r.eff, 0)
                                                                : -1.0);
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (p[i] < 0) { table[i].score = -1; continue; }
    double below = 0, equal = 0;  // R's rank(): average rank of ties
    for (double q : p) {
      if (q < 0) continue;
      if (q < p[i] - 1e-12) ++below;
      else if (std::abs(q - p[i]) <= 1e-12) ++equal;
    }
    table[i].score = below + (equal + 1) / 2.0;
  }
  auto score = [&](int n, int t, int e) {
    for (const auto& r : table)
      if (r.n == n && r.tox == t && r.eff == e) return r.score;
    return -2.0;
  };
  CHECK(score(0, 0, 0) == 60);
  CHECK(score(3, 0, 3) == 91);
  CHECK(score(6, 1, 5) == 87);
  CHECK(score(6, 5, 1) == -1);
  CHECK(score(9, 0, 8) == 99);
  CHECK(score(9, 2, 3) == 32.5);
  CHECK(score(9, 5, 5) == 32.5);
  CHECK(score(9, 3, 1) == 7);
  CHECK(score(9, 4, 0) == -1);
  CHECK(score(9, 6, 9) == -1);
}

TEST_CASE("BOIN12 follows the paper's worked example", "[validation][boin12]") {
  trial::Boin12Options o;
  o.max_patients = 30;
  const trial::Boin12 d(o, 5);
  CHECK(next_dose(d, "1NNN 2ENT 3ETT 2EEN") == 2);
  const std::vector<std::pair<std::string, int>> steps = {
      {"1NNN", 2}, {"2NNB", 3}, {"3NEE", 3}, {"3NTN", 4}, {"4ETE", 4},
      {"4NBE", 4}, {"4BNN", 5}, {"5BEN", 5}, {"5NBT", 4}};
  std::string so_far;
  for (const auto& s : steps) {
    so_far += (so_far.empty() ? "" : " ") + s.first;
    INFO(so_far);
    CHECK(next_dose(d, so_far) == s.second);
  }
  // 12 patients at dose 4: the trial stops.
  so_far += " 4NEN";
  CHECK(next_dose(d, so_far) == 0);
}

TEST_CASE("BOIN12 next doses match the MD Anderson Shiny app", "[validation][boin12]") {
  struct Case {
    const char* outcomes;
    int dose;
  };
  trial::Boin12Options o1;  // parameterisation 1: the app's defaults
  const std::vector<Case> app1 = {
      {"1EBB", 1}, {"1EEB", 1}, {"1EEE", 1}, {"1EET", 1}, {"1ETB", 1}, {"1ETT", 1}, {"1NBB", 1}, {"1NEB", 1},
      {"1NEE", 1}, {"1NET", 2}, {"1NNB", 2}, {"1NNE", 2}, {"1NNN", 2}, {"1NNT", 2}, {"1NTB", 1}, {"1NTT", 1},
      {"2BBB", 1}, {"2EBB", 1}, {"2EEB", 2}, {"2EEE", 2}, {"2EET", 2}, {"2ETB", 1}, {"2ETT", 1}, {"2NBB", 1},
      {"2NEB", 2}, {"2NEE", 2}, {"2NET", 3}, {"2NNB", 3}, {"2NNE", 3}, {"2NNN", 3}, {"2NNT", 3}, {"2NTB", 1},
      {"2NTT", 1}, {"2TBB", 1}, {"2TTB", 1}, {"2TTT", 1}, {"5BBB", 4}, {"5EBB", 4}, {"5EEB", 5}, {"5EEE", 5},
      {"5EET", 5}, {"5ETB", 4}, {"5ETT", 4}, {"5NBB", 4}, {"5NEB", 5}, {"5NEE", 5}, {"5NET", 4}, {"5NNB", 4},
      {"5NNE", 4}, {"5NNN", 4}, {"5NNT", 4}, {"5NTB", 4}, {"5NTT", 4}, {"5TBB", 4}, {"5TTB", 4}, {"5TTT", 4}};
  trial::Boin12Options o2;  // parameterisation 2
  o2.phi_t = 0.15;
  o2.phi_e = 0.4;
  o2.u2 = 50;
  o2.u3 = 30;
  o2.c_t = 0.9;
  o2.c_e = 0.8;
  const std::vector<Case> app2 = {
      {"1EBB", 1}, {"1EEB", 1}, {"1EEE", 1}, {"1EET", 1}, {"1ETB", 1}, {"1ETT", 1}, {"1NBB", 1}, {"1NEB", 1},
      {"1NEE", 1}, {"1NET", 1}, {"1NNB", 1}, {"1NNE", 2}, {"1NNN", 2}, {"1NTB", 1}, {"2BBB", 1}, {"2EBB", 1},
      {"2EEB", 1}, {"2EEE", 2}, {"2EET", 1}, {"2ETB", 1}, {"2ETT", 1}, {"2NBB", 1}, {"2NEB", 1}, {"2NEE", 2},
      {"2NET", 1}, {"2NNB", 1}, {"2NNN", 3}, {"2NNT", 1}, {"2NTB", 1}, {"2NTT", 1}, {"2TBB", 1}, {"2TTB", 1},
      {"2TTT", 1}, {"5BBB", 4}, {"5EBB", 4}, {"5EEB", 4}, {"5EEE", 5}, {"5EET", 4}, {"5ETB", 4}, {"5ETT", 4},
      {"5NBB", 4}, {"5NEB", 4}, {"5NEE", 5}, {"5NET", 4}, {"5NNB", 4}, {"5NNE", 4}, {"5NNN", 4}, {"5NNT", 4},
      {"5NTB", 4}, {"5NTT", 4}, {"5TBB", 4}, {"5TTB", 4}, {"5TTT", 4}};
  for (const auto& [o, cases] : {std::make_pair(o1, app1), std::make_pair(o2, app2)}) {
    const trial::Boin12 d(o, 5);
    for (const Case& c : cases) {
      INFO("phi_t " << o.phi_t << " outcomes " << c.outcomes);
      CHECK(next_dose(d, c.outcomes) == c.dose);
    }
  }
}

TEST_CASE("BOIN12 OBD selection: isotonic MTD, then the most desirable dose at or below it", "[unit][boin12]") {
  trial::Boin12Options o;
  // The worked example's data.
  const trial::TrialHistory h = history("1NNN 2NNB 3NEE 3NTN 4ETE 4NBE 4BNN 5BEN 5NBT 4NEN", 5);
  const trial::DoseCounts& c = h.counts();
  const int obd = trial::boin12_select_obd(o, c);
  // By hand: empiric toxicity 0, 1/3, 1/6, 4/12, 3/6 is isotonic after pooling doses 2-3
  // (unweighted: 0.25); |0.333 - 0.35| is the least, so the MTD is dose 4 (index 3); the
  // OBD is the dose <= 4 with the largest 100 Pr(u > u_b).
  int best = 0;
  for (int d = 1; d <= 3; ++d) {
    const auto k = static_cast<std::size_t>(d);
    const auto b = static_cast<std::size_t>(best);
    if (trial::boin12_desirability(o, c.n[k], c.dlt[k], c.response[k], c.dlt_response[k]) >
        trial::boin12_desirability(o, c.n[b], c.dlt[b], c.response[b], c.dlt_response[b]))
      best = d;
  }
  CHECK(obd == best);
  CHECK(obd == 3);
}
