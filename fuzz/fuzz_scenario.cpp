// libFuzzer target: arbitrary bytes as a scenario file (see fuzz_inputs.hpp).
#include <cstdlib>

#include "fuzz_inputs.hpp"

// Scenarios with model.ode or type: ode entries are built by the loader; a
// fuzzer must not spawn the C compiler for every mutated model, so they run
// on the interpreter (the same instruction lists, docs/user-models.md).
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  setenv("TWINSIM_NO_COMPILE", "1", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)twinsim::fuzz::scenario_bytes(data, size);
  return 0;
}
