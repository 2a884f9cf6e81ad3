// `type: tite_boin` (tite_boin.hpp): BOIN's boundaries and elimination with
// pending patients' outcomes imputed from their follow-up, decisions at each
// cohort's arrival and accrual suspended while too many are pending.
#include "twinsim/trial/designs/tite_boin.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "twinsim/trial/designs/tite_crm.hpp"

#include "boin_keys.hpp"

namespace twinsim::trial {

std::vector<TiteDoseState> tite_dose_states(const std::vector<EnrolledPatient>& patients, double now_day,
                                            double window_days, std::size_t n_doses) {
  std::vector<TiteDoseState> s(n_doses);
  for (const auto& p : patients) {
    if (!p.evaluable || p.enrolled_day > now_day) continue;
    TiteDoseState& d = s.at(static_cast<std::size_t>(p.dose));
    ++d.n;
    if (tite_dlt_seen(p, now_day, window_days)) {
      ++d.y;
    } else if (tite_pending(p, now_day, window_days)) {
      ++d.pending;
      d.stft += std::max(0.0, p.followup_days(now_day)) / window_days;
    }
  }
  return s;
}

namespace {

class TiteBoinRun final : public DesignRun {
 public:
  explicit TiteBoinRun(const TiteBoin& d) : design_(d), eliminated_(d.n_doses(), false) {}
  Decision first() override {
    const auto& o = design_.options();
    return {false, o.start_dose, std::min(o.cohort_size, o.max_patients)};
  }
  Decision next(const TrialHistory& history, double now_day) override;
  int select(const TrialHistory& history, double now_day) override;

