// `type: bop2`: the Bayesian optimal phase II design of Zhou, Lee & Yuan (2017)
// for a binary efficacy endpoint, at one dose. Analyses after n_1 < ... < n_K = N
// patients; stop for futility when Pr(theta <= p0 | data) > lambda (n/N)^gamma;
// (lambda, gamma) maximise the power at p1 with the type I error at p0 <= alpha.
#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

#include "phase2_keys.hpp"
#include "twinsim/trial/designs/designs.hpp"
#include "twinsim/trial/designs/phase2.hpp"

namespace twinsim::trial {

namespace {

// Pr(theta <= p0 | x of n) for x = 0..n: decreasing in x.
std::vector<double> posterior_below(const Bop2Options& o, int n) {
  std::vector<double> v;
  for (int x = 0; x <= n; ++x) v.push_back(boost::math::ibeta(o.a() + x, o.b() + n - x, o.p0));
  return v;
}

// The largest x with post[x] > c, or -1.
int boundary(const std::vector<double>& post, double c) {
  int lo = -1, hi = static_cast<int>(post.size());  // post[lo] > c (virtually), post[hi] <= c
  while (hi - lo > 1) {
    const int mid = (lo + hi) / 2;
    if (post[static_cast<std::size_t>(mid)] > c) lo = mid;
    else hi = mid;
  }
  return lo;
}

double cutoff(double lambda, double gamma, int n, int n_max) {
  return lambda * std::pow(static_cast<double>(n) / n_max, gamma);
}

class Bop2Run final : public DesignRun {
 public:
  Bop2Run(const Bop2Boundaries& b, int dose) : b_(b), dose_(dose) {}
  Decision first() override { return {false, dose_, b_.n[0]}; }
  Decision next(const TrialHistory& h, double) override {
    const DoseCounts& c = h.counts();
    const auto k = static_cast<std::size_t>(c.cohorts - 1);  // the analysis just reached
    if (k + 1 >= b_.n.size() || c.response[static_cast<std::size_t>(dose_)] <= b_.stop_at_most[k])
      return {true, -1, 0};
    return {false, dose_, b_.n[k + 1] - b_.n[k]};
  }
  int select(const TrialHistory& h, double) override {
    const DoseCounts& c = h.counts();
    const bool at_end = static_cast<std::size_t>(c.cohorts) == b_.n.size();
    return at_end && c.response[static_cast<std::size_t>(dose_)] > b_.stop_at_most.back() ? dose_ : -1;
  }

