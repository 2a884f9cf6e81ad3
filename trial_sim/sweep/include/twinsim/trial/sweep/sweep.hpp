// A sweep as sweep/ runs it: the validated SweepSpec of scenario/ (the only
// reader of sweep files), loaded with the sweep's stop poll.
#pragma once

#include <functional>
#include <string>

#include "twinsim/trial/scenario/sweep_spec.hpp"

namespace twinsim::trial {

using Sweep = SweepSpec;

// load_sweep_spec; `stop`, if given, is polled before each variant; when it
// returns true, Interrupted (runner.hpp) is thrown.
Sweep load_sweep_file(const std::string& path, const std::function<bool()>& stop = {});

}  // namespace twinsim::trial
