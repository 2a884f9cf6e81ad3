// libFuzzer target: arbitrary bytes as a scenario file (see fuzz_inputs.hpp).
#include "fuzz_inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)twinsim::fuzz::scenario_bytes(data, size);
  return 0;
}
