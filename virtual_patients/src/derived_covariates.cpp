#include "twinsim/vp/derived_covariates.hpp"

#include <cmath>

namespace twinsim::vp {

double bsa_mosteller(double weight_kg, double height_cm) {
  return std::sqrt(height_cm * weight_kg / 3600.0);
}

double bsa_dubois(double weight_kg, double height_cm) {
  return 0.007184 * std::pow(weight_kg, 0.425) * std::pow(height_cm, 0.725);
}

double bmi(double weight_kg, double height_cm) {
  const double m = height_cm / 100.0;
  return weight_kg / (m * m);
}

double crcl_cockcroft_gault(double age_years, double weight_kg, double serum_creatinine_mg_dl,
                            bool female) {
  const double male = (140.0 - age_years) * weight_kg / (72.0 * serum_creatinine_mg_dl);
  return female ? 0.85 * male : male;
}

}  // namespace twinsim::vp
