#include "twinsim/trial/endpoints/recist.hpp"

#include <algorithm>

namespace twinsim::trial {

const char* to_string(Response r) {
  switch (r) {
    case Response::kCR: return "CR";
    case Response::kPR: return "PR";
    case Response::kSD: return "SD";
    case Response::kPD: return "PD";
    case Response::kNotEvaluable: break;
  }
  return "NE";
}

namespace {
// Lower enum value = better response (CR < PR < SD < PD).
bool better_or_equal(Response a, Response b) { return static_cast<int>(a) <= static_cast<int>(b); }
}  // namespace

RecistResult evaluate_recist(double baseline, const std::vector<double>& times, const std::vector<double>& sld,
                             const RecistOptions& opt) {
  RecistResult r;
  double nadir = baseline;
  std::size_t n_before_pd = times.size();
  for (std::size_t i = 0; i < times.size(); ++i) {
    const double s = sld[i];
    Response v;
    if (s - nadir >= 0.2 * nadir && s - nadir >= 5.0) {
      v = Response::kPD;
    } else if (s <= opt.cr_below_mm) {
      v = Response::kCR;
    } else if (s <= 0.7 * baseline) {
      v = Response::kPR;
    } else {
      v = Response::kSD;
    }
    r.per_visit.push_back(v);
    nadir = std::min(nadir, s);
    if (v == Response::kPD) {
      r.progressed = true;
      r.ttp_h = times[i];
      n_before_pd = i;
      break;
    }
  }
  // Best response before progression.
  Response best = r.progressed && n_before_pd == 0 ? Response::kPD : Response::kNotEvaluable;
  for (std::size_t i = 0; i < n_before_pd; ++i) {
    Response v = r.per_visit[i];
    if (opt.confirmation && (v == Response::kCR || v == Response::kPR)) {
      bool confirmed = false;
      for (std::size_t j = i + 1; j < n_before_pd; ++j) {
        if (times[j] - times[i] >= opt.confirmation_min_h && better_or_equal(r.per_visit[j], v) ) {
          confirmed = true;
          break;
        }
      }
      // A CR confirmed only as PR still counts as PR.
      if (!confirmed && v == Response::kCR) {
        for (std::size_t j = i + 1; j < n_before_pd; ++j) {
          if (times[j] - times[i] >= opt.confirmation_min_h && r.per_visit[j] == Response::kPR) {
            v = Response::kPR;
            confirmed = true;
            break;
          }
        }
      }
      if (!confirmed) v = Response::kSD;
    }
    if (best == Response::kNotEvaluable || better_or_equal(v, best)) best = v;
  }
  if (best == Response::kNotEvaluable && r.progressed) best = Response::kPD;
  r.best = best;
  r.objective_response = best == Response::kCR || best == Response::kPR;
  return r;
}

}  // namespace twinsim::trial
