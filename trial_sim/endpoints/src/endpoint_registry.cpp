// The endpoint registry: one line per built-in endpoint, in column order.
#include "twinsim/trial/endpoints/builtin_endpoints.hpp"

namespace twinsim::trial {

namespace {
std::vector<EndpointType>& registry() {
  static std::vector<EndpointType> types = {
      neutropenia_endpoint_type(),
      recist_endpoint_type(),
      exposure_endpoint_type(),
  };
  return types;
}
}  // namespace

const std::vector<EndpointType>& endpoint_types() { return registry(); }

void register_endpoint(EndpointType type) {
  for (auto& t : registry()) {
    if (t.name == type.name) {
      t = std::move(type);
      return;
    }
  }
  registry().push_back(std::move(type));
}

}  // namespace twinsim::trial
