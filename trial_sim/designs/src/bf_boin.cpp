// BF-BOIN (bf_boin.hpp): `type: boin` with `backfill:`. Decisions at each
// arrival: the escalation cohort, once all its outcomes are resolved, gets
// BOIN's decision on every resolved patient (escalation and backfill); while it
// is pending the arrival is backfilled at an open lower dose or referred away.
#include "twinsim/trial/designs/bf_boin.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "twinsim/trial/designs/tite_crm.hpp"

namespace twinsim::trial {

std::vector<BackfillDoseState> backfill_dose_states(const std::vector<EnrolledPatient>& patients, double now_day,
                                                    double window_days, std::size_t n_doses) {
  std::vector<BackfillDoseState> s(n_doses);
  for (const auto& p : patients) {
    if (!p.evaluable || p.enrolled_day > now_day) continue;
    BackfillDoseState& d = s.at(static_cast<std::size_t>(p.dose));
    ++d.assigned;
    if (tite_dlt_seen(p, now_day, window_days)) {
      ++d.n;
      ++d.y;
    } else if (!tite_pending(p, now_day, window_days)) {
      ++d.n;
    }
    if (p.response && *p.response) {
      const double known = std::isfinite(p.response_day) ? p.response_day : window_days;
      // Strictly before: bfboin opens a dose at arrivals after the first response.
      if (p.enrolled_day + known < now_day) d.responded = true;
    }
  }
  return s;
}

BoinAction boin_dose_action(const BoinBoundaries& b, int n, int y) {
  const auto k = static_cast<std::size_t>(std::max(1, n));
  if (y <= b.escalate[k]) return BoinAction::escalate;
  if (y >= b.eliminate[k]) return BoinAction::eliminate;
  if (y >= b.deescalate[k]) return BoinAction::deescalate;
  return BoinAction::stay;
}

namespace {

bool below_deescalation(const BoinBoundaries& b, int n, int y) {
  return n == 0 || y < b.deescalate[static_cast<std::size_t>(n)];
}

}  // namespace

std::vector<int> backfill_open_doses(const BackfillOptions& bf, const BoinBoundaries& b,
                                     const std::vector<BackfillDoseState>& s, int current) {
  std::vector<int> open;
  for (int k = 0; k < current; ++k) {
    const BackfillDoseState& x = s[static_cast<std::size_t>(k)];
    const BackfillDoseState& up = s[static_cast<std::size_t>(k) + 1];
    // Safe on its own data or pooled with the dose above (bfboin cond.2 | cond.3);
    // the first unsafe dose closes itself and every dose above it.
    if (!below_deescalation(b, x.n, x.y) && !below_deescalation(b, x.n + up.n, x.y + up.y)) break;
    if (bf.require_response && !x.responded) continue;
    if (x.assigned >= bf.max_per_dose) continue;
    open.push_back(k);
  }
  return open;
}

namespace {

class BfBoinRun final : public DesignRun {
 public:
  explicit BfBoinRun(const BfBoin& d) : design_(d), eliminated_(d.n_doses(), false) {}
  Decision first() override {
    const auto& o = design_.options();
    current_ = o.start_dose;
    return escalation_cohort(0, std::min(o.cohort_size, o.max_patients));
  }
  Decision next(const TrialHistory& history, double now_day) override;
  int select(const TrialHistory& history, double now_day) override;

 private:
  Decision escalation_cohort(std::size_t first_patient, int size) {
    cohort_first_ = first_patient;
    backfilling_ = false;
    return {false, current_, size};
  }
  Decision stop(const TrialHistory& history, bool unsafe) {
    unsafe_ = unsafe;
    // The escalation ends when its last cohort's outcomes are in (bfboin max.t).
    stop_day_ = 0.0;
    for (std::size_t i = cohort_first_; i < history.patients().size(); ++i)
      if (escalation_[i] && history.patients()[i].evaluable)
        stop_day_ = std::max(stop_day_, tite_resolution_day(history.patients()[i], design_.backfill().window_days));
    return {true, -1, 0};
  }
  // The escalation decision once the cohort at current_ is resolved: true to stop.
  bool decide(const std::vector<BackfillDoseState>& s, bool& unsafe);
  bool stay_or_stop(const std::vector<BackfillDoseState>& s) {
    return s[static_cast<std::size_t>(current_)].n >= design_.options().n_earlystop;
  }
  bool escalate_or_stay(const std::vector<BackfillDoseState>& s) {
    const auto up = static_cast<std::size_t>(current_) + 1;
    if (up < design_.n_doses() && !eliminated_[up]) {
      ++current_;
      return false;
    }
    return stay_or_stop(s);
  }
  void eliminate_from(int d) {
    std::fill(eliminated_.begin() + static_cast<std::ptrdiff_t>(d), eliminated_.end(), true);
  }
  bool lowest_unsafe(const std::vector<BackfillDoseState>& s) const {
    const auto& b = design_.boundaries();
    const BackfillDoseState& x = s[0];
    return x.n >= 3 && (x.y >= b.eliminate[static_cast<std::size_t>(x.n)] ||
                        (design_.options().extrasafe && x.y >= b.safety_stop[static_cast<std::size_t>(x.n)]));
  }

