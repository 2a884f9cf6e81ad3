// `type: simon_two_stage`: Simon's (1989) optimal or minimax two-stage phase II
// design, found by exact binomial search as clinfun's ph2simon does, run at
// one dose: stage 1 (n1 patients), stop if responses <= r1, else stage 2
// (n - n1 more); the dose is declared promising (selected) if responses > r.
#include <boost/math/distributions/binomial.hpp>
#include <stdexcept>
#include <string>

#include "phase2_keys.hpp"
#include "twinsim/trial/designs/designs.hpp"
#include "twinsim/trial/designs/phase2.hpp"

namespace twinsim::trial {

namespace {

// pmf[m][x] and cdf[m][x] of Binomial(m, p) for m = 0..max_n.
struct BinomialTable {
  std::vector<std::vector<double>> pmf, cdf;
  BinomialTable(int max_n, double p) : pmf(static_cast<std::size_t>(max_n) + 1), cdf(pmf.size()) {
    for (int m = 0; m <= max_n; ++m) {
      const boost::math::binomial_distribution<double> b(m, p);
      auto& f = pmf[static_cast<std::size_t>(m)];
      auto& c = cdf[static_cast<std::size_t>(m)];
      for (int x = 0; x <= m; ++x) {
        f.push_back(boost::math::pdf(b, x));
        c.push_back(x == m ? 1.0 : boost::math::cdf(b, x));
      }
    }
  }
  // P(X <= k), X ~ Bin(m, p); 0 for k < 0, 1 for k >= m.
  double below(int m, int k) const {
    if (k < 0) return 0.0;
    if (k >= m) return 1.0;
    return cdf[static_cast<std::size_t>(m)][static_cast<std::size_t>(k)];
  }
  double at(int m, int x) const { return pmf[static_cast<std::size_t>(m)][static_cast<std::size_t>(x)]; }
};

// P(not declared promising) = P(X1 <= r1) + sum_{x = r1+1}^{min(n1, r)} P(X1 = x) P(X2 <= r - x).
double p_accept(const BinomialTable& t, int r1, int n1, int r, int n) {
  double a = t.below(n1, r1);
  const int n2 = n - n1;
  for (int x = r1 + 1; x <= std::min(n1, r); ++x) a += t.at(n1, x) * t.below(n2, r - x);
  return a;
}

class SimonRun final : public DesignRun {
 public:
  SimonRun(const SimonBoundaries& b, int dose) : b_(b), dose_(dose) {}
  Decision first() override { return {false, dose_, b_.n1}; }
  Decision next(const TrialHistory& h, double) override {
    const DoseCounts& c = h.counts();
    const auto d = static_cast<std::size_t>(dose_);
    if (c.cohorts == 1 && c.response[d] > b_.r1) return {false, dose_, b_.n - b_.n1};
    return {true, -1, 0};
  }
  int select(const TrialHistory& h, double) override {
    const DoseCounts& c = h.counts();
    const auto d = static_cast<std::size_t>(dose_);
    return c.cohorts == 2 && c.response[d] > b_.r ? dose_ : -1;
  }

