#include "twinsim/core/dopri5.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace twinsim::core {

namespace {
// Dormand-Prince 5(4) coefficients (Butcher tableau, error weights b - b*,
// and Shampine's dense-output weights as tabulated by Hairer et al.).
constexpr double c2 = 1.0 / 5, c3 = 3.0 / 10, c4 = 4.0 / 5, c5 = 8.0 / 9;
constexpr double a21 = 1.0 / 5;
constexpr double a31 = 3.0 / 40, a32 = 9.0 / 40;
constexpr double a41 = 44.0 / 45, a42 = -56.0 / 15, a43 = 32.0 / 9;
constexpr double a51 = 19372.0 / 6561, a52 = -25360.0 / 2187, a53 = 64448.0 / 6561, a54 = -212.0 / 729;
constexpr double a61 = 9017.0 / 3168, a62 = -355.0 / 33, a63 = 46732.0 / 5247, a64 = 49.0 / 176,
                 a65 = -5103.0 / 18656;
constexpr double a71 = 35.0 / 384, a73 = 500.0 / 1113, a74 = 125.0 / 192, a75 = -2187.0 / 6784, a76 = 11.0 / 84;
constexpr double e1 = 71.0 / 57600, e3 = -71.0 / 16695, e4 = 71.0 / 1920, e5 = -17253.0 / 339200,
                 e6 = 22.0 / 525, e7 = -1.0 / 40;
constexpr double d1 = -12715105075.0 / 11282082432.0, d3 = 87487479700.0 / 32700410799.0,
                 d4 = -10690763975.0 / 1880347072.0, d5 = 701980252875.0 / 199316789632.0,
                 d6 = -1453857185.0 / 822651844.0, d7 = 69997945.0 / 29380423.0;
}  // namespace

Dopri5Solver::Dopri5Solver(int n) : n_(n) {
  if (n <= 0 || n > kMaxSize) throw std::invalid_argument("Dopri5Solver: size out of range");
}

void Dopri5Solver::start(const OdeSystem& system, double t0, const double* y0, const OdeOptions& options) {
  if (system.size() != n_) throw std::invalid_argument("Dopri5Solver: system size mismatch");
  sys_ = &system;
  opt_ = options;
  for (int i = 0; i < n_; ++i)
    atol_[i] = options.atol.size() == static_cast<std::size_t>(n_) ? options.atol[static_cast<std::size_t>(i)]
                                                                   : options.atol.at(0);
  steps_ = 0;
  restart(t0, y0);
}

void Dopri5Solver::restart(double t, const double* y) {
  t_ = t_prev_ = t_out_ = t;
  std::copy(y, y + n_, y_.begin());
  sys_->rhs(t_, y_.data(), f_.data());
  h_ = 0.0;
  have_step_ = false;
  stiff_count_ = nonstiff_count_ = 0;
}

double Dopri5Solver::initial_step(double tstop) {
  // Hairer, Norsett & Wanner I, II.4: make the first step's local error about tolerance.
  // (Hairer's d0, d1, d2; renamed so they do not shadow the tableau's d1.)
  double norm_y = 0, norm_f = 0;
  for (int i = 0; i < n_; ++i) {
    const double sc = atol_[i] + opt_.rtol * std::abs(y_[i]);
    norm_y += (y_[i] / sc) * (y_[i] / sc);
    norm_f += (f_[i] / sc) * (f_[i] / sc);
  }
  norm_y = std::sqrt(norm_y / n_);
  norm_f = std::sqrt(norm_f / n_);
  double h0 = (norm_y < 1e-5 || norm_f < 1e-5) ? 1e-6 : 0.01 * norm_y / norm_f;
  h0 = std::min(h0, tstop - t_);
  for (int i = 0; i < n_; ++i) y1_[i] = y_[i] + h0 * f_[i];
  sys_->rhs(t_ + h0, y1_.data(), k2_.data());
  double norm_df = 0;
  for (int i = 0; i < n_; ++i) {
    const double sc = atol_[i] + opt_.rtol * std::abs(y_[i]);
    norm_df += ((k2_[i] - f_[i]) / sc) * ((k2_[i] - f_[i]) / sc);
  }
  norm_df = std::sqrt(norm_df / n_) / h0;
  const double dmax = std::max(norm_f, norm_df);
  const double h1 = dmax <= 1e-15 ? std::max(1e-6, h0 * 1e-3) : std::pow(0.01 / dmax, 1.0 / 5.0);
  return std::min({100 * h0, h1, tstop - t_});
}

