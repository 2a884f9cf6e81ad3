// PatientId is a plain aggregate (include/twinsim/vp/patient_id.hpp); this file
// only checks that the header compiles on its own.
#include "twinsim/vp/patient_id.hpp"
