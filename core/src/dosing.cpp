#include "twinsim/core/dosing.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace twinsim::core {

namespace {
void check(const DoseEvent& e) {
  auto bad = [](const char* what) { throw std::invalid_argument(std::string("dose record: ") + what); };
  if (!std::isfinite(e.time) || e.time < 0) bad("time must be finite and >= 0");
  if (!std::isfinite(e.amount) || e.amount < 0) bad("amount must be finite and >= 0");
  if (e.cmt < 0) bad("compartment index must be >= 0");
  if (!std::isfinite(e.rate) || e.rate < 0) bad("rate must be >= 0");
  if (!std::isfinite(e.duration) || e.duration < 0) bad("duration must be >= 0");
  if (e.rate > 0 && e.duration > 0) bad("give rate or duration, not both");
  if (e.addl < 0) bad("addl must be >= 0");
  if (e.addl > 0 && !(e.ii > 0)) bad("addl needs ii > 0");
  if (!std::isfinite(e.lag) || e.lag < 0) bad("lag must be >= 0");
  if (!std::isfinite(e.f) || e.f < 0) bad("f must be >= 0");
}
}  // namespace

std::vector<InputAction> expand_doses(const std::vector<DoseEvent>& events) {
  std::vector<InputAction> out;
  for (const auto& e : events) {
    check(e);
    const double amount = e.f * e.amount;
    for (int k = 0; k <= e.addl; ++k) {
      const double t = e.time + k * e.ii + e.lag;
      if (e.rate > 0 || e.duration > 0) {
        const double rate = e.rate > 0 ? e.rate : amount / e.duration;
        const double dur = e.rate > 0 ? amount / e.rate : e.duration;
        if (amount <= 0) continue;
        out.push_back({t, e.cmt, 0.0, rate});
        out.push_back({t + dur, e.cmt, 0.0, -rate});
      } else {
        out.push_back({t, e.cmt, amount, 0.0});
      }
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const InputAction& a, const InputAction& b) { return a.time < b.time; });
  return out;
}

std::vector<double> breakpoints(const std::vector<InputAction>& actions) {
  std::vector<double> t;
  t.reserve(actions.size());
  for (const auto& a : actions) t.push_back(a.time);
  std::sort(t.begin(), t.end());
  t.erase(std::unique(t.begin(), t.end()), t.end());
  return t;
}

}  // namespace twinsim::core
