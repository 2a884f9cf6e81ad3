// Exposure per arm (exposure_oc.hpp): ratio estimators over trials.
#include "twinsim/trial/results/exposure_oc.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "twinsim/trial/results/oc_report.hpp"
#include "twinsim/trial/results/table_names.hpp"

namespace twinsim::trial {

const std::vector<ExposureMetric>& exposure_metrics() {
  // anc_nadir is the neutropenia endpoint's column: results/ may not see
  // endpoints/, and the name is part of the file format anyway.
  static const std::vector<ExposureMetric> m = {
      {schema::col::kCmax, "Cmax", "mg/L"},
      {schema::col::kAucFirst, "AUC first interval", "mg*h/L"},
      {schema::col::kCtrough, "trough before last dose", "mg/L"},
      {schema::col::kAucTotal, "AUC total", "mg*h/L"},
      {"anc_nadir", "ANC nadir", "10^9/L"},
  };
  return m;
}

void RatioSums::add(long double A, std::int64_t N) {
  const auto n_ = static_cast<long double>(N);
  a += A;
  aa += A * A;
  n += n_;
  nn += n_ * n_;
  an += A * n_;
}

void RatioCrossSums::add(long double A, std::int64_t N, long double B, std::int64_t M) {
  const auto n_ = static_cast<long double>(N), m_ = static_cast<long double>(M);
  ab += A * B;
  am += A * m_;
  nb += n_ * B;
  nm += n_ * m_;
}

void ExposureTrial::reset(std::size_t metrics, std::size_t doses) {
  const std::size_t k = metrics * (doses + 1);
  sum.assign(k, 0.0);
  log_sum.assign(k, 0.0);
  count.assign(k, 0);
  nonpositive.assign(k, 0);
}

void ExposureTrial::add(std::size_t m, std::size_t d, std::size_t doses, double v) {
  if (!std::isfinite(v)) return;
  for (const std::size_t c : {m * (doses + 1) + d, m * (doses + 1) + doses}) {
    sum[c] += v;
    ++count[c];
    if (v > 0)
      log_sum[c] += std::log(v);
    else
      ++nonpositive[c];
  }
}

void ExposureSums::init(std::vector<std::size_t> metric_indices, std::size_t n_doses) {
  metrics = std::move(metric_indices);
  doses = n_doses;
  trials = 0;
  cells.assign(metrics.size() * (doses + 1), ExposureCellSums{});
}

void ExposureSums::add(const ExposureTrial& t) {
  ++trials;
  for (std::size_t c = 0; c < cells.size(); ++c) {
    ExposureCellSums& s = cells[c];
    s.linear.add(t.sum[c], t.count[c]);
    // Log values exist only for positive ones: a cell with any other has no
    // geometric mean, so its log sums are never used.
    s.log.add(t.log_sum[c], t.count[c]);
    s.patients += t.count[c];
    s.nonpositive += t.nonpositive[c];
  }
}

ExposurePairSums::ExposurePairSums(std::string reference_key, const ExposureSums& a, const ExposureSums& b)
    : reference(std::move(reference_key)) {
  for (std::size_t i = 0; i < a.metrics.size(); ++i)
    for (std::size_t j = 0; j < b.metrics.size(); ++j)
      if (a.metrics[i] == b.metrics[j]) metrics.push_back({a.metrics[i], i, j, {}, {}});
}

void ExposurePairSums::add(const ExposureTrial& a, std::size_t doses_a, const ExposureTrial& b, std::size_t doses_b) {
  for (auto& m : metrics) {
    const std::size_t ca = m.row_a * (doses_a + 1) + doses_a, cb = m.row_b * (doses_b + 1) + doses_b;
    m.linear.add(a.sum[ca], a.count[ca], b.sum[cb], b.count[cb]);
    m.log.add(a.log_sum[ca], a.count[ca], b.log_sum[cb], b.count[cb]);
  }
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Σ (A_r − m N_r)² over trials.
long double residual_ss(const RatioSums& s, long double m) { return s.aa - 2 * m * s.an + m * m * s.nn; }

// Σ (A_r − ma N_r)(B_r − mb M_r).
long double residual_cross(const RatioCrossSums& x, long double ma, long double mb) {
  return x.ab - mb * x.am - ma * x.nb + ma * mb * x.nm;
}

Estimate ratio_estimate(const RatioSums& s, std::int64_t R) {
  Estimate e;
  if (R < 1 || s.n <= 0) return e;
  const long double m = s.a / s.n;
  e.value = static_cast<double>(m);
  if (R >= 2) {
    const long double nbar = s.n / R;
    const long double ss = std::max<long double>(0, residual_ss(s, m));
    e.se = static_cast<double>(std::sqrt(ss / (static_cast<long double>(R) * (R - 1))) / nbar);
  }
  return e;
}

// Mean of a's ratio minus b's over the same R trials, paired trial by trial.
Estimate paired_ratio_difference(const RatioSums& a, const RatioSums& b, const RatioCrossSums& x, std::int64_t R) {
  Estimate e;
  if (R < 1 || a.n <= 0 || b.n <= 0) return e;
  const long double ma = a.a / a.n, mb = b.a / b.n;
  e.value = static_cast<double>(ma - mb);
  if (R >= 2) {
    const long double na = a.n / R, nb = b.n / R;
    const long double ss = residual_ss(a, ma) / (na * na) + residual_ss(b, mb) / (nb * nb) -
                           2 * residual_cross(x, ma, mb) / (na * nb);
    e.se = static_cast<double>(std::sqrt(std::max<long double>(0, ss) / (static_cast<long double>(R) * (R - 1))));
  }
  return e;
}

Estimate exp_of(const Estimate& log_e) {
  if (!log_e.available()) return {};
  const double g = std::exp(log_e.value);
  return {g, std::isfinite(log_e.se) ? g * log_e.se : kNaN};  // delta method
}

}  // namespace

void summarise_exposure(DesignExposure& e) {
  e.rows.clear();
  const ExposureSums& s = e.sums;
  for (std::size_t m = 0; m < s.metrics.size(); ++m) {
    std::size_t used = 0;
    for (std::size_t d = 0; d < s.doses; ++d) used += s.cells[m * (s.doses + 1) + d].patients > 0 ? 1 : 0;
    for (std::size_t d = 0; d <= s.doses; ++d) {
      const ExposureCellSums& c = s.cells[m * (s.doses + 1) + d];
      const bool all = d == s.doses;
      if (c.patients == 0 || (all && used < 2)) continue;
      ExposureOc r;
      r.metric = s.metrics[m];
      r.dose_index = all ? -1 : static_cast<int>(d);
      r.patients = c.patients;
      r.mean = ratio_estimate(c.linear, s.trials);
      if (c.nonpositive == 0) {
        r.log_mean = ratio_estimate(c.log, s.trials);
        r.geometric_mean = exp_of(r.log_mean);
      }
      e.rows.push_back(r);
    }
  }
}

const ExposureOc* DesignExposure::overall(std::size_t metric) const {
  // summarise_exposure writes an all-doses row only when more than one dose
  // level was used; with one, that dose's row is the whole design.
  const ExposureOc* dose_row = nullptr;
  int dose_rows = 0;
  for (const auto& r : rows) {
    if (r.metric != metric) continue;
    if (r.dose_index < 0) return &r;
    dose_row = &r;
    ++dose_rows;
  }
  return dose_rows == 1 ? dose_row : nullptr;
}

std::vector<ExposureDifference> exposure_differences(const DesignExposure& a, const DesignExposure& b,
                                                     const ExposurePairSums* pair) {
  std::vector<ExposureDifference> out;
  auto cell = [](const ExposureSums& s, std::size_t row) -> const ExposureCellSums& {
    return s.cells[row * (s.doses + 1) + s.doses];
  };
  for (std::size_t i = 0; i < a.sums.metrics.size(); ++i) {
    const std::size_t metric = a.sums.metrics[i];
    const ExposureOc *ra = a.overall(metric), *rb = b.overall(metric);
    if (!ra || !rb) continue;
    ExposureDifference d;
    d.metric = metric;
    const ExposurePairSums::Metric* pm = nullptr;
    if (pair)
      for (const auto& m : pair->metrics)
        if (m.metric == metric) pm = &m;
    if (pm && a.sums.trials == b.sums.trials) {
      const ExposureCellSums &ca = cell(a.sums, pm->row_a), &cb = cell(b.sums, pm->row_b);
      d.mean_difference = paired_ratio_difference(ca.linear, cb.linear, pm->linear, a.sums.trials);
      if (ra->log_mean.available() && rb->log_mean.available())
        d.gmr = exp_of(paired_ratio_difference(ca.log, cb.log, pm->log, a.sums.trials));
    } else {
      d.mean_difference = unpaired_difference(ra->mean, rb->mean);
      if (ra->log_mean.available() && rb->log_mean.available())
        d.gmr = exp_of(unpaired_difference(ra->log_mean, rb->log_mean));
    }
    out.push_back(d);
  }
  return out;
}

std::vector<DesignExposure> sum_exposure_in_lockstep(const std::vector<ExposureStream*>& streams,
                                                     const std::vector<std::size_t>& doses,
                                                     const std::string& reference_key) {
  if (doses.size() != streams.size()) throw std::logic_error("sum_exposure_in_lockstep: one dose count per stream");
  std::vector<DesignExposure> out(streams.size());
  if (streams.empty()) return out;
  for (std::size_t k = 0; k < streams.size(); ++k) out[k].sums.init(streams[k]->metrics(), doses[k]);
  for (std::size_t k = 1; k < streams.size(); ++k)
    if (streams[k]->trials() == streams[0]->trials()) out[k].with_reference.emplace(reference_key, out[k].sums, out[0].sums);
  std::int64_t most = 0;
  for (const auto* s : streams) most = std::max(most, s->trials());
  for (std::int64_t r = 0; r < most; ++r) {
    const ExposureTrial* ref = nullptr;
    for (std::size_t k = 0; k < streams.size(); ++k) {
      if (r >= streams[k]->trials()) continue;
      const ExposureTrial& t = streams[k]->next();
      out[k].sums.add(t);
      if (k == 0)
        ref = &t;
      else if (out[k].with_reference && ref)
        out[k].with_reference->add(t, doses[k], *ref, doses[0]);
    }
  }
  for (auto* s : streams) s->finish();
  for (auto& e : out) summarise_exposure(e);
  return out;
}

}  // namespace twinsim::trial
