// The population's true dose-toxicity curve in PK/PD mode, estimated from a
// reference cohort simulated at every dose, so "correct selection" can be scored.
//
// Reference patient j is the same virtual patient at every dose (it uses a
// trial id reserved for the reference cohort, kTruthTrial, so it never
// coincides with a trial's patients): the estimated curve is then monotone
// whenever each patient's DLT is monotone in dose.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "twinsim/trial/patient/patient_model.hpp"
#include "twinsim/trial/results/results.hpp"

namespace twinsim::trial {

constexpr std::uint64_t kTruthTrial = std::numeric_limits<std::uint64_t>::max();

// Reference patients whose solve failed are left out under kDlt and kNoDlt
// alike: the curve is the toxicity of the patients the model can describe,
// and what a design counts for a failed patient is a rule of the simulated
// trial, whose cost shows in its PCS against this curve. Under kError the
// first failed patient (lowest dose, then lowest number) stops the estimate
// with PatientSolveError.
// stop: polled before each reference patient, as DesignRunner::set_stop;
// when it returns true the estimate throws Interrupted.
// covariance: also fill TruthCurve::covariance (cov(p_d, p_e) over the
// patients solved at both doses, sum (I_jd - p_d)(I_je - p_e) / (n_d n_e);
// its diagonal is se^2), at the cost of one byte per reference patient and dose.
// efficacy: simulate each reference patient whole (not only its DLT window)
// and fill TruthCurve::response/both: the per-patient response outcome
// (PatientOutcome::response; -1, not evaluable, is left out of those two).
// p stays the DLT rate of all solved reference patients.
TruthCurve estimate_truth(const PatientModel& model, std::size_t n_doses, std::int64_t cohort_size, int threads,
                          SolveFailurePolicy on_failure = SolveFailurePolicy::kNoDlt,
                          const std::function<bool()>& stop = {}, bool covariance = false, bool efficacy = false);

}  // namespace twinsim::trial
