// BLRM options check and the EWOC dose decision (rules in blrm.hpp).
#include <cmath>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>

#include "twinsim/trial/designs/blrm.hpp"
#include "twinsim/trial/designs/design.hpp"

namespace twinsim::trial {

namespace {

[[noreturn]] void bad(const std::string& key, const std::string& rule, double got) {
  std::ostringstream os;
  os << key << ": " << rule << " (got " << got << ")";
  throw std::invalid_argument(os.str());
}

// Relative slack on the escalation cap, so that a dose of exactly twice the
// highest one given is allowed despite rounding in the dose values.
constexpr double kCapSlack = 1e-9;

// The level with the largest P(target) among the allowed ones satisfying EWOC
// (ties to the higher level), or -1.
template <class Allowed>
int best_safe_level(const BlrmOptions& o, const std::vector<BlrmDoseSummary>& s, Allowed allowed) {
  int pick = -1;
  for (int d = 0; d < static_cast<int>(s.size()); ++d) {
    const auto& here = s[static_cast<std::size_t>(d)];
    if (allowed(d) && here.p_over < o.ewoc && (pick < 0 || here.p_target >= s[static_cast<std::size_t>(pick)].p_target))
      pick = d;
  }
  return pick;
}

}  // namespace

int blrm_select_mtd(const BlrmOptions& o, const std::vector<BlrmDoseSummary>& s, const std::vector<int>& n) {
  return best_safe_level(o, s, [&](int d) { return n[static_cast<std::size_t>(d)] > 0; });
}

void BlrmOptions::validate() const {
  if (doses.empty() || doses.size() > kMaxDesignDoses)
    bad("doses", "need 1 to " + std::to_string(kMaxDesignDoses) + " levels", static_cast<double>(doses.size()));
  for (std::size_t i = 0; i < doses.size(); ++i) {
    const std::string key = "doses[" + std::to_string(i) + "]";
    if (!(std::isfinite(doses[i]) && doses[i] > 0)) bad(key, "must be > 0", doses[i]);
    if (i > 0 && !(doses[i] > doses[i - 1])) bad(key, "must be above the level before it", doses[i]);
  }
  if (!std::isfinite(reference_dose)) bad("reference_dose", "must be finite", reference_dose);
  if (prior.empty()) bad("prior", "needs at least one component", 0);
  for (std::size_t i = 0; i < prior.size(); ++i) {
    const auto& c = prior[i];
    const std::string key = "prior[" + std::to_string(i) + "].";
    if (!(std::isfinite(c.weight) && c.weight > 0)) bad(key + "weight", "must be > 0", c.weight);
    if (!std::isfinite(c.mean_log_alpha)) bad(key + "mean_log_alpha", "must be finite", c.mean_log_alpha);
    if (!std::isfinite(c.mean_log_beta)) bad(key + "mean_log_beta", "must be finite", c.mean_log_beta);
    if (!(std::isfinite(c.sd_log_alpha) && c.sd_log_alpha > 0)) bad(key + "sd_log_alpha", "must be > 0", c.sd_log_alpha);
    if (!(std::isfinite(c.sd_log_beta) && c.sd_log_beta > 0)) bad(key + "sd_log_beta", "must be > 0", c.sd_log_beta);
    if (!(std::abs(c.correlation) < 1)) bad(key + "correlation", "must be in (-1, 1)", c.correlation);
  }
  if (!(target_low > 0 && target_low < 1)) bad("target_low", "must be in (0, 1)", target_low);
  if (!(target_high > target_low && target_high < 1)) bad("target_high", "must be in (target_low, 1)", target_high);
  if (!(ewoc > 0 && ewoc <= 1)) bad("ewoc", "must be in (0, 1]", ewoc);
  if (!(max_increase > 0 && std::isfinite(max_increase))) bad("max_increase", "must be > 0", max_increase);
  if (start_level < 0 || static_cast<std::size_t>(start_level) >= doses.size())
    bad("start_level", "must be a level of doses", start_level);
  if (min_patients_at_mtd < 1) bad("min_patients_at_mtd", "must be >= 1", min_patients_at_mtd);
  if (!(stop_target_prob >= 0 && stop_target_prob <= 1)) bad("stop_target_prob", "must be in [0, 1]", stop_target_prob);
  if (max_patients < 1) bad("max_patients", "must be >= 1", max_patients);
  if (cohort_size < 1 || cohort_size > max_patients) bad("cohort_size", "must be in [1, max_patients]", cohort_size);
  if (target && !(*target > 0 && *target < 1)) bad("target", "must be in (0, 1)", *target);
}

const std::vector<BlrmDoseSummary>& BlrmPosterior::cached_summaries(const std::vector<int>& n,
                                                                   const std::vector<int>& y) {
  key_.assign(n.begin(), n.end());
  key_.insert(key_.end(), y.begin(), y.end());
  const auto it = cache_.find(key_);
  if (it != cache_.end() && n.size() == opt_.doses.size() && y.size() == n.size()) {
    ++hits_;
    return it->second;
  }
  update(n, y);  // checks the counts
  if (cache_.size() < cache_limit) cache_.emplace(key_, summary_);
  return summary_;
}

BlrmDecision blrm_decide(BlrmPosterior& posterior, const std::vector<int>& n, const std::vector<int>& y) {
  const BlrmOptions& o = posterior.options();
  BlrmDecision out;
  out.summaries = posterior.cached_summaries(n, y);
  const auto& s = out.summaries;
  const int levels = static_cast<int>(o.doses.size());
  int highest = -1;
  for (int d = 0; d < levels; ++d)
    if (n[static_cast<std::size_t>(d)] > 0) highest = d;
  const int treated = std::accumulate(n.begin(), n.end(), 0);
  auto mtd = [&] { return blrm_select_mtd(o, s, n); };

  int next;
  if (highest < 0) {
    next = o.start_level;
  } else {
    const double cap = (1.0 + o.max_increase) * o.doses[static_cast<std::size_t>(highest)] * (1.0 + kCapSlack);
    next = best_safe_level(o, s, [&](int d) {
      if (!o.allow_skipping && d > highest + 1) return false;
      return o.doses[static_cast<std::size_t>(d)] <= cap;
    });
  }
  if (next < 0) {
    out.action = BlrmAction::kStopSafety;
    return out;
  }
  const auto at = static_cast<std::size_t>(next);
  if (n[at] >= o.min_patients_at_mtd && s[at].p_target >= o.stop_target_prob) {
    out.action = BlrmAction::kStopTarget;
    out.mtd = mtd();
    return out;
  }
  if (treated >= o.max_patients) {
    out.action = BlrmAction::kStopMaxN;
    out.mtd = mtd();
    return out;
  }
  out.next_level = next;
  return out;
}

}  // namespace twinsim::trial
