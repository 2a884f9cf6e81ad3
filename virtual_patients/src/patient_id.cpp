// The population model (covariates, between-subject and inter-occasion
// variability, residual error) lands here; until then every patient is the
// typical patient.
#include "twinsim/vp/patient_id.hpp"
