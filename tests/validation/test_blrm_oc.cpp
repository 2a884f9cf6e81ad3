// [validation] BLRM + EWOC operating characteristics against an exact
// enumeration whose decisions come from an integrator written here.
//
// The oracle shares no code with the design: the posterior is integrated on
// a fixed tensor grid (trapezoid in log beta on [-7, 6], cumulative trapezoid
// in log alpha on [-14, 14], the partial cell at each interval bound by linear
// interpolation), and the decision rule is written from docs/designs.md.
// Every trial path of a small trial (3 doses, cohorts of 3, at most 12
// patients) is walked with its binomial probability. Checks:
//  * at every data set on the tree the design's next dose / stop / MTD equal
//    the oracle's, and every probability a decision compares is at least
//    kMargin away from its threshold (else the check could not tell);
//  * 20,000 simulated trials (the real runner) agree with the exact OCs
//    within 4 Monte-Carlo SEs.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <vector>

#include "design_sim.hpp"
#include "twinsim/trial/designs/blrm.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace {

const std::vector<double> kDoses = {1, 2, 3};
const std::vector<double> kTruth = {0.10, 0.25, 0.45};
constexpr double kDstar = 3, kMeanA = -1.0986122886681098 /* logit(0.25) */, kSdA = 2, kSdB = 1;
constexpr double kLow = 0.16, kHigh = 0.33, kEwoc = 0.25, kStopTarget = 0.5;
constexpr int kCohort = 3, kMaxN = 12, kMinAtMtd = 6;
constexpr double kMargin = 2e-3;  // oracle accuracy is about 1e-5; decisions need this much room
const std::string kDesign =
    "type: blrm, reference_dose: 3, prior: {mean_log_alpha: -1.0986122886681098, sd_log_alpha: 2, sd_log_beta: 1}, "
    "cohort_size: 3, max_patients: 12, min_patients_at_mtd: 6";

// log(1 + e^z) without overflow.
double softplus(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }

struct Summary {
  double under, target, over;
};

// The posterior on a fixed grid: per data set, P(under), P(target), P(over) per dose.
class GridOracle {
 public:
  GridOracle() {
    for (int i = 0; i < kNb; ++i) b_.push_back(-7.0 + 13.0 * i / (kNb - 1));
    for (int j = 0; j < kNa; ++j) a_.push_back(-14.0 + 28.0 * j / (kNa - 1));
    for (std::size_t d = 0; d < kDoses.size(); ++d) x_.push_back(std::log(kDoses[d] / kDstar));
    lp_.resize(kDoses.size() * kNb * kNa);
    lq_.resize(lp_.size());
    prior_.resize(static_cast<std::size_t>(kNb) * kNa);
    for (int i = 0; i < kNb; ++i) {
      for (int j = 0; j < kNa; ++j) {
        const double za = (a_[j] - kMeanA) / kSdA, zb = b_[i] / kSdB;
        prior_[idx(i, j)] = -0.5 * (za * za + zb * zb);
        for (std::size_t d = 0; d < kDoses.size(); ++d) {
          const double eta = a_[j] + std::exp(b_[i]) * x_[d];
          lp_[d * kNb * kNa + idx(i, j)] = -softplus(-eta);  // log p
          lq_[d * kNb * kNa + idx(i, j)] = -softplus(eta);   // log(1 - p)
        }
      }
    }
  }

  std::vector<Summary> summarise(const std::vector<int>& n, const std::vector<int>& y) const {
    std::vector<double> row(kNa), cum(kNa);
    std::vector<double> below_lo(kDoses.size(), 0.0), below_hi(kDoses.size(), 0.0);
    double z = 0.0;
    const double ha = a_[1] - a_[0];
    for (int i = 0; i < kNb; ++i) {
      for (int j = 0; j < kNa; ++j) {
        double l = prior_[idx(i, j)];
        for (std::size_t d = 0; d < kDoses.size(); ++d)
          l += y[d] * lp_[d * kNb * kNa + idx(i, j)] + (n[d] - y[d]) * lq_[d * kNb * kNa + idx(i, j)];
        row[j] = std::exp(l);
      }
      cum[0] = 0.0;
      for (int j = 1; j < kNa; ++j) cum[j] = cum[j - 1] + 0.5 * ha * (row[j - 1] + row[j]);
      // The integral of the row up to log alpha = t (cumulative trapezoid, linear in the last cell).
      auto upto = [&](double t) {
        if (t <= a_[0]) return 0.0;
        if (t >= a_[kNa - 1]) return cum[kNa - 1];
        const int j = static_cast<int>((t - a_[0]) / ha);
        const double f = (t - a_[j]) / ha, v = row[j] + f * (row[j + 1] - row[j]);
        return cum[j] + 0.5 * (t - a_[j]) * (row[j] + v);
      };
      z += cum[kNa - 1];
      for (std::size_t d = 0; d < kDoses.size(); ++d) {
        const double shift = std::exp(b_[i]) * x_[d];
        below_lo[d] += upto(std::log(kLow / (1 - kLow)) - shift);
        below_hi[d] += upto(std::log(kHigh / (1 - kHigh)) - shift);
      }
    }
    std::vector<Summary> s;
    for (std::size_t d = 0; d < kDoses.size(); ++d)
      s.push_back({below_lo[d] / z, (below_hi[d] - below_lo[d]) / z, 1.0 - below_hi[d] / z});
    return s;
  }