 private:
  SimonBoundaries b_;
  int dose_;
};

}  // namespace

SimonOc simon_oc(int r1, int n1, int r, int n, double p) {
  const BinomialTable t(n, p);
  SimonOc o;
  o.pet = t.below(n1, r1);
  o.p_promising = 1.0 - p_accept(t, r1, n1, r, n);
  o.en = n1 + (1.0 - o.pet) * (n - n1);
  return o;
}

std::optional<SimonBoundaries> simon_search(double p0, double p1, double alpha, double beta, bool minimax, int max_n) {
  constexpr double kTol = 1e-12;
  const BinomialTable t0(max_n, p0), t1(max_n, p1);
  std::optional<SimonBoundaries> best;
  for (int n = 2; n <= max_n; ++n) {
    if (minimax && best) break;  // the least n is found; its least EN is best
    for (int n1 = 1; n1 < n; ++n1) {
      if (!minimax && best && n1 > best->en_p0) break;  // EN >= n1
      for (int r1 = 0; r1 < n1; ++r1) {
        const double pet = t0.below(n1, r1);
        const double en = n1 + (1.0 - pet) * (n - n1);
        // (minimax: a best so far has this n, else the loop has ended)
        if (best && !(en < best->en_p0)) continue;
        // Acceptance under p0 grows with r: the least r meeting alpha has the most power.
        int r = r1;
        double a0 = 0.0;
        for (; r < n; ++r) {
          a0 = p_accept(t0, r1, n1, r, n);
          if (1.0 - a0 <= alpha + kTol) break;
        }
        if (r >= n) continue;
        const double power = 1.0 - p_accept(t1, r1, n1, r, n);
        if (power < 1.0 - beta - kTol) continue;
        best = SimonBoundaries{r1, n1, r, n, en, pet, 1.0 - a0, power};
      }
    }
  }
  return best;
}

void SimonOptions::validate(std::size_t n_doses) const {
  const auto in_unit = [](double x) { return x > 0.0 && x < 1.0; };
  if (!in_unit(p0)) throw std::invalid_argument("simon_two_stage: p0 must be in (0, 1)");
  if (!in_unit(p1) || !(p1 > p0)) throw std::invalid_argument("simon_two_stage: p1 must be in (p0, 1)");
  if (!in_unit(alpha)) throw std::invalid_argument("simon_two_stage: alpha must be in (0, 1)");
  if (!in_unit(beta)) throw std::invalid_argument("simon_two_stage: beta must be in (0, 1)");
  if (max_n < 2 || max_n > kMaxN)
    throw std::invalid_argument("simon_two_stage: max_n must be in [2, " + std::to_string(kMaxN) + "]");
  if (dose_index < 0 || static_cast<std::size_t>(dose_index) >= n_doses)
    throw std::invalid_argument("simon_two_stage: dose_index must be a dose index in [0, " + std::to_string(n_doses) +
                                ")");
}

SimonTwoStage::SimonTwoStage(const SimonOptions& o, std::size_t n_doses) : o_(o) {
  o_.validate(n_doses);
  const auto b = simon_search(o_.p0, o_.p1, o_.alpha, o_.beta, o_.minimax, o_.max_n);
  if (!b)
    throw std::invalid_argument("simon_two_stage: no two-stage design with n <= max_n " + std::to_string(o_.max_n) +
                                " meets alpha and beta; raise max_n");
  b_ = *b;
}

std::optional<RuleTable> SimonTwoStage::rule_table() const {
  RuleTable t;
  t.values = {{"r1", b_.r1},         {"n1", b_.n1},          {"r", b_.r},
              {"n", b_.n},           {"en_p0", b_.en_p0},    {"pet_p0", b_.pet_p0},
              {"type1_error", b_.type1}, {"power", b_.power}};
  t.columns = {{"stage_n", "patients"}, {"stop_if_responses_at_most", "not promising if responses <="}};
  t.rows = {{b_.n1, b_.r1}, {b_.n, b_.r}};
  t.legend = "stage 1 treats n1 and stops if responses <= r1; otherwise n patients in all, and the drug is "
             "promising if responses > r";
  return t;
}

std::unique_ptr<DesignRun> SimonTwoStage::start(DesignWorkspace*) const {
  return std::make_unique<SimonRun>(b_, o_.dose_index);
}

std::unique_ptr<Design> parse_simon_two_stage(core::MapReader& r, const DesignContext& ctx) {
  using core::Range;
  SimonOptions o;
  const auto rates = detail::read_response_rates(r, ctx);
  o.alpha = r.optional_double("alpha", o.alpha, Range::open_unit());
  o.beta = r.optional_double("beta", o.beta, Range::open_unit());
  o.minimax = r.optional_choice("optimality", {"optimal", "minimax"}, o.minimax ? "minimax" : "optimal") == "minimax";
  o.max_n = static_cast<int>(r.optional_int("max_n", o.max_n, Range::closed(2, SimonOptions::kMaxN)));
  if (!rates) return nullptr;
  o.p0 = rates->p0;
  o.p1 = rates->p1;
  o.dose_index = rates->dose_index;
  // Valid keys can still admit no design within max_n: reported at the entry.
  return detail::make_or_report<SimonTwoStage>(r, o, ctx.dose_levels.size());
}

}  // namespace twinsim::trial
