#include "twinsim/trial/runner/runner.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "parallel_for.hpp"
#include "twinsim/core/rng.hpp"
#include "twinsim/trial/designs/designs.hpp"
#include "twinsim/trial/designs/tite_crm.hpp"

namespace twinsim::trial {

int effective_threads(int requested) {
#ifdef _OPENMP
  return requested > 0 ? requested : omp_get_max_threads();
#else
  (void)requested;
  return 1;
#endif
}

DurationModel trial_clock(const Scenario& s) {
  if (s.accrual) return duration_model(s.accrual->patients_per_month, s.accrual->dlt_window_days);
  DurationModel m;
  if (s.endpoints.dlt) m.window_days = s.endpoints.dlt->window_end_h / 24.0;
  return m;
}

DesignRunner::DesignRunner(const Design& design, const PatientModel& model, std::size_t n_doses, int threads,
                           bool keep_timecourses, bool keep_patients, SolveFailurePolicy on_failure,
                           std::string name)
    : design_(design),
      model_(model),
      n_doses_(n_doses),
      threads_(effective_threads(threads)),
      keep_timecourses_(keep_timecourses),
      keep_patients_(keep_patients || keep_timecourses),
      on_failure_(on_failure),
      name_(std::move(name)) {
  for (int i = 0; i < threads_; ++i) {
    workspaces_.push_back(model_.workspace());
    design_workspaces_.push_back(design_.workspace());
  }
  histories_.resize(static_cast<std::size_t>(threads_));
}

DesignRunner::~DesignRunner() = default;

bool DesignRunner::enrol_one(std::int64_t trial, std::int64_t index, int dose, int cohort, double day,
                             bool may_replace, PatientWorkspace& ws, TrialRow& row, PatientRow& p,
                             std::vector<PatientRow>& patients, std::vector<double>& timecourses,
                             TrialHistory& history) const {
  const std::size_t tc_values = keep_timecourses_ ? model_.n_timecourse_values() : 0;
  p.trial = trial;
  p.patient = index;
  p.cohort = cohort;
  p.dose_index = dose;
  double* tc = nullptr;
  if (tc_values) {
    timecourses.resize(timecourses.size() + tc_values);
    tc = timecourses.data() + timecourses.size() - tc_values;
  }
  model_.simulate(ws, static_cast<std::uint64_t>(trial), static_cast<std::uint64_t>(p.patient), dose, p.outcome, tc);
  EnrolledPatient e;
  e.dose = dose;
  e.cohort = cohort;
  e.enrolled_day = day;
  if (p.outcome.status != core::SolveStatus::kOk) {
    // No DLT assessment exists for this patient: the scenario decides what
    // the design counts, and the row records what the design counted.
    if (on_failure_ == SolveFailurePolicy::kError)
      throw PatientSolveError(name_, trial, p.patient, dose, p.outcome.status);
    ++row.n_failed;
    const auto k = static_cast<std::size_t>(p.outcome.status);
    if (k < row.failed_by_status.size()) ++row.failed_by_status[k];
    if (on_failure_ == SolveFailurePolicy::kReplace && may_replace) {
      ++row.n_replaced;
      if (tc) timecourses.resize(timecourses.size() - tc_values);
      e.evaluable = false;
      history.enrol(e);
      return false;  // the next patient takes this place
    }
    p.outcome.dlt = on_failure_ != SolveFailurePolicy::kNoDlt;
  } else {
    row.sum_cmax += p.outcome.exposure.cmax;
    row.sum_auc_first += p.outcome.exposure.auc_first;
    row.sum_ctrough += p.outcome.exposure.ctrough;
  }
  e.dlt = p.outcome.dlt;
  if (p.outcome.response >= 0) e.response = p.outcome.response == 1;
  if (e.dlt) e.dlt_day = p.outcome.dlt_time_h / 24.0;
  if (e.dlt && std::isnan(e.dlt_day) && design_.time_driven()) {
    // Design-only mode draws no onset: uniform in the window, as dfcrm
    // titesim(surv = "uniform"), from a stream of its own (no other draw moves).
    core::RngStream rng(process_.seed, 0, core::StreamKind::kDltOnset, static_cast<std::uint64_t>(trial),
                        static_cast<std::uint64_t>(index));
    e.dlt_day = rng.uniform() * times_.window_days;
    p.outcome.dlt_time_h = e.dlt_day * 24.0;
  }
  history.enrol(e);
  if (keep_patients_) patients.push_back(p);
  return true;
}

double DesignRunner::arrival_gap(std::int64_t trial, std::int64_t index) const {
  if (!process_.poisson) return times_.gap_days;
  core::RngStream rng(process_.seed, 0, core::StreamKind::kAccrual, static_cast<std::uint64_t>(trial),
                      static_cast<std::uint64_t>(index));
  return -times_.gap_days * std::log(rng.uniform());
}

void DesignRunner::run_trial(std::int64_t trial, PatientWorkspace& ws, TrialRow& row,
                             std::vector<PatientRow>& patients, std::vector<double>& timecourses,
                             DesignWorkspace* dws, TrialHistory* scratch) const {
  patients.clear();
  timecourses.clear();
  TrialHistory local;
  TrialHistory& history = scratch ? *scratch : local;
  history.clear(n_doses_);
  auto run = design_.start(dws);
  Decision dec = run->first();
  row = TrialRow{};
  // Reused across the trial's patients: simulate() overwrites the outcome, and
  // push_back copies (the slot vectors keep their capacity between blocks).
  PatientRow p;
  std::int64_t enrolled = 0;  // patient index: enrolment order, replaced patients included
  double end_day = 0.0;
  int cohort = 0;
  auto check = [&](const Decision& d) {
    if (d.dose < 0 || static_cast<std::size_t>(d.dose) >= n_doses_ || d.cohort_size <= 0)
      throw std::logic_error("design returned an invalid decision (dose " + std::to_string(d.dose) + ")");
    if (history.counts().total_patients + d.cohort_size > kMaxPatientsPerTrial)
      throw std::logic_error("design exceeded the patient limit of one trial");
  };
  if (!design_.time_driven()) {
    // The cohort loop: a cohort's patients arrive a gap apart, and the next
    // decision waits until its last one has completed the DLT window (the
    // duration model of the accrual spec, oc_metrics.hpp).
    double cohort_day = 0.0;
    while (!dec.stop) {
      check(dec);
      int replaced = 0;
      double day = cohort_day;
      std::int64_t last = -1;
      for (int j = 0; j < dec.cohort_size;) {
        if (!process_.poisson) day = cohort_day + j * times_.gap_days;
        const std::int64_t index = last = enrolled++;
        if (!enrol_one(trial, index, dec.dose, cohort, day, replaced < dec.cohort_size, ws, row, p, patients,
                       timecourses, history)) {
          ++replaced;
          continue;
        }
        if (process_.poisson && j + 1 < dec.cohort_size) day += arrival_gap(trial, index);
        ++j;
      }
      history.end_cohort();
      ++cohort;
      if (dec.concurrent) {
        // The next arrival: a gap after this cohort's last (with Poisson
        // arrivals keyed by that patient's index, as within a cohort).
        cohort_day = process_.poisson ? day + arrival_gap(trial, last) : cohort_day + dec.cohort_size * times_.gap_days;
      } else {
        cohort_day = process_.poisson ? day + times_.window_days
                                      : cohort_day + ((dec.cohort_size - 1) * times_.gap_days + times_.window_days);
      }
      dec = run->next(history, cohort_day);
    }
    end_day = cohort_day;
    // With accrual, the clock is the duration (without, every gap is 0 and durations are n/a).
    if (design_.measures_duration() && times_.gap_days > 0.0) row.duration_measured = true;
  } else {
    // The accrual process: patients arrive whatever the others' follow-up; the
    // design decides at each cohort's first arrival from the outcomes seen by
    // then, or suspends accrual until the next pending outcome resolves.
    const double W = times_.window_days;
    double t = 0.0;  // the next arrival
    std::uint64_t referred = 0;
    // A design that refers arrivals away does so only while an outcome is
    // pending, a window's worth of arrivals at a time; this bound catches a loop.
    const std::uint64_t kMaxReferrals = 1000000;
    auto pending = [&](double day) {
      int k = 0;
      for (const auto& e : history.patients()) k += tite_pending(e, day, W) ? 1 : 0;
      return k;
    };
    while (!dec.stop) {
      if (dec.suspend) {
        double next_event = std::numeric_limits<double>::infinity();
        for (const auto& e : history.patients())
          if (tite_pending(e, t, W)) next_event = std::min(next_event, tite_resolution_day(e, W));
        if (!std::isfinite(next_event)) throw std::logic_error("design suspended accrual with no outcome pending");
        const int before = pending(t);
        double u = std::max(t, next_event);
        // enrolled + onset can round below the day the design's own test
        // (follow-up >= onset) sees it: step on until an outcome resolves.
        for (int k = 0; pending(u) >= before; ++k) {
          if (k > 64) throw std::logic_error("accrual suspension does not resolve");
          u = std::nextafter(u, std::numeric_limits<double>::infinity());
        }
        t = u;
        dec = run->next(history, t);
        continue;
      }
      if (dec.refer) {
        // Keyed by the referral count, so referrals move no enrolled patient's draws.
        if (process_.poisson) {
          core::RngStream rng(process_.seed, 0, core::StreamKind::kReferral, static_cast<std::uint64_t>(trial),
                              static_cast<std::uint64_t>(referred));
          t += -times_.gap_days * std::log(rng.uniform());
        } else {
          t += times_.gap_days;
        }
        if (++referred > kMaxReferrals) throw std::logic_error("design referred too many arrivals away");
        dec = run->next(history, t);
        continue;
      }
      check(dec);
      int replaced = 0;
      for (int j = 0; j < dec.cohort_size;) {
        const std::int64_t index = enrolled++;
        const bool ok = enrol_one(trial, index, dec.dose, cohort, t, replaced < dec.cohort_size, ws, row, p,
                                  patients, timecourses, history);
        t += arrival_gap(trial, index);
        if (!ok) {
          ++replaced;
          continue;
        }
        ++j;
      }
      history.end_cohort();
      ++cohort;
      dec = run->next(history, t);
    }
    // Every treated patient completes the window before the final selection.
    for (const auto& e : history.patients()) end_day = std::max(end_day, e.enrolled_day + W);
    row.duration_measured = true;
  }
  if (process_.poisson) row.duration_measured = true;
  const DoseCounts& data = history.counts();
  row.trial = trial;
  row.selected_dose = run->select(history, end_day);
  row.duration_days = end_day;
  row.n_patients = data.total_patients;
  row.n_cohorts = data.cohorts;
  row.n_dlts = 0;
  for (int x : data.dlt) row.n_dlts += x;
  row.n_per_dose = data.n;
  row.dlt_per_dose = data.dlt;
}

void DesignRunner::run_block(std::int64_t first, std::int64_t count, ResultBlock& out) {
  out.clear();
  const auto n = static_cast<std::size_t>(count);
  out.trials.resize(n);
  if (block_patients_.size() < n) block_patients_.resize(n);
  if (block_timecourses_.size() < n) block_timecourses_.resize(n);
  const bool finished = detail::parallel_for_lowest_error(count, threads_, 16, stop_, [&](std::int64_t i, int tid) {
    const auto k = static_cast<std::size_t>(i);
    const auto t = static_cast<std::size_t>(tid);
    run_trial(first + i, *workspaces_[t], out.trials[k], block_patients_[k], block_timecourses_[k],
              design_workspaces_[t].get(), &histories_[t]);
  });
  if (!finished) throw Interrupted("interrupted during trials " + std::to_string(first) + "-" +
                                        std::to_string(first + count - 1) + " of design '" + name_ + "'");
  if (!keep_patients_) return;
  std::size_t n_patients = 0, n_values = 0;
  for (std::size_t i = 0; i < n; ++i) {
    n_patients += block_patients_[i].size();
    n_values += block_timecourses_[i].size();
  }
  out.patients.reserve(n_patients);
  if (gather_timecourses_) out.timecourses.reserve(n_values);
  for (std::size_t i = 0; i < n; ++i) {
    for (auto& p : block_patients_[i]) out.patients.push_back(std::move(p));
    if (gather_timecourses_)
      out.timecourses.insert(out.timecourses.end(), block_timecourses_[i].begin(), block_timecourses_[i].end());
  }
}

}  // namespace twinsim::trial
