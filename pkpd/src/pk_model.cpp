#include "twinsim/pkpd/pk_model.hpp"

#include <stdexcept>

#include "twinsim/pkpd/registry.hpp"

namespace twinsim::pkpd {

const char* to_string(Absorption a) {
  switch (a) {
    case Absorption::kNone: return "none";
    case Absorption::kFirstOrder: return "first_order";
    case Absorption::kZeroOrder: return "zero_order";
    case Absorption::kTransit: return "transit";
  }
  return "?";
}

const char* to_string(Elimination e) {
  return e == Elimination::kLinear ? "linear" : "michaelis_menten";
}

const char* to_string(Route r) {
  switch (r) {
    case Route::kOral: return "oral";
    case Route::kIvBolus: return "iv_bolus";
    case Route::kIvInfusion: return "iv_infusion";
  }
  return "?";
}

PkModel::PkModel(int compartments, Absorption absorption, Elimination elimination)
    : compartments_(compartments), absorption_(absorption), elimination_(elimination) {
  const DispositionEntry* entry = registry().disposition_by_compartments(compartments);
  if (!entry) throw std::invalid_argument("no disposition model with " + std::to_string(compartments) + " compartments");
  disposition_name_ = entry->name;
  disposition_ = entry->make();
  params_ = disposition_->parameters();
  n_disposition_params_ = static_cast<int>(params_.size());
  if (elimination == Elimination::kMichaelisMenten) {
    // VMAX and KM take the place of CL (the disposition's first parameter).
    params_.erase(params_.begin());
    --n_disposition_params_;
    params_.push_back({"VMAX", "mg/h", "maximum elimination rate", core::Range::positive()});
    params_.push_back({"KM", "mg/L", "concentration at half-maximal elimination rate", core::Range::positive()});
  }
  switch (absorption) {
    case Absorption::kNone: break;
    case Absorption::kFirstOrder:
      params_.push_back({"KA", "1/h", "first-order absorption rate constant", core::Range::positive()});
      break;
    case Absorption::kZeroOrder:
      params_.push_back({"D1", "h", "duration of zero-order absorption into the central compartment", core::Range::positive()});
      break;
    case Absorption::kTransit:
      params_.push_back({"NTR", "-", "number of transit compartments", core::Range::closed(1, kMaxTransit),
                         std::numeric_limits<double>::quiet_NaN(), true});
      params_.push_back({"MTT_ABS", "h", "mean transit time; KTR = (NTR + 1) / MTT_ABS", core::Range::positive()});
      params_.push_back({"KA", "1/h", "absorption rate constant from the depot", core::Range::positive()});
      break;
  }
  params_.push_back({"F", "-", "bioavailable fraction of each dose", core::Range::non_negative(), 1.0});
  params_.push_back({"TLAG", "h", "lag time of each dose", core::Range::non_negative(), 0.0});
}

bool PkModel::accepts(Route route) const {
  return route != Route::kOral || absorption_ != Absorption::kNone;
}

std::vector<std::string> PkModel::state_names(int n_transit) const {
  std::vector<std::string> names;
  for (int i = 1; i <= n_transit; ++i) names.push_back("TR" + std::to_string(i));
  if (absorption_ == Absorption::kFirstOrder || absorption_ == Absorption::kTransit) names.push_back("DEPOT");
  names.push_back("CENT");
  for (int i = 1; i < compartments_; ++i) names.push_back("PERI" + std::to_string(i));
  names.push_back("AUC");
  return names;
}

std::string PkModel::equations() const {
  std::string eq = disposition_->equations();
  if (elimination_ == Elimination::kMichaelisMenten)
    eq += "\nelimination: CL*C replaced by VMAX*C/(KM + C)";
  switch (absorption_) {
    case Absorption::kNone: break;
    case Absorption::kFirstOrder: eq += "\ndDEPOT/dt = -KA*DEPOT; input to A1 = KA*DEPOT"; break;
    case Absorption::kZeroOrder: eq += "\noral dose enters A1 at rate F*AMT/D1 for D1 hours"; break;
    case Absorption::kTransit:
      eq += "\nKTR = (NTR+1)/MTT_ABS; dTR1/dt = -KTR*TR1; dTRi/dt = KTR*(TR(i-1) - TRi)"
            "\ndDEPOT/dt = KTR*TR(NTR) - KA*DEPOT; input to A1 = KA*DEPOT";
      break;
  }
  eq += "\ndAUC/dt = C";
  return eq;
}

PkSystem PkModel::compile(const std::vector<double>& v) const {
  if (v.size() != params_.size()) throw std::invalid_argument("PkModel::compile: wrong number of values");
  PkSystem s;
  // Disposition values in the disposition's own order; under Michaelis-Menten
  // its CL slot is a placeholder and k10 is zeroed below.
  double disp[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  const int offset = elimination_ == Elimination::kMichaelisMenten ? 1 : 0;
  for (int i = 0; i < n_disposition_params_; ++i) disp[i + offset] = v[static_cast<std::size_t>(i)];
  if (offset) disp[0] = 1.0;
  MicroConstants m = disposition_->micro_constants(disp);
  std::size_t k = static_cast<std::size_t>(n_disposition_params_);
  if (elimination_ == Elimination::kMichaelisMenten) {
    s.michaelis_menten = true;
    s.vmax = v[k++];
    s.km = v[k++];
    m.k10 = 0.0;
  }
  double ka = 0.0, ktr = 0.0;
  switch (absorption_) {
    case Absorption::kNone: break;
    case Absorption::kFirstOrder: ka = v[k++]; break;
    case Absorption::kZeroOrder: s.d1 = v[k++]; break;
    case Absorption::kTransit: {
      s.n_transit = static_cast<int>(v[k++]);
      const double mtt = v[k++];
      ka = v[k++];
      ktr = (s.n_transit + 1) / mtt;
      break;
    }
  }
  s.f = v[k++];
  s.tlag = v[k++];

  int idx = 0;
  if (s.n_transit > 0) {
    s.idx_first_transit = 0;
    idx = s.n_transit;
  }
  if (absorption_ == Absorption::kFirstOrder || absorption_ == Absorption::kTransit) s.idx_depot = idx++;
  s.idx_central = idx++;
  const int p1 = compartments_ >= 2 ? idx++ : -1;
  const int p2 = compartments_ >= 3 ? idx++ : -1;
  s.idx_auc = idx++;
  s.n_states = idx;
  s.v_central = m.v_central;

  s.A.setZero(s.n_states, s.n_states);
  for (int i = 0; i < s.n_transit; ++i) {
    s.A(i, i) = -ktr;
    const int next = (i + 1 < s.n_transit) ? i + 1 : s.idx_depot;
    s.A(next, i) += ktr;
  }
  const int c = s.idx_central;
  if (s.idx_depot >= 0) {
    s.A(s.idx_depot, s.idx_depot) -= ka;
    s.A(c, s.idx_depot) += ka;
  }
  s.A(c, c) = -(m.k10 + m.k12 + m.k13);
  if (p1 >= 0) {
    s.A(p1, c) = m.k12;
    s.A(c, p1) = m.k21;
    s.A(p1, p1) = -m.k21;
  }
  if (p2 >= 0) {
    s.A(p2, c) = m.k13;
    s.A(c, p2) = m.k31;
    s.A(p2, p2) = -m.k31;
  }
  s.A(s.idx_auc, c) = 1.0 / m.v_central;

  switch (absorption_) {
    case Absorption::kNone:
    case Absorption::kZeroOrder: s.oral_target = c; break;
    case Absorption::kFirstOrder: s.oral_target = s.idx_depot; break;
    case Absorption::kTransit: s.oral_target = s.idx_first_transit; break;
  }
  return s;
}

}  // namespace twinsim::pkpd
