// `randomised_stage:` of a dose-finding design (randomised_stage.hpp).
#include "twinsim/trial/designs/randomised_stage.hpp"

#include <boost/math/special_functions/beta.hpp>
#include <algorithm>
#include <stdexcept>
#include <string>

#include "twinsim/trial/designs/designs.hpp"
#include "twinsim/trial/designs/phase2.hpp"
#include "twinsim/trial/designs/tite_crm.hpp"

namespace twinsim::trial {

namespace {

// The utility (0-100) of one patient's outcome.
double patient_utility(const ObdObjective& u, bool tox, bool eff) {
  if (eff) return tox ? u.u3 : u.u1;
  return tox ? u.u4 : u.u2;
}

class StageRun final : public DesignRun {
 public:
  StageRun(const RandomisedStage& d, std::unique_ptr<DesignRun> inner) : d_(d), inner_(std::move(inner)) {}

  Decision first() override { return inner_->first(); }

  Decision next(const TrialHistory& h, double now_day) override {
    if (phase_ == Phase::escalating) {
      const Decision dec = inner_->next(h, now_day);
      if (!dec.stop) return dec;
      phase_ = Phase::waiting;
    }
    if (phase_ == Phase::waiting) {
      // The escalation's selection is made on complete data: in the accrual
      // process, once every treated patient's outcome has resolved.
      if (d_.time_driven())
        for (const auto& e : h.patients())
          if (tite_pending(e, now_day, d_.window_days())) return suspend();
      arms_ = randomised_stage_arms(d_.options(), inner_->select(h, now_day));
      stage_start_ = h.patients().size();
      phase_ = arms_.empty() ? Phase::done : Phase::randomising;
    }
    if (phase_ == Phase::randomising) {
      // Equal allocation, exactly n_per_arm evaluable patients per arm (as a
      // permuted-block randomisation gives): simulated patients are
      // exchangeable, so filling the arms in rotation has the randomised
      // trial's operating characteristics and needs no random draw.
      int counts[kMaxDesignDoses] = {};
      for (std::size_t i = stage_start_; i < h.patients().size(); ++i) {
        const EnrolledPatient& e = h.patients()[i];
        if (!e.evaluable) continue;
        for (std::size_t a = 0; a < arms_.size(); ++a)
          if (arms_[a] == e.dose) ++counts[a];
      }
      int remaining = 0;
      std::size_t arm = arms_.size();
      for (std::size_t a = 0; a < arms_.size(); ++a) {
        remaining += std::max(0, d_.options().n_per_arm - counts[a]);
        if (counts[a] < d_.options().n_per_arm && (arm == arms_.size() || counts[a] < counts[arm])) arm = a;
      }
      if (remaining > 0) {
        Decision dec{false, arms_[arm], 1};
        // The allocation reads no outcome: the next patient need not wait
        // for this one's DLT window (the last one's completes the stage).
        dec.concurrent = remaining > 1;
        return dec;
      }
      phase_ = Phase::done;
    }
    return {true, -1, 0};
  }

  int select(const TrialHistory& h, double now_day) override {
    if (phase_ == Phase::escalating) return inner_->select(h, now_day);  // not reached by the runner
    if (arms_.empty()) return -1;
    std::vector<ArmData> data(arms_.size());
    std::vector<ArmData> safety(arms_.size());
    for (std::size_t a = 0; a < arms_.size(); ++a) data[a].dose = safety[a].dose = arms_[a];
    const auto& all = h.patients();
    for (std::size_t i = 0; i < all.size(); ++i) {
      const EnrolledPatient& e = all[i];
      if (!e.evaluable) continue;
      for (std::size_t a = 0; a < arms_.size(); ++a) {
        if (arms_[a] != e.dose) continue;
        const bool eff = e.response.value_or(false);
        auto add = [&](ArmData& x) {
          ++x.n;
          x.tox += e.dlt ? 1 : 0;
          x.eff += eff ? 1 : 0;
          x.both += e.dlt && eff ? 1 : 0;
        };
        add(safety[a]);
        if (i >= stage_start_ || d_.options().use_escalation_data) add(data[a]);
      }
    }
    // Safety reads every patient treated at the dose; efficacy and the
    // comparison the randomised ones (or all, use_escalation_data).
    const ObdObjective& obj = d_.objective();
    std::vector<ArmData> eligible;
    for (std::size_t a = 0; a < arms_.size(); ++a) {
      const ArmData& s = safety[a];
      const ArmData& x = data[a];
      const bool safe = boost::math::ibetac(1.0 + s.tox, 1.0 + s.n - s.tox, obj.phi_t) < d_.cutoff_tox();
      const bool active = boost::math::ibeta(1.0 + x.eff, 1.0 + x.n - x.eff, obj.phi_e) < d_.cutoff_eff();
      if (safe && active) eligible.push_back(x);
    }
    return randomised_stage_select(d_.options(), obj, eligible);
  }

