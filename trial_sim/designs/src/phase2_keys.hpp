// Keys and construction shared by the response-driven single-dose designs
// (simon_two_stage, bop2).
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "twinsim/trial/designs/designs.hpp"

namespace twinsim::trial::detail {

struct ResponseRates {
  double p0 = 0.0, p1 = 0.0;  // p1 > p0
  int dose_index = 0;
};

// p0 and p1 in (0, 1) with p1 > p0, and `dose` (a dose level; optional with
// one dose level). nullopt after a diagnostic.
std::optional<ResponseRates> read_response_rates(core::MapReader& r, const DesignContext& ctx);

// The design built from valid keys; its constructor's refusal
// (std::invalid_argument "type: message", e.g. no design meets alpha) becomes
// a diagnostic at the design's entry.
template <class D, class Options>
std::unique_ptr<Design> make_or_report(core::MapReader& r, const Options& o, std::size_t n_doses) {
  try {
    return std::make_unique<D>(o, n_doses);
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    r.diagnostics().error(r.node().mark(), r.node().path(), what.substr(what.find(": ") + 2));
    return nullptr;
  }
}

}  // namespace twinsim::trial::detail
