// OCs from trials/ and patients/ tables (oc_tables.hpp): the lock-step
// summation a file's reader and the in-memory results share.
#include "twinsim/trial/results/oc_tables.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "twinsim/core/version.hpp"
#include "twinsim/trial/results/table_names.hpp"

namespace twinsim::trial {

namespace col = schema::col;

void sum_in_lockstep(std::vector<DesignSource>& sources, const std::string& reference_key,
                     std::int64_t block_rows) {
  if (sources.empty()) return;
  for (std::size_t k = 1; k < sources.size(); ++k)
    if (sources[k].stream->trials() == sources[0].stream->trials())
      sources[k].pair.emplace(reference_key, sources[k].sums.patients.size(), sources[0].sums.patients.size());
  // Designs with fewer trials than others simply stop early.
  std::int64_t most = 0;
  for (const auto& s : sources) most = std::max(most, s.stream->trials());
  for (std::int64_t first = 0; first < most; first += block_rows) {
    const std::int64_t n = std::min(block_rows, most - first);
    for (auto& s : sources)
      if (first < s.stream->trials()) s.stream->load(first, std::min(n, s.stream->trials() - first));
    for (std::int64_t r = first; r < first + n; ++r) {
      const TrialValues* ref = nullptr;
      for (auto& s : sources) {
        if (r >= s.stream->trials()) continue;
        const TrialValues& v = s.stream->next();
        add_trial(s.sums, v);
        if (!ref) {
          ref = &v;  // sources[0]: it has trial r whenever a paired design has
        } else if (s.pair) {
          add_pair(*s.pair, v, *ref, s.sums.planned_patients, sources[0].sums.planned_patients);
        }
      }
    }
  }
  for (auto& s : sources) s.stream->finish();
}

namespace {

const ResultColumn& column(const ResultTable& t, const char* name) {
  const ResultColumn* c = t.find(name);
  if (!c || !c->integer) throw std::logic_error(t.name + "/" + name + ": no such integer column");
  return *c;
}

// A design's in-memory tables as a TrialStream. The tables are whole, so
// load() only checks the range; patients/ rows come grouped by trial.
class TableStream final : public TrialStream {
 public:
  TableStream(const ResultTable& trials, const ResultTable* patients, std::size_t doses)
      : trial_(column(trials, col::kTrial).ints),
        selected_(column(trials, col::kSelectedDose).ints),
        n_(column(trials, col::kNPatients).ints),
        y_(column(trials, col::kNDlts).ints),
        c_(column(trials, col::kNCohorts).ints) {
    if (patients) {
      p_trial_ = &column(*patients, col::kTrial).ints;
      p_dose_ = &column(*patients, col::kDoseIndex).ints;
      p_dlt_ = &column(*patients, col::kDlt).ints;
    }
    v_.patients.assign(doses, 0);
    v_.dlts.assign(doses, 0);
  }
  std::int64_t trials() const override { return static_cast<std::int64_t>(trial_.size()); }
  void load(std::int64_t first, std::int64_t n) override {
    if (first != static_cast<std::int64_t>(next_) || first + n > trials())
      throw std::logic_error("TableStream::load out of order");
  }
  const TrialValues& next() override {
    const std::size_t i = next_++;
    for (const std::size_t d : v_.doses_used) v_.patients[d] = v_.dlts[d] = 0;
    v_.doses_used.clear();
    v_.selected = selected_[i];
    v_.n_patients = n_[i];
    v_.n_dlts = y_[i];
    v_.n_cohorts = c_[i];
    for (; p_trial_ && p_next_ < p_trial_->size() && (*p_trial_)[p_next_] == trial_[i]; ++p_next_) {
      const auto d = static_cast<std::size_t>((*p_dose_)[p_next_]);
      if (v_.patients[d] == 0) v_.doses_used.push_back(d);
      ++v_.patients[d];
      v_.dlts[d] += (*p_dlt_)[p_next_];
    }
    std::sort(v_.doses_used.begin(), v_.doses_used.end());
    return v_;
  }

 private:
  const std::vector<std::int64_t>&trial_, &selected_, &n_, &y_, &c_;
  const std::vector<std::int64_t>*p_trial_ = nullptr, *p_dose_ = nullptr, *p_dlt_ = nullptr;
  std::size_t next_ = 0, p_next_ = 0;
  TrialValues v_;
};

// A design's in-memory patients/ table as per-trial exposures.
class TableExposureStream final : public ExposureStream {
 public:
  TableExposureStream(const ResultTable& trials, const ResultTable* patients, std::size_t doses)
      : trial_(column(trials, col::kTrial).ints), doses_(doses) {
    if (patients) {
      p_trial_ = &column(*patients, col::kTrial).ints;
      p_dose_ = &column(*patients, col::kDoseIndex).ints;
      const auto& all = exposure_metrics();
      for (std::size_t m = 0; m < all.size(); ++m) {
        const ResultColumn* c = patients->find(all[m].column);
        if (!c || c->integer) continue;
        metrics_.push_back(m);
        values_.push_back(&c->doubles);
      }
    }
  }
  std::int64_t trials() const override { return static_cast<std::int64_t>(trial_.size()); }
  const std::vector<std::size_t>& metrics() const override { return metrics_; }
  const ExposureTrial& next() override {
    const std::size_t i = next_++;
    t_.reset(metrics_.size(), doses_);
    for (; p_trial_ && p_next_ < p_trial_->size() && (*p_trial_)[p_next_] == trial_[i]; ++p_next_)
      for (std::size_t m = 0; m < values_.size(); ++m)
        t_.add(m, static_cast<std::size_t>((*p_dose_)[p_next_]), doses_, (*values_[m])[p_next_]);
    return t_;
  }

