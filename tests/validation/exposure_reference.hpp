// Independent references for the exposure metrics (issue 13), written for the
// tests and sharing nothing with the production code path:
//  - linear PK: the ODE matrix is written out here from the NONMEM-style
//    parameters; the state is propagated from input change to input change by
//    Eigen's (unsupported) MatrixFunctions exp() of the augmented system
//    [[A, r], [0, 0]]; every window is scanned on a grid of at most 0.005 h
//    (one exp per step length) and the best grid point refined by Brent's
//    minimiser (golden section + parabolic interpolation, Boost.Math), each
//    evaluation a fresh exp() from the start of its piece; crossings of a
//    threshold are bisected (Boost.Math bisect) on exact evaluations;
//  - Michaelis-Menten: Boost.Odeint's Dormand-Prince 5(4) at rtol/atol 1e-12,
//    restarted at every input change, the same scan and refinement.
// The scenario given to twinsim is generated from the same description.
#pragma once

#include <unsupported/Eigen/MatrixFunctions>

#include <boost/math/tools/minima.hpp>
#include <boost/math/tools/roots.hpp>
#include <boost/numeric/odeint.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace exposure_ref {

struct Case {
  int compartments = 1;
  std::string absorption = "none";  // none | first_order | transit
  std::string route = "iv_bolus";   // iv_bolus | iv_infusion | oral
  double cl = 10, v1 = 50, q = 0, v2 = 0, q3 = 0, v3 = 0, ka = 0, tlag = 0;
  int ntr = 0;
  double mtt = 0;
  double vmax = 0, km = 0;  // > 0: Michaelis-Menten elimination instead of CL
  double tinf = 0;          // h, iv_infusion
  double dose = 100;        // mg
  double interval = 24;
  int doses_per_cycle = 1;
  double cycle = 24;
  int cycles = 1;
  double threshold = 0;     // mg/L, > 0 adds endpoints.exposure
  double grid = 1;
  bool friberg = false;     // add a Friberg PD block (hybrid engine)

  bool mm() const { return vmax > 0; }
  double end() const { return cycle * cycles; }
  std::vector<double> dose_times() const {
    std::vector<double> t;
    for (int c = 0; c < cycles; ++c)
      for (int j = 0; j < doses_per_cycle; ++j) t.push_back(c * cycle + j * interval);
    return t;
  }

  std::string yaml() const {
    std::ostringstream y;
    y.precision(17);
    y << "name: exposure-reference\nseed: 1\nreplicates: 1\ndose_levels: [" << dose << "]\nmodel:\n  pk:\n"
      << "    compartments: " << compartments << "\n    absorption: " << absorption << "\n"
      << "    elimination: " << (mm() ? "michaelis_menten" : "linear") << "\n    parameters: {";
    if (mm()) y << "VMAX: " << vmax << ", KM: " << km;
    else y << "CL: " << cl;
    y << (compartments == 1 ? ", V: " : ", V1: ") << v1;
    if (compartments >= 2) y << ", Q: " << q << ", V2: " << v2;
    if (compartments >= 3) y << ", Q3: " << q3 << ", V3: " << v3;
    if (absorption == "first_order") y << ", KA: " << ka;
    if (absorption == "transit") y << ", NTR: " << ntr << ", MTT_ABS: " << mtt << ", KA: " << ka;
    y << ", TLAG: " << tlag << "}\n";
    if (friberg) y << "  pd:\n    - type: friberg\n      parameters: {CIRC0: 5.0, MTT: 125, GAMMA: 0.17, SLOPE: 0.03}\n";
    y << "regimen: {route: " << route << ", interval_h: " << interval << ", doses_per_cycle: " << doses_per_cycle
      << ", cycle_length_h: " << cycle << ", cycles: " << cycles;
    if (route == "iv_infusion") y << ", infusion_duration_h: " << tinf;
    y << "}\n";
    if (threshold > 0) y << "endpoints:\n  exposure: {threshold_mg_l: " << threshold << "}\n";
    y << "output: {grid_h: " << grid << "}\ndesigns:\n  - {name: arm, type: fixed, dose: " << dose
      << ", patients: 1}\n";
    return y.str();
  }
};

struct Window {
  double cmax = 0, tmax = 0, cmin = 0, auc = 0, above = 0;
};