double Dopri5Solver::try_step(double h) {
  const int n = n_;
  const double t = t_;
  const Vec& y = y_;
  const Vec& k1 = f_;
  for (int i = 0; i < n; ++i) y1_[i] = y[i] + h * a21 * k1[i];
  sys_->rhs(t + c2 * h, y1_.data(), k2_.data());
  for (int i = 0; i < n; ++i) y1_[i] = y[i] + h * (a31 * k1[i] + a32 * k2_[i]);
  sys_->rhs(t + c3 * h, y1_.data(), k3_.data());
  for (int i = 0; i < n; ++i) y1_[i] = y[i] + h * (a41 * k1[i] + a42 * k2_[i] + a43 * k3_[i]);
  sys_->rhs(t + c4 * h, y1_.data(), k4_.data());
  for (int i = 0; i < n; ++i) y1_[i] = y[i] + h * (a51 * k1[i] + a52 * k2_[i] + a53 * k3_[i] + a54 * k4_[i]);
  sys_->rhs(t + c5 * h, y1_.data(), k5_.data());
  for (int i = 0; i < n; ++i)
    ystage_[i] = y[i] + h * (a61 * k1[i] + a62 * k2_[i] + a63 * k3_[i] + a64 * k4_[i] + a65 * k5_[i]);
  sys_->rhs(t + h, ystage_.data(), k6_.data());
  for (int i = 0; i < n; ++i)
    y1_[i] = y[i] + h * (a71 * k1[i] + a73 * k3_[i] + a74 * k4_[i] + a75 * k5_[i] + a76 * k6_[i]);
  sys_->rhs(t + h, y1_.data(), k7_.data());
  double err = 0.0;
  for (int i = 0; i < n; ++i) {
    const double e = h * (e1 * k1[i] + e3 * k3_[i] + e4 * k4_[i] + e5 * k5_[i] + e6 * k6_[i] + e7 * k7_[i]);
    const double sc = atol_[i] + opt_.rtol * std::max(std::abs(y[i]), std::abs(y1_[i]));
    err += (e / sc) * (e / sc);
    if (!std::isfinite(y1_[i]) || !std::isfinite(k7_[i])) return std::numeric_limits<double>::infinity();
  }
  return std::sqrt(err / n);
}

void Dopri5Solver::dense(double t, double* out) const {
  const double h = t_ - t_prev_;
  const double th = h > 0 ? (t - t_prev_) / h : 1.0, th1 = 1.0 - th;
  for (int i = 0; i < n_; ++i) out[i] = r1_[i] + th * (r2_[i] + th1 * (r3_[i] + th * (r4_[i] + th1 * r5_[i])));
}

SolveStatus Dopri5Solver::advance(double tout, double tstop, double* yout) {
  if (!sys_) throw std::logic_error("Dopri5Solver::advance before start");
  tstop = std::max(tstop, tout);
  long steps_here = 0;
  while (t_ < tout) {
    if (h_ <= 0.0) h_ = initial_step(tstop);
    double h = std::min(h_, tstop - t_);
    // Do not leave a sliver before tstop: stretch the step to land on it.
    if (tstop - (t_ + h) < 1e-10 * std::max(1.0, std::abs(tstop))) h = tstop - t_;
    bool rejected = false;
    for (;;) {
      const double err = try_step(h);
      if (err <= 1.0) {
        const double fac = err == 0.0 ? 5.0 : std::min(5.0, std::max(0.2, 0.9 * std::pow(err, -0.2)));
        h_ = rejected ? std::min(h, h * fac) : h * fac;
        break;
      }
      rejected = true;
      h *= std::isfinite(err) ? std::max(0.2, 0.9 * std::pow(err, -0.2)) : 0.25;
      if (h < 1e-14 * std::max(1.0, std::abs(t_))) {
        message_ = std::isfinite(err) ? "step size underflow at t = " + std::to_string(t_) + " h"
                                      : "state became non-finite at t = " + std::to_string(t_) + " h";
        return std::isfinite(err) ? SolveStatus::kErrorTestFailure : SolveStatus::kNonFinite;
      }
    }
    // Dense-output coefficients of the accepted step.
    for (int i = 0; i < n_; ++i) {
      const double dy = y1_[i] - y_[i];
      r1_[i] = y_[i];
      r2_[i] = dy;
      r3_[i] = h * f_[i] - dy;
      r4_[i] = dy - h * k7_[i] - r3_[i];
      r5_[i] = h * (d1 * f_[i] + d3 * k3_[i] + d4 * k4_[i] + d5 * k5_[i] + d6 * k6_[i] + d7 * k7_[i]);
    }
    // Stiffness detection (Hairer et al. IV.2): h * |lambda| estimated from the last two stages.
    double num = 0, den = 0;
    for (int i = 0; i < n_; ++i) {
      num += (k7_[i] - k6_[i]) * (k7_[i] - k6_[i]);
      den += (y1_[i] - ystage_[i]) * (y1_[i] - ystage_[i]);
    }
    if (den > 0 && h * std::sqrt(num / den) > 3.25) {
      nonstiff_count_ = 0;
      if (++stiff_count_ >= 15) {
        message_ = "problem is stiff near t = " + std::to_string(t_) + " h";
        return SolveStatus::kStiff;
      }
    } else if (++nonstiff_count_ >= 6) {
      stiff_count_ = 0;
    }
    t_prev_ = t_;
    t_ = (tstop - (t_ + h) <= 0) ? tstop : t_ + h;
    y_ = y1_;
    f_ = k7_;
    have_step_ = true;
    ++steps_;
    if (++steps_here > opt_.max_steps || steps_ > opt_.max_total_steps) {
      message_ = "step limit reached at t = " + std::to_string(t_) + " h";
      return SolveStatus::kTooMuchWork;
    }
  }
  if (tout < t_ && have_step_ && tout >= t_prev_) {
    dense(tout, yout);
  } else {
    std::copy(y_.begin(), y_.begin() + n_, yout);
  }
  t_out_ = tout;
  return SolveStatus::kOk;
}

}  // namespace twinsim::core
