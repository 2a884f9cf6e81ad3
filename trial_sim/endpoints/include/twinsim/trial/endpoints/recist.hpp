// RECIST 1.1 response of target lesions from the sum of longest diameters (SLD,
// mm) at scheduled assessments (Eisenhauer et al. 2009, Eur J Cancer 45:228):
//   CR: SLD <= cr_below_mm (disappearance; 0 by default)
//   PR: >= 30 % decrease from the baseline SLD
//   PD: >= 20 % increase from the smallest SLD so far (baseline included) and
//       >= 5 mm absolute increase
//   SD: neither
// Best overall response is the best assessment before progression; with
// confirmation, CR/PR count only if a later assessment at least
// confirmation_min_h later shows the same or better response (an unconfirmed
// CR/PR counts as SD).
#pragma once

#include <limits>
#include <vector>

namespace twinsim::trial {

enum class Response : int { kNotEvaluable = 0, kCR = 1, kPR = 2, kSD = 3, kPD = 4 };
const char* to_string(Response r);

struct RecistOptions {
  bool confirmation = false;
  double confirmation_min_h = 672.0;  // 4 weeks
  double cr_below_mm = 0.0;
};

struct RecistResult {
  std::vector<Response> per_visit;  // one per assessment
  Response best = Response::kNotEvaluable;
  bool objective_response = false;  // best is CR or PR
  bool progressed = false;
  double ttp_h = std::numeric_limits<double>::quiet_NaN();  // time of first PD
};

// times: assessment times (h, ascending, after baseline); sld: SLD at those times.
RecistResult evaluate_recist(double baseline_sld, const std::vector<double>& times,
                             const std::vector<double>& sld, const RecistOptions& opt);

}  // namespace twinsim::trial