// States: [TR1..TRn] [DEPOT] CENT [PERI1 [PERI2]] AUC.
class Reference {
 public:
  explicit Reference(const Case& c) : c_(c) {
    const int n_abs = c.absorption == "transit" ? c.ntr + 1 : c.absorption == "first_order" ? 1 : 0;
    cent_ = n_abs;
    n_ = n_abs + c.compartments + 1;
    auc_ = n_ - 1;
    A_ = Eigen::MatrixXd::Zero(n_, n_);
    const double ktr = c.ntr > 0 ? (c.ntr + 1) / c.mtt : 0;
    for (int i = 0; i < c.ntr; ++i) {  // transit chain into the depot
      A_(i, i) -= ktr;
      A_(i + 1, i) += ktr;
    }
    if (n_abs > 0) {
      A_(cent_ - 1, cent_ - 1) -= c.ka;
      A_(cent_, cent_ - 1) += c.ka;
    }
    const double k10 = c.mm() ? 0 : c.cl / c.v1;
    A_(cent_, cent_) -= k10;
    if (c.compartments >= 2) add_peripheral(cent_ + 1, c.q, c.v2);
    if (c.compartments >= 3) add_peripheral(cent_ + 2, c.q3, c.v3);
    A_(auc_, cent_) = 1 / c.v1;
    build_pieces();
  }

  // Exposure over [s, e]: the value at s after its inputs, at e before them.
  Window window(double s, double e, double threshold) const {
    Window w;
    w.cmax = -1;
    w.cmin = std::numeric_limits<double>::infinity();
    for (std::size_t k = 0; k < pieces_.size(); ++k) {
      const double a = std::max(s, pieces_[k].t0), b = std::min(e, piece_end(k));
      if (!(b > a)) continue;
      scan(k, a, b, threshold, w);
    }
    w.auc = state_at(e, true)[auc_] - state_at(s, false)[auc_];
    return w;
  }
  // Cc just before the inputs at t.
  double conc_before(double t) const { return state_at(t, true)[cent_] / c_.v1; }

 private:
  struct Piece {
    double t0;
    Eigen::VectorXd x0;  // after the inputs at t0
    Eigen::VectorXd rate;
  };

  void add_peripheral(int p, double q, double v) {
    A_(cent_, cent_) -= q / c_.v1;
    A_(p, cent_) += q / c_.v1;
    A_(cent_, p) += q / v;
    A_(p, p) -= q / v;
  }

  void build_pieces() {
    struct Change { double t; int cmt; double bolus, rate; };
    std::vector<Change> ch;
    for (double td : c_.dose_times()) {
      const double t = td + c_.tlag;
      if (c_.route == "oral") ch.push_back({t, 0, c_.dose, 0});
      else if (c_.route == "iv_bolus") ch.push_back({t, cent_, c_.dose, 0});
      else {
        ch.push_back({t, cent_, 0, c_.dose / c_.tinf});
        ch.push_back({t + c_.tinf, cent_, 0, -c_.dose / c_.tinf});
      }
    }
    std::sort(ch.begin(), ch.end(), [](const Change& a, const Change& b) { return a.t < b.t; });
    Eigen::VectorXd x = Eigen::VectorXd::Zero(n_), r = Eigen::VectorXd::Zero(n_);
    double t = 0;
    pieces_.push_back({0.0, x, r});
    for (std::size_t i = 0; i < ch.size();) {
      if (ch[i].t >= c_.end()) break;
      x = propagate(pieces_.back(), ch[i].t);
      t = ch[i].t;
      for (; i < ch.size() && ch[i].t == t; ++i) {
        x[ch[i].cmt] += ch[i].bolus;
        r[ch[i].cmt] += ch[i].rate;
      }
      for (int j = 0; j < n_; ++j)
        if (std::abs(r[j]) < 1e-12) r[j] = 0;
      if (pieces_.back().t0 == t) pieces_.back() = {t, x, r};
      else pieces_.push_back({t, x, r});
    }
  }
  double piece_end(std::size_t k) const { return k + 1 < pieces_.size() ? pieces_[k + 1].t0 : c_.end(); }

  // Exact state at t within piece p (t >= p.t0).
  Eigen::VectorXd propagate(const Piece& p, double t) const {
    if (c_.mm()) return integrate_mm(p, t);
    Eigen::MatrixXd M = Eigen::MatrixXd::Zero(n_ + 1, n_ + 1);
    M.topLeftCorner(n_, n_) = A_ * (t - p.t0);
    M.topRightCorner(n_, 1) = p.rate * (t - p.t0);
    Eigen::VectorXd z(n_ + 1);
    z << p.x0, 1.0;
    return (M.exp() * z).head(n_);
  }
  // State at t: before the inputs at t (left) or after them.
  Eigen::VectorXd state_at(double t, bool left) const {
    std::size_t k = 0;
    while (k + 1 < pieces_.size() && (pieces_[k + 1].t0 < t || (!left && pieces_[k + 1].t0 == t))) ++k;
    return propagate(pieces_[k], t);
  }
  double conc(std::size_t k, double t) const { return propagate(pieces_[k], t)[cent_] / c_.v1; }