 private:
  const std::vector<std::int64_t>& trial_;
  std::size_t doses_;
  const std::vector<std::int64_t>*p_trial_ = nullptr, *p_dose_ = nullptr;
  std::vector<std::size_t> metrics_;
  std::vector<const std::vector<double>*> values_;
  std::size_t next_ = 0, p_next_ = 0;
  ExposureTrial t_;
};

}  // namespace

OcReport oc_report(const MemoryResults& m, const std::string& path) {
  const RunInfo& run = m.run;
  OcContext ctx;
  ctx.dose_levels = run.dose_levels;
  if (run.true_dlt_probabilities) ctx.truth = run.true_dlt_probabilities;
  if (m.truth) {
    ctx.truth = m.truth->p;
    ctx.truth_se = m.truth->se;
  }
  ctx.scoring = run.scoring;
  if (run.accrual) ctx.duration = duration_model(run.accrual->patients_per_month, run.accrual->dlt_window_days);
  OcReport rep = oc_report_header(run, ctx, path);
  const std::size_t D = run.dose_levels.size();
  std::vector<DesignSource> sources;
  std::vector<DesignTargetInfo> info;
  for (const auto& d : m.designs) {
    DesignSource s;
    s.name = d.info.name;
    s.type = d.info.type;
    if (d.info.target >= 0) s.target = d.info.target;
    s.sums = TrialSums(D);
    if (d.info.planned_patients > 0) s.sums.planned_patients = d.info.planned_patients;
    const ResultTable* patients = d.table(schema::kPatients);
    s.sums.per_dose = patients != nullptr;
    s.stream = std::make_unique<TableStream>(*d.table(schema::kTrials), patients, D);
    info.push_back({d.info.dose_finding, s.target});
    sources.push_back(std::move(s));
  }
  const auto targets = scoring_targets(info);
  for (std::size_t k = 0; k < sources.size(); ++k) sources[k].scoring = targets[k];
  if (!sources.empty()) sum_in_lockstep(sources, pair_key(path, sources[0].name), kMaxTrials);
  std::vector<DesignExposure> exposure =
      memory_exposure(m, m.designs.empty() ? std::string() : pair_key(path, m.designs[0].info.name));
  for (std::size_t k = 0; k < sources.size(); ++k) {
    DesignSource& s = sources[k];
    DesignOc oc = design_oc_from_sums(s.name, s.type, s.scoring, std::move(s.sums), rep);
    oc.with_reference = std::move(s.pair);
    oc.exposure = std::move(exposure[k]);
    if (!oc.sums.per_dose) {
      // Without patients/ the per-dose means are the run's, as a file's oc/ has them.
      const DesignOc& run_oc = m.designs[k].oc;
      for (std::size_t d = 0; d < oc.doses.size() && d < run_oc.doses.size(); ++d) {
        oc.doses[d].mean_patients = run_oc.doses[d].mean_patients;
        oc.doses[d].mean_dlts = run_oc.doses[d].mean_dlts;
      }
      const bool as_run = run_oc.scored && oc.scored && run_oc.target_dose == oc.target_dose &&
                          same_target(run_oc.target, oc.target);
      oc.above_target = as_run ? run_oc.above_target : Estimate{};
    }
    rep.designs.push_back(std::move(oc));
  }
  return rep;
}

std::vector<DesignExposure> memory_exposure(const MemoryResults& m, const std::string& reference_key) {
  const std::size_t D = m.run.dose_levels.size();
  std::vector<std::unique_ptr<ExposureStream>> streams;
  std::vector<ExposureStream*> inputs;
  for (const auto& d : m.designs) {
    streams.push_back(std::make_unique<TableExposureStream>(*d.table(schema::kTrials), d.table(schema::kPatients), D));
    inputs.push_back(streams.back().get());
  }
  return sum_exposure_in_lockstep(inputs, std::vector<std::size_t>(inputs.size(), D), reference_key);
}

OcReport oc_report_header(const RunInfo& run, const OcContext& context, const std::string& path) {
  OcReport rep;
  static_cast<OcContext&>(rep) = context;
  rep.path = path;
  rep.scenario_name = run.scenario_name;
  rep.mode = run.pkpd ? schema::kModePkpd : schema::kModeDesignOnly;
  rep.schema_version = core::kSchemaVersion;
  rep.seed = run.seed;
  rep.replicates = run.replicates;
  rep.population_key = run.population_key;
  if (rep.truth)
    for (std::size_t d = 0; d < rep.truth->size(); ++d)
      if (std::isnan((*rep.truth)[d])) rep.warnings.push_back(unknown_truth_warning(rep.dose_levels[d]));
  return rep;
}

}  // namespace twinsim::trial
