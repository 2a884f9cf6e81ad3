#include "twinsim/core/version.hpp"
namespace twinsim::core {
const char* version() { return TWINSIM_VERSION_STRING; }
}  // namespace twinsim::core