  Eigen::VectorXd integrate_mm(const Piece& p, double t) const {
    namespace ode = boost::numeric::odeint;
    using State = std::vector<double>;
    State y(p.x0.data(), p.x0.data() + n_);
    if (t <= p.t0) return p.x0;
    auto rhs = [&](const State& x, State& dx, double) {
      Eigen::Map<const Eigen::VectorXd> xv(x.data(), n_);
      Eigen::Map<Eigen::VectorXd> d(dx.data(), n_);
      d = A_ * xv + p.rate;
      const double cc = x[cent_] / c_.v1;
      d[cent_] -= c_.vmax * cc / (c_.km + cc);
    };
    ode::integrate_adaptive(ode::make_controlled(1e-12, 1e-12, ode::runge_kutta_dopri5<State>()), rhs, y, p.t0, t,
                            1e-3);
    return Eigen::Map<Eigen::VectorXd>(y.data(), n_);
  }

  // Scans [a, b] inside piece k on a fine grid, refines the extremes and the
  // crossings, folds them into w (first occurrence of the maximum kept).
  void scan(std::size_t k, double a, double b, double threshold, Window& w) const {
    const int steps = static_cast<int>(std::min(200000.0, std::max(400.0, std::ceil((b - a) / 0.005))));
    const double h = (b - a) / steps;
    std::vector<double> c(static_cast<std::size_t>(steps) + 1);
    if (c_.mm()) {
      Piece at{a, propagate(pieces_[k], a), pieces_[k].rate};
      for (int j = 0; j <= steps; ++j) {
        c[static_cast<std::size_t>(j)] = at.x0[cent_] / c_.v1;
        at.x0 = integrate_mm(at, a + (j + 1) * h);
        at.t0 = a + (j + 1) * h;
      }
    } else {
      Eigen::MatrixXd M = Eigen::MatrixXd::Zero(n_ + 1, n_ + 1);
      M.topLeftCorner(n_, n_) = A_ * h;
      M.topRightCorner(n_, 1) = pieces_[k].rate * h;
      const Eigen::MatrixXd E = M.exp();
      Eigen::VectorXd z(n_ + 1);
      z << propagate(pieces_[k], a), 1.0;
      for (int j = 0; j <= steps; ++j) {
        c[static_cast<std::size_t>(j)] = z[cent_] / c_.v1;
        z = E * z;
      }
    }
    // The grid's own ends are exact evaluations of the piece's ends.
    c.front() = conc(k, a);
    c.back() = conc(k, b);
    const auto jmax = static_cast<int>(std::max_element(c.begin(), c.end()) - c.begin());
    const auto jmin = static_cast<int>(std::min_element(c.begin(), c.end()) - c.begin());
    auto refine = [&](int j, double sign, double& value, double& at) {
      value = c[static_cast<std::size_t>(j)];
      at = a + j * h;
      if (j == 0 || j == steps) return;  // at an end of the piece: exact already
      const auto r = boost::math::tools::brent_find_minima(
          [&](double t) { return -sign * conc(k, t); }, a + (j - 1) * h, a + (j + 1) * h, 40);
      if (-sign * r.second > sign * value) {
        value = -sign * r.second;
        at = r.first;
      }
    };
    double v, t;
    refine(jmax, 1.0, v, t);
    if (v > w.cmax * (1 + 1e-13)) {
      w.cmax = v;
      w.tmax = t;
    }
    refine(jmin, -1.0, v, t);
    w.cmin = std::min(w.cmin, v);
    if (threshold > 0) {
      for (int j = 0; j < steps; ++j) {
        const double ca = c[static_cast<std::size_t>(j)] - threshold, cb = c[static_cast<std::size_t>(j) + 1] - threshold;
        const double ta = a + j * h, tb = ta + h;
        if (ca > 0 && cb > 0) {
          w.above += h;
        } else if ((ca > 0) != (cb > 0)) {
          const auto r = boost::math::tools::bisect([&](double x) { return conc(k, x) - threshold; }, ta, tb,
                                                    boost::math::tools::eps_tolerance<double>(45));
          const double root = 0.5 * (r.first + r.second);
          w.above += ca > 0 ? root - ta : tb - root;
        }
      }
    }
  }

  Case c_;
  int n_ = 0, cent_ = 0, auc_ = 0;
  Eigen::MatrixXd A_;
  std::vector<Piece> pieces_;
};

}  // namespace exposure_ref
