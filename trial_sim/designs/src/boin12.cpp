// `type: boin12`: BOIN12 (Lin, Zhou, Yan, Li & Yuan 2020), utility-based
// dose finding for the optimal biological dose from toxicity and efficacy.
// The rules follow the escalation R package's implementation (get_boin12 /
// boin12_next_dose, select_boin12_obd), which reproduces the paper's worked
// example and the MD Anderson BOIN12 Shiny app; docs/designs.md.
#include <boost/math/special_functions/beta.hpp>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "table_flow.hpp"
#include "twinsim/trial/designs/designs.hpp"
#include "twinsim/trial/designs/phase2.hpp"

namespace twinsim::trial {

namespace {

struct DoseData {
  int n, tox, eff, both;
};

DoseData at(const DoseCounts& c, int d) {
  const auto k = static_cast<std::size_t>(d);
  return {c.n[k], c.dlt[k], c.response[k], c.dlt_response[k]};
}

double desirability(const Boin12Options& o, const DoseData& x) {
  return boin12_desirability(o, x.n, x.tox, x.eff, x.both);
}

class Boin12Run final : public DesignRun {
 public:
  explicit Boin12Run(const Boin12& d) : d_(d) {}
  Decision first() override {
    const auto& o = d_.options();
    return {false, o.start_dose, std::min(o.cohort_size, o.max_patients)};
  }
  Decision next(const TrialHistory& h, double) override {
    const auto& o = d_.options();
    const DoseCounts& c = h.counts();
    const int next = boin12_next_dose(o, d_.lambda_e(), d_.lambda_d(), c);
    if (next < 0 || c.total_patients >= o.max_patients) return {true, -1, 0};
    for (int n : c.n)
      if (n >= o.n_cap) return {true, -1, 0};
    return {false, next, std::min(o.cohort_size, o.max_patients - c.total_patients)};
  }
  int select(const TrialHistory& h, double) override {
    const DoseCounts& c = h.counts();
    // A trial stopped for want of an admissible dose selects none.
    if (c.total_patients == 0 || boin12_next_dose(d_.options(), d_.lambda_e(), d_.lambda_d(), c) < 0) return -1;
    return boin12_select_obd(d_.options(), c);
  }