 private:
  enum class Phase { escalating, waiting, randomising, done };
  static Decision suspend() {
    Decision d;
    d.suspend = true;
    return d;
  }
  const RandomisedStage& d_;
  std::unique_ptr<DesignRun> inner_;
  Phase phase_ = Phase::escalating;
  std::vector<int> arms_;
  std::size_t stage_start_ = 0;
};

}  // namespace

void RandomisedStageOptions::validate() const {
  if (doses < 1 || doses > 3) throw std::invalid_argument("randomised_stage: doses must be 1, 2 or 3");
  if (n_per_arm < 1) throw std::invalid_argument("randomised_stage: n_per_arm must be >= 1");
  if (!(margin >= 0.0 && margin < 1.0)) throw std::invalid_argument("randomised_stage: margin must be in [0, 1)");
  const auto unit = [](const std::optional<double>& x) { return !x || (*x > 0.0 && *x < 1.0); };
  if (!unit(cutoff_tox) || !unit(cutoff_eff)) throw std::invalid_argument("randomised_stage: cutoff_tox and cutoff_eff must be in (0, 1)");
  if (!unit(lower_efficacy)) throw std::invalid_argument("randomised_stage: lower_efficacy must be in (0, 1)");
  const auto util = [](const std::optional<double>& x) { return !x || (*x >= 0.0 && *x <= 100.0); };
  if (!util(utility_neither) || !util(utility_both)) throw std::invalid_argument("randomised_stage: utilities must be in [0, 100]");
}

std::vector<int> randomised_stage_arms(const RandomisedStageOptions& o, int selected) {
  std::vector<int> arms;
  if (selected < 0) return arms;
  for (int d = std::max(0, selected - o.doses + 1); d <= selected; ++d) arms.push_back(d);
  return arms;
}

int randomised_stage_select(const RandomisedStageOptions& o, const ObdObjective& u,
                            const std::vector<ArmData>& arms) {
  double score[kMaxDesignDoses];
  double best = -1.0;
  for (std::size_t a = 0; a < arms.size(); ++a) {
    const ArmData& x = arms[a];
    if (x.n == 0) {
      score[a] = -1.0;
      continue;
    }
    if (o.selection == RandomisedStageOptions::Selection::pick_the_winner) {
      score[a] = static_cast<double>(x.eff) / x.n;
    } else {
      const int eff_only = x.eff - x.both, tox_only = x.tox - x.both, none = x.n - x.tox - x.eff + x.both;
      score[a] = (patient_utility(u, false, true) * eff_only + patient_utility(u, false, false) * none +
                  patient_utility(u, true, true) * x.both + patient_utility(u, true, false) * tox_only) /
                 x.n;
    }
    best = std::max(best, score[a]);
  }
  if (best < 0.0) return -1;
  const double margin = o.selection == RandomisedStageOptions::Selection::pick_the_winner ? o.margin : 0.0;
  // Arms are in increasing dose order: the first within the margin of the
  // best is the lowest such dose. The tolerance keeps equal rates of
  // different n (e.g. 1/2 and 2/4) equal after rounding.
  for (std::size_t a = 0; a < arms.size(); ++a)
    if (score[a] >= 0.0 && score[a] >= best - margin - 1e-12) return arms[a].dose;
  return -1;
}

RandomisedStage::RandomisedStage(std::unique_ptr<Design> escalation, const RandomisedStageOptions& o,
                                 double window_days)
    : inner_(std::move(escalation)), o_(o), window_days_(window_days) {
  o_.validate();
  if (!inner_ || !inner_->is_dose_finding() || !(inner_->target() > 0.0 && inner_->target() < 1.0))
    throw std::invalid_argument("randomised_stage: needs a dose-finding design with a target");
  if (inner_->max_patients() + o_.doses * o_.n_per_arm > kMaxPatientsPerTrial)
    throw std::invalid_argument("randomised_stage: the escalation and the stage exceed " +
                                std::to_string(kMaxPatientsPerTrial) + " patients");
  if (inner_->time_driven() && !(window_days_ > 0.0))
    throw std::invalid_argument("randomised_stage: a time-driven design needs the accrual's DLT window");
  // A BOIN12 escalation's own cutoffs are the stage's defaults (it decides
  // admissibility alike before and after); otherwise BOIN12's published ones.
  const auto* boin12 = dynamic_cast<const Boin12*>(inner_.get());
  const Boin12Options published = boin12 ? boin12->options() : Boin12Options{};
  c_t_ = o_.cutoff_tox.value_or(published.c_t);
  c_e_ = o_.cutoff_eff.value_or(published.c_e);
  if (const auto obj = inner_->obd_objective()) {
    objective_ = *obj;
  } else {
    objective_ = {inner_->target(), o_.lower_efficacy.value_or(published.phi_e), published.u1,
                  o_.utility_neither.value_or(published.u2), o_.utility_both.value_or(published.u3), published.u4};
  }
}

std::unique_ptr<DesignRun> RandomisedStage::start(DesignWorkspace* ws) const {
  return std::make_unique<StageRun>(*this, inner_->start(ws));
}

std::optional<RuleTable> RandomisedStage::rule_table() const {
  RuleTable t = inner_->rule_table().value_or(RuleTable{});
  t.values.push_back({"randomised_stage_doses", o_.doses});
  t.values.push_back({"randomised_stage_n_per_arm", o_.n_per_arm});
  if (o_.selection == RandomisedStageOptions::Selection::pick_the_winner)
    t.values.push_back({"randomised_stage_margin", o_.margin});
  t.values.push_back({"randomised_stage_cutoff_tox", c_t_});
  t.values.push_back({"randomised_stage_cutoff_eff", c_e_});
  t.values.push_back({"randomised_stage_lower_efficacy", objective_.phi_e});
  const std::string rule =
      o_.selection == RandomisedStageOptions::Selection::pick_the_winner
          ? "the lowest arm whose response rate is at least the best arm's minus randomised_stage_margin"
          : "the arm with the highest observed mean utility (ties: the lower dose)";
  t.legend += std::string(t.legend.empty() ? "" : "; ") +
              "after the escalation: randomised_stage_n_per_arm patients randomised to each of the selected dose "
              "and the next lower doses (randomised_stage_doses arms), then " +
              rule + ", among the arms with Pr(DLT rate > target | the dose's patients) < randomised_stage_cutoff_tox and "
              "Pr(response rate < randomised_stage_lower_efficacy | the patients compared) < randomised_stage_cutoff_eff";
  return t;
}

std::unique_ptr<Design> read_randomised_stage(std::unique_ptr<Design> design, const core::ConfigNode& node,
                                              const DesignContext& ctx, core::Diagnostics& diag) {
  using core::Range;
  if (node.is_missing() || !design) return design;
  RandomisedStageOptions o;
  if (node.is_map()) {
    core::MapReader m(node, diag);
    o.doses = static_cast<int>(m.optional_int("doses", o.doses, Range::closed(1, 3)));
    o.n_per_arm = static_cast<int>(m.optional_int("n_per_arm", o.n_per_arm, Range::closed(1, 10000)));
    const std::string sel = m.optional_choice("selection", {"utility", "pick_the_winner"}, "utility");
    o.selection = sel == "pick_the_winner" ? RandomisedStageOptions::Selection::pick_the_winner
                                           : RandomisedStageOptions::Selection::utility;
    const core::ConfigNode margin = m.get("margin");
    o.margin = m.optional_double("margin", o.margin, Range{0.0, 1.0, false, true});
    if (!margin.is_missing() && o.selection != RandomisedStageOptions::Selection::pick_the_winner)
      diag.error(margin.key_mark(), margin.path(), "applies to selection: pick_the_winner only");
    auto read = [&](const char* key, std::optional<double>& out, const core::Range& range, bool own) {
      const core::ConfigNode n = m.get(key);
      if (n.is_missing()) return;
      const std::size_t before = diag.size();
      const double v = m.optional_double(key, 0.0, range);
      if (diag.size() == before) out = v;
      if (own && design->obd_objective())
        diag.error(n.key_mark(), n.path(), "'" + std::string(key) + "' of the design's own objective is used: set it on the design");
    };
    read("cutoff_tox", o.cutoff_tox, Range::open_unit(), false);
    read("cutoff_eff", o.cutoff_eff, Range::open_unit(), false);
    read("lower_efficacy", o.lower_efficacy, Range::open_unit(), true);
    read("utility_neither", o.utility_neither, Range::closed(0, 100), true);
    read("utility_both", o.utility_both, Range::closed(0, 100), true);
    o.use_escalation_data = m.optional_bool("use_escalation_data", o.use_escalation_data);
    m.finish();
  } else {
    core::Diagnostics ignored;  // the message below names every accepted form
    const auto on = core::read_bool(node, ignored);
    if (!on) {
      diag.error(node.mark(), node.path(),
                 "expected true, false or a map of keys (doses, n_per_arm, selection, margin, cutoff_tox, cutoff_eff, "
                 "lower_efficacy, utility_neither, utility_both, use_escalation_data), got " + node.describe());
      return nullptr;
    }
    if (!*on) return design;
  }
  if (!design->is_dose_finding() || !(design->target() > 0.0)) {
    diag.error(node.key_mark(), node.path(), "needs a dose-finding design with a target (the stage follows its escalation)");
    return nullptr;
  }
  if (design->time_driven() && !(ctx.accrual_window_days > 0.0)) {
    diag.error(node.key_mark(), node.path(), "needs 'accrual' with a DLT window > 0 days for a time-driven design");
    return nullptr;
  }
  return std::make_unique<RandomisedStage>(std::move(design), o, ctx.accrual_window_days);
}

}  // namespace twinsim::trial
