// Built-in PD models (declarations; one .cpp per family in src/models/pd_*.cpp).
#pragma once

#include "twinsim/pkpd/pd_model.hpp"

namespace twinsim::pkpd {

#define TWINSIM_PD_COMMON                                   \
  std::vector<ParamSpec> parameters() const override;       \
  std::vector<StateSpec> states() const override;           \
  StateSpec output() const override;                        \
  std::string equations() const override;                   \
  double value(const double* p, double c, const double* y) const override; \
  void value_gradient(const double* p, double c, const double* y, double* dvdy, double* dvdc) const override;

#define TWINSIM_PD_DYNAMIC                                                                   \
  void initial(const double* p, double* y) const override;                                   \
  void rhs(const double* p, double t, double c, const double* y, double* dy) const override; \
  void jacobian(const double* p, double t, double c, const double* y, double* dfdy, int ld,  \
                double* dfdc) const override;

class EmaxEffect final : public PdModel {
 public:
  TWINSIM_PD_COMMON
};
class LinearEffect final : public PdModel {
 public:
  TWINSIM_PD_COMMON
};
class LogLinearEffect final : public PdModel {
 public:
  TWINSIM_PD_COMMON
};
class EffectCompartment final : public PdModel {
 public:
  TWINSIM_PD_COMMON
  TWINSIM_PD_DYNAMIC
  bool is_effect_compartment() const override { return true; }
};
class IndirectResponse final : public PdModel {
 public:
  explicit IndirectResponse(int type);  // Jusko type 1..4
  TWINSIM_PD_COMMON
  TWINSIM_PD_DYNAMIC
 private:
  int type_;
};
class Friberg final : public PdModel {
 public:
  explicit Friberg(bool emax);
  TWINSIM_PD_COMMON
  TWINSIM_PD_DYNAMIC
 private:
  void drug(const double* p, double c, double& e, double& de) const;
  bool emax_;
};
class Claret final : public PdModel {
 public:
  TWINSIM_PD_COMMON
  TWINSIM_PD_DYNAMIC
};
class Simeoni final : public PdModel {
 public:
  TWINSIM_PD_COMMON
  TWINSIM_PD_DYNAMIC
};

#undef TWINSIM_PD_COMMON
#undef TWINSIM_PD_DYNAMIC

}  // namespace twinsim::pkpd
