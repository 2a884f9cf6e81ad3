// Identity of a virtual patient: the key of all its random streams.
#pragma once

#include <cstdint>

namespace twinsim::vp {

// Patient k of replicate trial r. Designs compared in one scenario enrol the
// same (trial, patient) pairs, so they see the same virtual patients.
struct PatientId {
  std::uint64_t trial = 0;
  std::uint64_t patient = 0;
};

}  // namespace twinsim::vp