 private:
  Bop2Boundaries b_;
  int dose_;
};

}  // namespace

Bop2Oc bop2_oc(const std::vector<int>& n, const std::vector<int>& stop, double p) {
  Bop2Oc o;
  o.p_stop_at.assign(n.size(), 0.0);
  // dist[x]: P(x responses so far and still running), before the k-th cohort's responses.
  std::vector<double> dist(1, 1.0);
  int prev = 0;
  for (std::size_t k = 0; k < n.size(); ++k) {
    const int m = n[k] - prev;
    std::vector<double> next(dist.size() + static_cast<std::size_t>(m), 0.0);
    std::vector<double> pmf(static_cast<std::size_t>(m) + 1);
    for (int j = 0; j <= m; ++j)
      pmf[static_cast<std::size_t>(j)] = std::exp(std::lgamma(m + 1.0) - std::lgamma(j + 1.0) - std::lgamma(m - j + 1.0) +
                                                  (j ? j * std::log(p) : 0.0) + (m - j ? (m - j) * std::log1p(-p) : 0.0));
    for (std::size_t x = 0; x < dist.size(); ++x)
      for (int j = 0; j <= m; ++j) next[x + static_cast<std::size_t>(j)] += dist[x] * pmf[static_cast<std::size_t>(j)];
    double stopped = 0.0;
    for (std::size_t x = 0; x < next.size(); ++x) {
      if (static_cast<int>(x) <= stop[k]) {
        stopped += next[x];
        next[x] = 0.0;
      }
    }
    o.p_stop_at[k] = stopped;
    o.en += stopped * n[k];
    if (k + 1 < n.size()) o.pet += stopped;
    dist.swap(next);
    prev = n[k];
  }
  for (double v : dist) o.p_go += v;
  o.en += o.p_go * n.back();
  return o;
}

std::vector<int> bop2_stop_boundaries(const Bop2Options& o, double lambda, double gamma) {
  std::vector<int> b;
  for (int n : o.n) b.push_back(boundary(posterior_below(o, n), cutoff(lambda, gamma, n, o.n.back())));
  return b;
}

std::optional<Bop2Boundaries> bop2_tune(const Bop2Options& o) {
  std::vector<std::vector<double>> post;
  for (int n : o.n) post.push_back(posterior_below(o, n));
  const int N = o.n.back();
  // Many grid points give the same boundaries: each distinct set is evaluated once.
  std::map<std::vector<int>, std::pair<Bop2Oc, Bop2Oc>> seen;
  std::optional<Bop2Boundaries> best;
  const int n_lambda = static_cast<int>(std::lround(1.0 / o.lambda_step));
  const int n_gamma = static_cast<int>(std::lround(o.gamma_max / o.gamma_step));
  std::vector<int> b(o.n.size());
  for (int i = 1; i < n_lambda; ++i) {
    const double lambda = i * o.lambda_step;
    for (int j = 0; j <= n_gamma; ++j) {
      const double gamma = j * o.gamma_step;
      for (std::size_t k = 0; k < o.n.size(); ++k) b[k] = boundary(post[k], cutoff(lambda, gamma, o.n[k], N));
      auto it = seen.find(b);
      if (it == seen.end()) it = seen.emplace(b, std::make_pair(bop2_oc(o.n, b, o.p0), bop2_oc(o.n, b, o.p1))).first;
      const Bop2Oc& h0 = it->second.first;
      const Bop2Oc& h1 = it->second.second;
      if (h0.p_go > o.alpha + 1e-12) continue;
      if (best && (h1.p_go < best->power || (h1.p_go == best->power && !(h0.en < best->en_p0)))) continue;
      best = Bop2Boundaries{lambda, gamma, o.n, b, h0.p_go, h1.p_go, h0.en, h0.pet};
    }
  }
  return best;
}

void Bop2Options::validate(std::size_t n_doses) const {
  const auto in_unit = [](double x) { return x > 0.0 && x < 1.0; };
  if (!in_unit(p0)) throw std::invalid_argument("bop2: p0 must be in (0, 1)");
  if (!in_unit(p1) || !(p1 > p0)) throw std::invalid_argument("bop2: p1 must be in (p0, 1)");
  if (!in_unit(alpha)) throw std::invalid_argument("bop2: alpha must be in (0, 1)");
  if (n.empty() || n.front() < 1) throw std::invalid_argument("bop2: analysis_sizes must be positive");
  for (std::size_t k = 1; k < n.size(); ++k)
    if (n[k] <= n[k - 1]) throw std::invalid_argument("bop2: analysis_sizes must increase strictly");
  if (n.back() > kMaxPatientsPerTrial) throw std::invalid_argument("bop2: analysis_sizes exceed the patient limit");
  if (!(a() > 0.0) || !(b() > 0.0)) throw std::invalid_argument("bop2: prior_a and prior_b must be > 0");
  if (!(lambda_step > 0.0 && lambda_step < 1.0) || !(gamma_step > 0.0) || !(gamma_max >= 0.0))
    throw std::invalid_argument("bop2: the (lambda, gamma) grid needs steps > 0");
  if (dose_index < 0 || static_cast<std::size_t>(dose_index) >= n_doses)
    throw std::invalid_argument("bop2: dose_index must be a dose index in [0, " + std::to_string(n_doses) + ")");
}

Bop2::Bop2(const Bop2Options& o, std::size_t n_doses) : o_(o) {
  o_.validate(n_doses);
  const auto b = bop2_tune(o_);
  if (!b) throw std::invalid_argument("bop2: no cutoff on the grid keeps the type I error <= alpha");
  b_ = *b;
}

std::optional<RuleTable> Bop2::rule_table() const {
  RuleTable t;
  t.values = {{"lambda", b_.lambda}, {"gamma", b_.gamma}, {"type1_error", b_.type1},
              {"power", b_.power},   {"en_p0", b_.en_p0}, {"pet_p0", b_.pet_p0}};
  t.columns = {{"analysis_n", "patients"}, {"stop_if_responses_at_most", "stop if responses <="}};
  for (std::size_t k = 0; k < b_.n.size(); ++k)
    t.rows.push_back({b_.n[k], b_.stop_at_most[k] < 0 ? RuleTable::kNoCount : b_.stop_at_most[k]});
  t.legend = "at each analysis, stop (no go) if responses <= the boundary: Pr(p <= p0 | data) > lambda (n / N)^gamma; "
             "at the last (N) the drug goes on if responses exceed it";
  return t;
}

std::unique_ptr<DesignRun> Bop2::start(DesignWorkspace*) const { return std::make_unique<Bop2Run>(b_, o_.dose_index); }

std::unique_ptr<Design> parse_bop2(core::MapReader& r, const DesignContext& ctx) {
  using core::Range;
  Bop2Options o;
  const auto rates = detail::read_response_rates(r, ctx);
  o.alpha = r.optional_double("alpha", o.alpha, Range::open_unit());
  const core::ConfigNode sizes = r.require("analysis_sizes");
  std::optional<std::vector<double>> n;
  if (!sizes.is_missing()) n = core::read_double_list(sizes, r.diagnostics(), Range::closed(1, 1000), 100);
  if (r.has("prior_a")) o.prior_a = r.optional_double("prior_a", 1.0, Range::positive());
  if (r.has("prior_b")) o.prior_b = r.optional_double("prior_b", 1.0, Range::positive());
  if (!rates || !n) return nullptr;
  for (std::size_t k = 0; k < n->size(); ++k) {
    const double v = (*n)[k];
    if (v != std::floor(v) || (k > 0 && !(v > (*n)[k - 1]))) {
      r.diagnostics().error(sizes.at(k).mark(), sizes.at(k).path(),
                            "analysis sizes are whole numbers of patients that increase strictly");
      return nullptr;
    }
    o.n.push_back(static_cast<int>(v));
  }
  if (o.n.empty()) {
    r.diagnostics().error(sizes.mark(), sizes.path(), "needs at least one analysis");
    return nullptr;
  }
  o.p0 = rates->p0;
  o.p1 = rates->p1;
  o.dose_index = rates->dose_index;
  return detail::make_or_report<Bop2>(r, o, ctx.dose_levels.size());
}

}  // namespace twinsim::trial
