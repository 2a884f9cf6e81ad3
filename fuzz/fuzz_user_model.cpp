// libFuzzer target: arbitrary bytes as a scenario holding user models (see
// fuzz_user_model_inputs.hpp); interpreter only, the C compiler is never run.
#include "fuzz_user_model_inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)twinsim::fuzz::user_model_bytes(data, size);
  return 0;
}