 private:
  static constexpr int kNb = 261, kNa = 1401;
  static std::size_t idx(int i, int j) { return static_cast<std::size_t>(i) * kNa + static_cast<std::size_t>(j); }
  std::vector<double> b_, a_, x_, lp_, lq_, prior_;
};

struct OracleDecision {
  bool stop = false;
  int next = -1, mtd = -1;
};

// The rule of docs/designs.md ("blrm"), from the oracle's summaries; checks
// that every comparison it makes has room.
OracleDecision oracle_decide(const std::vector<Summary>& s, const std::vector<int>& n) {
  const int levels = static_cast<int>(kDoses.size());
  int highest = -1, total = 0;
  for (int d = 0; d < levels; ++d) {
    if (n[d] > 0) highest = d;
    total += n[d];
  }
  auto best = [&](auto allowed) {
    int pick = -1;
    for (int d = 0; d < levels; ++d) {
      if (!allowed(d)) continue;
      CHECK(std::abs(s[d].over - kEwoc) > kMargin);
      if (!(s[d].over < kEwoc)) continue;
      if (pick >= 0) CHECK(std::abs(s[d].target - s[pick].target) > kMargin);
      if (pick < 0 || s[d].target >= s[pick].target) pick = d;
    }
    return pick;
  };
  OracleDecision out;
  const int next = best([&](int d) { return kDoses[d] <= 2.0 * kDoses[highest] * (1 + 1e-9); });
  auto mtd = [&] { return best([&](int d) { return n[d] > 0; }); };
  if (next < 0) {
    out.stop = true;
    return out;
  }
  if (n[next] >= kMinAtMtd) CHECK(std::abs(s[next].target - kStopTarget) > kMargin);
  if ((n[next] >= kMinAtMtd && s[next].target >= kStopTarget) || total >= kMaxN) {
    out.stop = true;
    out.mtd = mtd();
    return out;
  }
  out.next = next;
  return out;
}

double binom(int n, int k, double p) {
  double c = 1.0;
  for (int i = 1; i <= k; ++i) c = c * (n - k + i) / i;
  return c * std::pow(p, k) * std::pow(1 - p, n - k);
}

struct ExactOc {
  std::vector<double> p_select = std::vector<double>(kDoses.size(), 0.0);
  double p_none = 0.0, mean_n = 0.0;
  int data_sets = 0;
};

// Walks every path from the current counts, treating one cohort at `dose`.
void walk(const GridOracle& oracle, const twinsim::trial::Blrm& design, std::vector<int>& n, std::vector<int>& y,
          int dose, double prob, ExactOc& oc) {
  for (int k = 0; k <= kCohort; ++k) {
    const double pk = prob * binom(kCohort, k, kTruth[static_cast<std::size_t>(dose)]);
    n[dose] += kCohort;
    y[dose] += k;
    const OracleDecision want = oracle_decide(oracle.summarise(n, y), n);
    const twinsim::trial::BlrmDecision got = design.decide(n, y);
    ++oc.data_sets;
    INFO("n " << n[0] << " " << n[1] << " " << n[2] << ", y " << y[0] << " " << y[1] << " " << y[2]);
    CHECK((got.action != twinsim::trial::BlrmAction::kContinue) == want.stop);
    CHECK(got.next_level == want.next);
    CHECK(got.mtd == want.mtd);
    if (want.stop) {
      if (want.mtd < 0) oc.p_none += pk;
      else oc.p_select[static_cast<std::size_t>(want.mtd)] += pk;
      oc.mean_n += pk * (n[0] + n[1] + n[2]);
    } else {
      walk(oracle, design, n, y, want.next, pk, oc);
    }
    n[dose] -= kCohort;
    y[dose] -= k;
  }
}

}  // namespace

TEST_CASE("BLRM operating characteristics: exact enumeration with a grid-integrator oracle vs simulation",
          "[validation]") {
  const auto scenario = twinsim::trial::load_scenario_text(twinsim::test::design_scenario(kDesign, kTruth),
                                                           "blrm_oc.yaml");
  const auto& design = dynamic_cast<const twinsim::trial::Blrm&>(*scenario.designs.at(0).design);
  const GridOracle oracle;
  ExactOc exact;
  std::vector<int> n(3, 0), y(3, 0);
  walk(oracle, design, n, y, 0, 1.0, exact);
  double total = exact.p_none;
  for (double p : exact.p_select) total += p;
  REQUIRE(total == Approx(1.0).margin(1e-12));
  INFO("data sets on the tree: " << exact.data_sets);

  const std::int64_t R = 20000;
  const auto sim = twinsim::test::simulate_design(kDesign, kTruth, R, 20261203);
  for (std::size_t d = 0; d < kDoses.size(); ++d) {
    INFO("dose " << d << ": exact " << exact.p_select[d] << ", simulated " << sim.p_select[d]);
    CHECK(std::abs(sim.p_select[d] - exact.p_select[d]) <=
          4 * twinsim::test::se_proportion(exact.p_select[d], static_cast<double>(R)) + 1e-12);
  }
  CHECK(std::abs(sim.p_none - exact.p_none) <=
        4 * twinsim::test::se_proportion(exact.p_none, static_cast<double>(R)) + 1e-12);
  CHECK(std::abs(sim.mean_n - exact.mean_n) <= 4 * sim.sd_n / std::sqrt(static_cast<double>(R)));
}
