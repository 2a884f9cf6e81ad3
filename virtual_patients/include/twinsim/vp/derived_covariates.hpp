// Covariates computed from other covariates: body-surface area, body-mass
// index and creatinine clearance. Pure functions; units as in the comments.
#pragma once

namespace twinsim::vp {

// Body-surface area (m^2) by Mosteller, N Engl J Med 1987;317:1098:
// sqrt(HT[cm] * WT[kg] / 3600).
double bsa_mosteller(double weight_kg, double height_cm);

// Body-surface area (m^2) by Du Bois & Du Bois, Arch Intern Med 1916;17:863-71:
// 0.007184 * WT[kg]^0.425 * HT[cm]^0.725.
double bsa_dubois(double weight_kg, double height_cm);

// Body-mass index (kg/m^2): WT[kg] / (HT[cm] / 100)^2.
double bmi(double weight_kg, double height_cm);

// Creatinine clearance (mL/min) by Cockcroft & Gault, Nephron 1976;16:31-41:
// (140 - AGE[y]) * WT[kg] / (72 * SCR[mg/dL]), times 0.85 for women.
double crcl_cockcroft_gault(double age_years, double weight_kg, double serum_creatinine_mg_dl,
                            bool female);

}  // namespace twinsim::vp