  const BfBoin& design_;
  std::vector<bool> eliminated_;  // sticky, with every dose above
  std::vector<char> escalation_;  // per patient: 1 enrolled by an escalation decision, 0 backfilled
  int current_ = 0;               // the escalation dose
  std::size_t cohort_first_ = 0;  // first patient of the current escalation cohort
  bool backfilling_ = false;      // the last decision was a backfill patient
  int escalation_patients_ = 0;
  bool unsafe_ = false;
  double stop_day_ = -1.0;
};

bool BfBoinRun::decide(const std::vector<BackfillDoseState>& s, bool& unsafe) {
  const auto& o = design_.options();
  const auto& b = design_.boundaries();
  const int d = current_;
  std::vector<BoinAction> a;
  for (int k = 0; k <= d; ++k) a.push_back(boin_dose_action(b, s[static_cast<std::size_t>(k)].n, s[static_cast<std::size_t>(k)].y));
  const BackfillDoseState& cur = s[static_cast<std::size_t>(d)];
  if (design_.backfill().stay_on_1_of_3 && cur.n == 3 && cur.y == 1 && a.back() == BoinAction::deescalate)
    a.back() = BoinAction::stay;
  const BoinAction here = a[static_cast<std::size_t>(d)];
  if (d == 0) {
    switch (here) {
      case BoinAction::escalate:
        return escalate_or_stay(s);
      case BoinAction::stay:
        return stay_or_stop(s);
      case BoinAction::eliminate:
        unsafe = true;
        return true;
      case BoinAction::deescalate:
        // bfboin checks extrasafe here only, and then keeps the dose without the n_earlystop test.
        if (o.extrasafe) {
          unsafe = lowest_unsafe(s);
          return unsafe;
        }
        return stay_or_stop(s);
    }
  }
  auto all_lower = [&](bool (*ok)(BoinAction)) {
    return std::all_of(a.begin(), a.begin() + d, ok);
  };
  auto is_esc = [](BoinAction x) { return x == BoinAction::escalate; };
  auto not_down = [](BoinAction x) { return x == BoinAction::escalate || x == BoinAction::stay; };
  if (here == BoinAction::escalate && all_lower(is_esc)) return escalate_or_stay(s);
  if (here == BoinAction::stay && all_lower(not_down)) return stay_or_stop(s);
  if (here == BoinAction::deescalate && all_lower(not_down)) {
    --current_;
    return false;
  }
  if (here == BoinAction::eliminate && all_lower(not_down)) {
    eliminate_from(d);
    --current_;
    return false;
  }
  // A lower dose's data conflict with the current dose's: pool from the
  // highest conflicting dose b* up to the current one (the paper's rule 3).
  if (here == BoinAction::eliminate) eliminate_from(d);
  int bstar = d - 1;
  if (here == BoinAction::escalate) {
    while (a[static_cast<std::size_t>(bstar)] == BoinAction::escalate) --bstar;
  } else {
    while (not_down(a[static_cast<std::size_t>(bstar)])) --bstar;
  }
  int np = 0, yp = 0;
  for (int k = bstar; k <= d; ++k) {
    np += s[static_cast<std::size_t>(k)].n;
    yp += s[static_cast<std::size_t>(k)].y;
  }
  if (yp <= b.escalate[static_cast<std::size_t>(np)]) return escalate_or_stay(s);
  if (yp < b.deescalate[static_cast<std::size_t>(np)]) return stay_or_stop(s);
  // De-escalate to the highest dose k in [b*, d] whose data pooled from b* are
  // below the de-escalation boundary; none: below b*.
  int safe = -1, nc = 0, yc = 0;
  for (int k = bstar; k <= d; ++k) {
    nc += s[static_cast<std::size_t>(k)].n;
    yc += s[static_cast<std::size_t>(k)].y;
    if (yc < b.deescalate[static_cast<std::size_t>(nc)]) safe = k;
  }
  if (safe == d) return stay_or_stop(s);
  if (safe >= 0) {
    current_ = safe;
    return false;
  }
  current_ = bstar - 1;
  if (current_ < 0) {
    current_ = 0;
    if (lowest_unsafe(s)) {
      unsafe = true;
      return true;
    }
  }
  return false;
}

Decision BfBoinRun::next(const TrialHistory& history, double now_day) {
  const auto& o = design_.options();
  const auto& bf = design_.backfill();
  const auto& patients = history.patients();
  for (std::size_t i = escalation_.size(); i < patients.size(); ++i) {
    escalation_.push_back(backfilling_ ? 0 : 1);
    if (!backfilling_ && patients[i].evaluable) ++escalation_patients_;
  }
  bool resolved = true;
  for (std::size_t i = cohort_first_; i < patients.size() && resolved; ++i)
    if (escalation_[i] && tite_pending(patients[i], now_day, bf.window_days)) resolved = false;
  const auto s = backfill_dose_states(patients, now_day, bf.window_days, design_.n_doses());
  if (!resolved) {
    const std::vector<int> open = backfill_open_doses(bf, design_.boundaries(), s, current_);
    if (open.empty()) return {false, -1, 0, false, true};
    backfilling_ = true;
    return {false, bf.assign == BackfillOptions::Assign::highest ? open.back() : open.front(), 1};
  }
  bool unsafe = false;
  if (decide(s, unsafe)) return stop(history, unsafe);
  const int remaining = o.max_patients - escalation_patients_;
  if (remaining <= 0) return stop(history, false);
  return escalation_cohort(patients.size(), std::min(o.cohort_size, remaining));
}

int BfBoinRun::select(const TrialHistory& history, double now_day) {
  if (unsafe_) return -1;
  const auto& o = design_.options();
  const double W = design_.backfill().window_days;
  const double end = stop_day_ >= 0.0 ? stop_day_ : now_day;
  // Backfill patients still pending when the escalation ends are treated but
  // not in the selection (bfboin: outcomes resolved strictly before max.t).
  std::vector<int> n(design_.n_doses(), 0), y(design_.n_doses(), 0);
  const auto& patients = history.patients();
  for (std::size_t i = 0; i < patients.size(); ++i) {
    const EnrolledPatient& p = patients[i];
    if (!p.evaluable || !(escalation_[i] || tite_resolution_day(p, W) < end)) continue;
    ++n[static_cast<std::size_t>(p.dose)];
    if (p.dlt) ++y[static_cast<std::size_t>(p.dose)];
  }
  return boin_select_mtd(o.target, n, y, o.cutoff_eli, o.extrasafe, o.offset, o.bound_mtd, o.tox());
}

}  // namespace

void BackfillOptions::validate() const {
  if (max_per_dose < 1) throw std::invalid_argument("boin: backfill.max_per_dose must be >= 1");
  if (!(window_days > 0.0)) throw std::invalid_argument("boin: backfill needs a DLT window > 0 days");
}

BfBoin::BfBoin(const BoinOptions& o, const BackfillOptions& bf, std::size_t n_doses)
    : o_(o), bf_(bf), n_doses_(n_doses) {
  o_.validate(n_doses);
  bf_.validate();
  if (max_patients() > kMaxPatientsPerTrial)
    throw std::invalid_argument("boin: max_patients + backfill.max_per_dose * doses exceeds the patient limit");
  // Resolved counts reach every patient of the trial: the tables cover them all.
  b_ = boin_boundaries(o_.target, o_.saf(), o_.tox(), o_.cutoff_eli, o_.extrasafe ? o_.offset : -1.0, max_patients());
}

std::unique_ptr<DesignRun> BfBoin::start(DesignWorkspace*) const { return std::make_unique<BfBoinRun>(*this); }

bool read_backfill_keys(const core::ConfigNode& node, const DesignContext& ctx, core::Diagnostics& diag,
                        BackfillOptions& bf) {
  using core::Range;
  const std::size_t errors_before = diag.size();
  if (node.is_map()) {
    core::MapReader m(node, diag);
    bf.max_per_dose = static_cast<int>(m.optional_int("max_per_dose", bf.max_per_dose, Range::closed(1, 10000)));
    bf.require_response = m.optional_bool("require_response", bf.require_response);
    bf.stay_on_1_of_3 = m.optional_bool("stay_on_1_of_3", bf.stay_on_1_of_3);
    bf.assign = m.optional_choice("assign", {"highest", "lowest"}, "highest") == "lowest"
                    ? BackfillOptions::Assign::lowest
                    : BackfillOptions::Assign::highest;
    m.finish();
  } else {
    core::Diagnostics ignored;  // the message below names every accepted form
    const auto on = core::read_bool(node, ignored);
    if (!on) {
      diag.error(node.mark(), node.path(),
                 "expected true, false or a map of keys (max_per_dose, require_response, assign, stay_on_1_of_3), got " +
                     node.describe());
      return false;
    }
    if (!*on) return false;
  }
  bf.window_days = ctx.accrual_window_days;
  if (!(bf.window_days > 0.0))
    diag.error(node.mark(), node.path(),
               "backfill needs 'accrual' with a DLT window > 0 days (patients_per_month, dlt_window_days): "
               "backfill patients arrive while the escalation cohort is pending");
  return diag.size() == errors_before;
}

}  // namespace twinsim::trial