 private:
  const Boin12& d_;
};

}  // namespace

double Boin12Options::benchmark() const {
  const double u_bar = u1 * phi_e * (1 - phi_t) + u2 * (1 - phi_t) * (1 - phi_e) + u3 * phi_t * phi_e +
                       u4 * phi_t * (1 - phi_e);
  return u_bar + (100.0 - u_bar) / 2.0;
}

double boin12_desirability(const Boin12Options& o, int n, int tox, int eff, int both) {
  const int eff_only = eff - both, tox_only = tox - both, none = n - tox - eff + both;
  const double x = (o.u1 * eff_only + o.u2 * none + o.u3 * both + o.u4 * tox_only) / 100.0;
  return 100.0 * boost::math::ibetac(o.prior_a + x, o.prior_b + n - x, o.benchmark() / 100.0);
}

bool boin12_admissible(const Boin12Options& o, int n, int tox, int eff) {
  const double too_toxic = boost::math::ibetac(o.prior_a + tox, o.prior_b + n - tox, o.phi_t);
  const double inactive = boost::math::ibeta(o.prior_a + eff, o.prior_b + n - eff, o.phi_e);
  return too_toxic < o.c_t && inactive < o.c_e;
}

int boin12_next_dose(const Boin12Options& o, double lambda_e, double lambda_d, const DoseCounts& c) {
  const int d = c.current;
  const int top = static_cast<int>(c.n.size()) - 1;
  const DoseData cur = at(c, d);
  const double p_t = cur.n > 0 ? static_cast<double>(cur.tox) / cur.n : 0.0;
  auto admissible = [&](int k) {
    const DoseData x = at(c, k);
    return boin12_admissible(o, x.n, x.tox, x.eff);
  };
  // Dose exploration (the paper's supplement): a well-tolerated dose with
  // more than 8 patients opens the untried next dose.
  if (cur.n > 8 && p_t < lambda_d && d != top && c.n[static_cast<std::size_t>(d + 1)] == 0) return d + 1;
  if (p_t >= lambda_d) return std::max(d - 1, 0);
  if (p_t > lambda_e && cur.n >= o.n_star) {
    // Stay or de-escalate, whichever is more desirable (ties: de-escalate).
    const bool lower = d > 0 && admissible(d - 1), here = admissible(d);
    if (lower && here) return desirability(o, at(c, d - 1)) >= desirability(o, cur) ? d - 1 : d;
    return lower ? d - 1 : here ? d : 0;
  }
  // d - 1, d, d + 1: the admissible one most desirable (ties: the higher).
  int best = -1;
  double best_score = 0.0;
  for (int k = std::max(d - 1, 0); k <= std::min(d + 1, top); ++k) {
    if (!admissible(k)) continue;
    const double s = desirability(o, at(c, k));
    if (best < 0 || s >= best_score) {
      best = k;
      best_score = s;
    }
  }
  return best;
}

int boin12_select_obd(const Boin12Options& o, const DoseCounts& c) {
  const std::size_t D = c.n.size();
  double est[kMaxDesignDoses], w[kMaxDesignDoses];
  int idx[kMaxDesignDoses];
  std::size_t k = 0;
  for (std::size_t d = 0; d < D; ++d) {
    if (c.n[d] == 0) continue;
    est[k] = static_cast<double>(c.dlt[d]) / c.n[d];
    w[k] = 1.0;
    idx[k++] = static_cast<int>(d);
  }
  if (k == 0) return -1;
  detail::isotonic_in_place(est, w, k);
  std::size_t mtd = 0;
  for (std::size_t j = 1; j < k; ++j)
    if (std::abs(est[j] - o.phi_t) <= std::abs(est[mtd] - o.phi_t)) mtd = j;
  int obd = 0;
  double best = -1.0;
  for (int d = 0; d <= idx[mtd]; ++d) {
    const double s = desirability(o, at(c, d));
    if (s > best) {
      best = s;
      obd = d;
    }
  }
  return obd;
}

void Boin12Options::validate(std::size_t n_doses) const {
  const auto in_unit = [](double x) { return x > 0.0 && x < 1.0; };
  // BOIN's boundaries use p_tox = 1.4 phi_t, which must stay below 1.
  if (!in_unit(phi_t) || !(1.4 * phi_t < 1.0)) throw std::invalid_argument("boin12: target must be in (0, 1/1.4)");
  if (!in_unit(phi_e)) throw std::invalid_argument("boin12: lower_efficacy must be in (0, 1)");
  if (!(u1 == 100.0 && u4 == 0.0)) throw std::invalid_argument("boin12: utilities are scaled to u1 = 100, u4 = 0");
  if (!(u2 >= 0 && u2 <= 100)) throw std::invalid_argument("boin12: utility_neither must be in [0, 100]");
  if (!(u3 >= 0 && u3 <= 100)) throw std::invalid_argument("boin12: utility_both must be in [0, 100]");
  if (!in_unit(c_t) || !in_unit(c_e)) throw std::invalid_argument("boin12: cutoff_tox and cutoff_eff must be in (0, 1)");
  if (!(prior_a > 0 && prior_b > 0)) throw std::invalid_argument("boin12: prior_a and prior_b must be > 0");
  if (n_star < 1) throw std::invalid_argument("boin12: n_star must be >= 1");
  if (n_cap < 1) throw std::invalid_argument("boin12: n_cap must be >= 1");
  validate_cohort_options(cohort_size, max_patients, kMaxPatientsPerTrial, "boin12");
  validate_start_dose(start_dose, n_doses, "boin12");
}

Boin12::Boin12(const Boin12Options& o, std::size_t n_doses) : o_(o) {
  o_.validate(n_doses);
  // BOIN's interval boundaries for phi_t with the package defaults (get.boundary).
  const BoinBoundaries b = boin_boundaries(o_.phi_t, BoinOptions::kSafFactor * o_.phi_t,
                                           BoinOptions::kToxFactor * o_.phi_t, 0.95, -1.0, 1);
  lambda_e_ = b.lambda_e;
  lambda_d_ = b.lambda_d;
}

std::unique_ptr<DesignRun> Boin12::start(DesignWorkspace*) const { return std::make_unique<Boin12Run>(*this); }

std::optional<RuleTable> Boin12::rule_table() const {
  const Boin12Options& o = o_;
  RuleTable t;
  t.values = {{"lambda_e", lambda_e_},   {"lambda_d", lambda_d_},  {"benchmark_utility", o.benchmark()},
              {"n_star", o.n_star},      {"n_cap", o.n_cap},       {"cutoff_tox", o.c_t},
              {"cutoff_eff", o.c_e}};
  t.columns = {{"n", "n"},
               {"deescalate_if_dlt_at_least", "de-escalate if DLTs >="},
               {"stay_or_deescalate_if_dlt_at_least", "stay or de-escalate if DLTs >="},
               {"inadmissible_if_dlt_at_least", "inadmissible if DLTs >="},
               {"inadmissible_if_responses_at_most", "inadmissible if responses <="}};
  constexpr int none = RuleTable::kNoCount;
  // The same comparisons as boin12_next_dose and boin12_admissible, asked at every count.
  for (int n = o.cohort_size; n <= std::min(o.n_cap, o.max_patients); n += o.cohort_size) {
    int de = none, stay = none, tox = none, eff = none;
    for (int y = n; y >= 0; --y) {
      const double p = static_cast<double>(y) / n;
      if (p >= lambda_d_) de = y;
      if (n >= o.n_star && p > lambda_e_ && p < lambda_d_) stay = y;
      if (!boin12_admissible(o, n, y, n)) tox = y;  // all responding: only toxicity can exclude
    }
    for (int x = 0; x <= n; ++x)
      if (!boin12_admissible(o, n, 0, x)) eff = x;  // no DLT: only inactivity can exclude
    t.rows.push_back({n, de, stay, tox, eff});
  }
  t.legend = "after a cohort at dose d with n patients: DLTs >= the de-escalation boundary go to d - 1; between the "
             "boundaries with n >= n_star, stay or de-escalate, whichever is more desirable; otherwise the most "
             "desirable admissible dose of d - 1, d, d + 1 (desirability: 100 Pr(utility > benchmark_utility | "
             "data)); a dose with more than 8 patients and DLT rate below lambda_d opens the next untried dose";
  return t;
}

std::unique_ptr<Design> parse_boin12(core::MapReader& r, const DesignContext& ctx) {
  using core::Range;
  Boin12Options o;
  o.phi_t = r.optional_double("target", o.phi_t, Range::open_unit());
  if (!(BoinOptions::kToxFactor * o.phi_t < 1.0)) {
    const core::ConfigNode t = r.get("target");
    r.diagnostics().error(t.mark(), t.path(), "must be below 1/1.4 = 0.714: BOIN's p_tox = 1.4 * target must stay below 1 (got " +
                                                  t.scalar() + ")");
    return nullptr;
  }
  o.phi_e = r.optional_double("lower_efficacy", o.phi_e, Range::open_unit());
  o.u2 = r.optional_double("utility_neither", o.u2, Range::closed(0, 100));
  o.u3 = r.optional_double("utility_both", o.u3, Range::closed(0, 100));
  o.n_star = static_cast<int>(r.optional_int("n_star", o.n_star, Range::closed(1, kMaxPatientsPerTrial)));
  o.c_t = r.optional_double("cutoff_tox", o.c_t, Range::open_unit());
  o.c_e = r.optional_double("cutoff_eff", o.c_e, Range::open_unit());
  o.n_cap = static_cast<int>(r.optional_int("n_cap", o.n_cap, Range::closed(1, kMaxPatientsPerTrial)));
  read_cohort_keys(r, kMaxPatientsPerTrial, o.cohort_size, o.max_patients);
  o.start_dose = read_start_dose(r, ctx, o.start_dose);
  if (ctx.dose_levels.empty()) return nullptr;
  return std::make_unique<Boin12>(o, ctx.dose_levels.size());
}

}  // namespace twinsim::trial