 private:
  Decision stop_unsafe() {
    unsafe_ = true;
    return {true, -1, 0};
  }
  const TiteBoin& design_;
  std::vector<bool> eliminated_;  // once eliminated, a dose stays eliminated (with all above)
  bool unsafe_ = false;           // stopped because the lowest dose is too toxic
};

// The action at the current dose (before elimination and the dose range).
enum class Action { escalate, stay, deescalate, suspend };

}  // namespace

int tite_boin_action(const TiteBoinOptions& o, const BoinBoundaries& b, const TiteDoseState& c) {
  const auto n = static_cast<std::size_t>(c.n);
  Action a = Action::stay;
  if (c.pending == 0) {
    // BOIN's integer boundaries (no pending patient: the BOIN decision).
    a = c.y <= b.escalate[n] ? Action::escalate : c.y >= b.deescalate[n] ? Action::deescalate : Action::stay;
  } else if (o.ess) {
    if (c.pending > o.max_pending * c.n) return static_cast<int>(Action::suspend);
    const double p_hat = c.y / (c.n - c.pending + c.stft);
    a = p_hat <= b.lambda_e ? Action::escalate : p_hat >= b.lambda_d ? Action::deescalate : Action::stay;
  } else {
    // Yuan et al. (2018), Supplementary Appendix A, eqs (4)-(5): each pending
    // patient's DLT is imputed from the posterior mean p~ = (y + target / 2) /
    // (n - m + 1) (prior Beta(target / 2, 1 - target / 2)) and its follow-up,
    // giving p_hat = (y + (m - STFT) p~ / (1 - p~)) / n. Written as bounds on
    // STFT, as the paper tabulates them. Coherence: no escalation once y / n
    // reaches the target, no de-escalation below it.
    const double p_post = (c.y + 0.5 * o.target) / (c.n - c.pending + 1.0);
    const double odds = (1.0 - p_post) / p_post;
    const bool at_or_above = static_cast<double>(c.y) / c.n >= o.target - 1e-12;
    const double m = c.pending;
    const double esc = at_or_above ? std::numeric_limits<double>::infinity() : m - odds * (c.n * b.lambda_e - c.y);
    const double deesc = at_or_above ? m - odds * (c.n * b.lambda_d - c.y) : -std::numeric_limits<double>::infinity();
    if (deesc >= m) return static_cast<int>(Action::deescalate);  // whatever the pending patients show
    if (c.pending > o.max_pending * c.n) return static_cast<int>(Action::suspend);
    a = c.stft >= esc ? Action::escalate : c.stft <= deesc ? Action::deescalate : Action::stay;
  }
  return static_cast<int>(a);
}

namespace {

Decision TiteBoinRun::next(const TrialHistory& history, double now_day) {
  const auto& o = design_.options();
  const auto& b = design_.boundaries();
  const DoseCounts& data = history.counts();
  const auto D = design_.n_doses();
  const std::vector<TiteDoseState> s = tite_dose_states(history.patients(), now_day, o.window_days, D);
  // Elimination: y DLTs seen among all n treated, the pending counted as
  // without DLT (Yuan et al. 2018; TITEgBOIN), sticky for the trial as in BOIN.
  for (std::size_t k = 0; k < D; ++k) {
    if (s[k].n >= 3 && s[k].y >= b.eliminate[static_cast<std::size_t>(s[k].n)]) {
      std::fill(eliminated_.begin() + static_cast<std::ptrdiff_t>(k), eliminated_.end(), true);
      break;
    }
  }
  int d = data.current;
  const TiteDoseState& c = s[static_cast<std::size_t>(d)];
  if (o.extrasafe && d == 0 && c.n >= 3 && c.y >= b.safety_stop[static_cast<std::size_t>(c.n)]) return stop_unsafe();
  if (eliminated_[0]) return stop_unsafe();
  const int remaining = o.max_patients - data.total_patients;
  if (remaining <= 0) return {true, -1, 0};
  bool stay = false;
  if (eliminated_[static_cast<std::size_t>(d)]) {
    while (d > 0 && eliminated_[static_cast<std::size_t>(d)]) --d;
  } else {
    switch (static_cast<Action>(tite_boin_action(o, b, c))) {
      case Action::suspend:
        return {false, -1, 0, true};
      case Action::escalate:
        if (static_cast<std::size_t>(d) + 1 < D && !eliminated_[static_cast<std::size_t>(d) + 1])
          ++d;
        else
          stay = true;
        break;
      case Action::deescalate:
        if (d > 0)
          --d;
        else
          stay = true;
        break;
      case Action::stay:
        stay = true;
        break;
    }
  }
  if (stay && c.n >= o.n_earlystop) return {true, -1, 0};
  return {false, d, std::min(o.cohort_size, remaining)};
}

int TiteBoinRun::select(const TrialHistory& history, double now_day) {
  if (unsafe_) return -1;
  const auto& o = design_.options();
  const auto s = tite_dose_states(history.patients(), now_day, o.window_days, design_.n_doses());
  std::vector<int> n, y;
  for (const auto& x : s) {
    n.push_back(x.n);
    y.push_back(x.y);
  }
  return boin_select_mtd(o.target, n, y, o.cutoff_eli, o.extrasafe, o.offset, false, o.tox());
}

}  // namespace

void TiteBoinOptions::validate(std::size_t n_doses) const {
  BoinOptions b;
  b.target = target;
  b.p_saf = p_saf;
  b.p_tox = p_tox;
  b.cohort_size = cohort_size;
  b.max_patients = max_patients;
  b.n_earlystop = n_earlystop;
  b.start_dose = start_dose;
  b.cutoff_eli = cutoff_eli;
  b.extrasafe = extrasafe;
  b.offset = offset;
  b.validate(n_doses);  // BOIN's rules for the keys they share
  if (!(max_pending > 0.0 && max_pending < 1.0)) throw std::invalid_argument("tite_boin: max_pending must be in (0, 1)");
  if (!(window_days > 0.0)) throw std::invalid_argument("tite_boin: the DLT window must be > 0 days");
}

TiteBoin::TiteBoin(const TiteBoinOptions& o, std::size_t n_doses) : o_(o), n_doses_(n_doses) {
  o_.validate(n_doses);
  b_ = boin_boundaries(o_.target, o_.saf(), o_.tox(), o_.cutoff_eli, o_.extrasafe ? o_.offset : -1.0, o_.max_patients);
}

std::unique_ptr<DesignRun> TiteBoin::start(DesignWorkspace*) const { return std::make_unique<TiteBoinRun>(*this); }

std::unique_ptr<Design> parse_tite_boin(core::MapReader& r, const DesignContext& ctx) {
  using core::Range;
  auto& diag = r.diagnostics();
  const std::size_t errors_before = diag.size();
  TiteBoinOptions o;
  detail::read_boin_keys(r, ctx, o, [] {});
  o.max_pending = r.optional_double("max_pending", o.max_pending, Range::open_unit());
  o.ess = r.optional_choice("estimate", {"imputation", "ess"}, o.ess ? "ess" : "imputation") == "ess";
  o.window_days = ctx.accrual_window_days;
  if (!(o.window_days > 0.0))
    diag.error(r.node().mark(), r.node().path(),
               "type tite_boin needs 'accrual' with a DLT window > 0 days (patients_per_month, dlt_window_days)");
  if (diag.size() != errors_before || ctx.n_doses == 0) return nullptr;
  return std::make_unique<TiteBoin>(o, ctx.n_doses);
}

}  // namespace twinsim::trial
