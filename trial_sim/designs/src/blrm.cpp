// `type: blrm`: Bayesian logistic regression with escalation with overdose
// control (Neuenschwander, Branson & Gsponer 2008) as a Design. The model, the
// posterior integration and the decision rule are in blrm.hpp,
// blrm_posterior.cpp and blrm_decision.cpp; this file reads the keys and runs
// the rule trial by trial. docs/designs.md, "blrm", lists every key.
#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "twinsim/trial/designs/blrm.hpp"
#include "twinsim/trial/designs/designs.hpp"

namespace twinsim::trial {

namespace {

// One thread's posterior integrator for one design; its table of integrated
// data sets makes repeated count states a lookup (bit-identical to a fresh
// integration, so no result depends on which thread met a state first).
class BlrmWorkspace final : public DesignWorkspace {
 public:
  explicit BlrmWorkspace(const BlrmOptions& o) : posterior(o) {}
  BlrmPosterior posterior;
};

class BlrmRun final : public DesignRun {
 public:
  BlrmRun(const Blrm& d, DesignWorkspace* ws) : design_(d) {
    if (ws) {
      ws_ = static_cast<BlrmWorkspace*>(ws);
    } else {
      own_ = std::make_unique<BlrmWorkspace>(d.options());
      ws_ = own_.get();
    }
  }
  Decision first() override {
    const auto& o = design_.options();
    return {false, o.start_level, std::min(o.cohort_size, o.max_patients)};
  }
  Decision next(const TrialHistory& history, double) override {
    const DoseCounts& c = history.counts();
    const BlrmDecision d = blrm_decide(ws_->posterior, c.n, c.dlt);
    if (d.action != BlrmAction::kContinue) {
      selected_ = d.mtd;
      done_ = true;
      return {true, -1, 0};
    }
    const auto& o = design_.options();
    return {false, d.next_level, std::min(o.cohort_size, o.max_patients - c.total_patients)};
  }
  int select(const TrialHistory& history, double) override {
    if (done_) return selected_;
    // Stopped from outside: the MTD rule on all data.
    const DoseCounts& c = history.counts();
    return blrm_select_mtd(design_.options(), ws_->posterior.cached_summaries(c.n, c.dlt), c.n);
  }

 private:
  const Blrm& design_;
  std::unique_ptr<BlrmWorkspace> own_;  // when the caller gave no workspace
  BlrmWorkspace* ws_ = nullptr;
  int selected_ = -1;
  bool done_ = false;
};

// One prior component's keys; the values passed in are the defaults.
void read_component(core::MapReader& m, BlrmPriorComponent& c, bool with_weight) {
  using core::Range;
  if (with_weight) c.weight = m.optional_double("weight", c.weight, Range::positive());
  c.mean_log_alpha = m.optional_double("mean_log_alpha", c.mean_log_alpha);
  c.mean_log_beta = m.optional_double("mean_log_beta", c.mean_log_beta);
  c.sd_log_alpha = m.optional_double("sd_log_alpha", c.sd_log_alpha, Range::positive());
  c.sd_log_beta = m.optional_double("sd_log_beta", c.sd_log_beta, Range::positive());
  c.correlation = m.optional_double("correlation", c.correlation, Range{-1.0, 1.0, true, true});
  m.finish();
}

// `prior`: one component as a map, or a mixture as a list of maps with weights.
void read_prior(const core::ConfigNode& node, core::Diagnostics& diag, std::vector<BlrmPriorComponent>& prior) {
  if (node.is_missing()) return;
  if (node.is_map()) {
    core::MapReader m(node, diag);
    read_component(m, prior.at(0), false);
    return;
  }
  if (!node.is_sequence() || node.size() == 0) {
    diag.error(node.mark(), node.path(),
               "expected a map of prior keys or a non-empty list of them (a mixture), got " + node.describe());
    return;
  }
  const BlrmPriorComponent defaults = prior.at(0);
  prior.assign(node.size(), defaults);
  for (std::size_t i = 0; i < node.size(); ++i) {
    const core::ConfigNode item = node.at(i);
    if (!item.is_map()) {
      diag.error(item.mark(), item.path(), "expected a map of prior keys, got " + item.describe());
      continue;
    }
    core::MapReader m(item, diag);
    read_component(m, prior[i], true);
  }
}

}  // namespace

Blrm::Blrm(BlrmOptions o) : o_(std::move(o)) { o_.validate(); }

std::unique_ptr<DesignRun> Blrm::start(DesignWorkspace* ws) const { return std::make_unique<BlrmRun>(*this, ws); }

std::unique_ptr<DesignWorkspace> Blrm::workspace() const { return std::make_unique<BlrmWorkspace>(o_); }

BlrmDecision Blrm::decide(const std::vector<int>& n, const std::vector<int>& y, DesignWorkspace* ws) const {
  if (ws) return blrm_decide(static_cast<BlrmWorkspace*>(ws)->posterior, n, y);
  BlrmPosterior fresh(o_);
  return blrm_decide(fresh, n, y);
}

std::unique_ptr<Design> parse_blrm(core::MapReader& r, const DesignContext& ctx) {
  using core::Range;
  auto& diag = r.diagnostics();
  const std::size_t errors_before = diag.size();
  BlrmOptions o;
  o.doses = ctx.dose_levels;
  for (double d : o.doses) {
    if (!(d > 0)) {
      diag.error(r.node().mark(), r.node().path(),
                 "blrm needs dose levels > 0 (the model uses log(dose / reference_dose); got " +
                     core::format_number(d) + ")");
      break;
    }
  }
  const core::ConfigNode ref = r.get("reference_dose");
  if (!ref.is_missing()) o.reference_dose = core::read_double(ref, diag, Range::positive()).value_or(o.reference_dose);
  read_prior(r.get("prior"), diag, o.prior);

  const core::ConfigNode iv = r.get("target_interval");
  if (!iv.is_missing()) {
    if (auto v = core::read_double_list(iv, diag, Range::open_unit(), 2)) {
      if (v->size() != 2) {
        diag.error(iv.mark(), iv.path(), "expected [lower, upper], got " + std::to_string(v->size()) + " values");
      } else if (!((*v)[1] > (*v)[0])) {
        diag.error(iv.at(1).mark(), iv.at(1).path(),
                   "the upper bound must be above the lower (" + iv.at(1).scalar() + " after " + iv.at(0).scalar() +
                       ")");
      } else {
        o.target_low = (*v)[0];
        o.target_high = (*v)[1];
      }
    }
  }
  o.ewoc = r.optional_double("ewoc", o.ewoc, Range{0.0, 1.0, true, false});
  o.max_increase = r.optional_double("max_increase", o.max_increase, Range::positive());
  o.allow_skipping = r.optional_bool("allow_skipping", o.allow_skipping);
  read_cohort_keys(r, kMaxPatientsPerTrial, o.cohort_size, o.max_patients);
  o.start_level = read_start_dose(r, ctx, o.start_level);
  o.min_patients_at_mtd = static_cast<int>(
      r.optional_int("min_patients_at_mtd", o.min_patients_at_mtd, Range::closed(1, kMaxPatientsPerTrial)));
  o.stop_target_prob = r.optional_double("stop_target_prob", o.stop_target_prob, Range::unit());
  const core::ConfigNode t = r.get("target");
  if (!t.is_missing()) o.target = core::read_double(t, diag, DesignRules::target());
  if (diag.size() != errors_before || ctx.n_doses == 0) return nullptr;
  return std::make_unique<Blrm>(o);
}

}  // namespace twinsim::trial
