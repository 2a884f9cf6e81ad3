// [unit] Exposure per arm (results/exposure_oc.hpp): the ratio estimator over
// trials and its SE, the paired difference and the geometric mean ratio,
// checked against the same quantities computed here trial by trial from the
// definitions (per-trial linearised values z_r, their sample SD).
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "twinsim/trial/results/exposure_oc.hpp"

using namespace twinsim::trial;

namespace {

// Patients of one trial: (dose, value) for one metric (cmax, index 0).
using Trial = std::vector<std::pair<std::size_t, double>>;

class VectorStream final : public ExposureStream {
 public:
  VectorStream(std::vector<Trial> t, std::size_t doses) : trials_(std::move(t)), doses_(doses) {}
  std::int64_t trials() const override { return static_cast<std::int64_t>(trials_.size()); }
  const std::vector<std::size_t>& metrics() const override { return metrics_; }
  const ExposureTrial& next() override {
    t_.reset(1, doses_);
    for (const auto& [d, v] : trials_[next_]) t_.add(0, d, doses_, v);
    ++next_;
    return t_;
  }

 private:
  std::vector<Trial> trials_;
  std::size_t doses_;
  std::vector<std::size_t> metrics_{0};
  std::size_t next_ = 0;
  ExposureTrial t_;
};

// Ratio mean and its linearised z_r, from the definition.
struct Direct {
  double mean;
  std::vector<double> z;
};
Direct direct(const std::vector<Trial>& trials, bool log_scale, int dose) {
  double a = 0, n = 0;
  std::vector<double> A, N;
  for (const auto& t : trials) {
    double s = 0, c = 0;
    for (const auto& [d, v] : t)
      if ((dose < 0 || static_cast<int>(d) == dose) && std::isfinite(v)) {
        s += log_scale ? std::log(v) : v;
        c += 1;
      }
    A.push_back(s);
    N.push_back(c);
    a += s;
    n += c;
  }
  Direct r{a / n, {}};
  const double nbar = n / static_cast<double>(trials.size());
  for (std::size_t i = 0; i < A.size(); ++i) r.z.push_back((A[i] - r.mean * N[i]) / nbar);
  return r;
}
double se_of(const std::vector<double>& z) {
  double m = 0, ss = 0;
  for (double x : z) m += x;
  m /= static_cast<double>(z.size());
  for (double x : z) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(z.size() - 1) / static_cast<double>(z.size()));
}

const double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

TEST_CASE("exposure: ratio mean and SE per dose and overall equal the trial-by-trial definition", "[unit][exposure]") {
  // Unequal patients per dose and trial (as a dose-finding design gives), one failed patient (NaN).
  const std::vector<Trial> a = {{{0, 1.0}, {0, 1.5}, {1, 3.0}},
                                {{0, 0.8}, {1, 2.5}, {1, 2.9}, {1, kNaN}},
                                {{0, 1.2}, {0, 1.1}, {0, 0.9}},
                                {{1, 3.3}, {1, 2.2}}};
  VectorStream s(a, 2);
  std::vector<ExposureStream*> in{&s};
  const auto out = sum_exposure_in_lockstep(in, {2}, "ref");
  REQUIRE(out.size() == 1);
  const auto& rows = out[0].rows;
  REQUIRE(rows.size() == 3);  // dose 0, dose 1, all doses
  for (const auto& r : rows) {
    INFO("dose " << r.dose_index);
    const Direct lin = direct(a, false, r.dose_index), lg = direct(a, true, r.dose_index);
    CHECK(r.mean.value == Approx(lin.mean).epsilon(1e-14));
    CHECK(r.mean.se == Approx(se_of(lin.z)).epsilon(1e-12));
    CHECK(r.geometric_mean.value == Approx(std::exp(lg.mean)).epsilon(1e-14));
    CHECK(r.geometric_mean.se == Approx(std::exp(lg.mean) * se_of(lg.z)).epsilon(1e-12));
  }
  CHECK(rows[0].patients == 6);
  CHECK(rows[1].patients == 5);  // the NaN left out
  CHECK(rows[2].dose_index == -1);
  CHECK(out[0].overall(0) == &rows[2]);
}

TEST_CASE("exposure: paired difference and geometric mean ratio over the same trials", "[unit][exposure]") {
  const std::vector<Trial> a = {{{0, 2.0}, {0, 2.4}}, {{0, 1.6}, {0, 3.0}}, {{0, 2.2}, {0, 2.1}}};
  const std::vector<Trial> b = {{{0, 1.0}, {0, 1.3}}, {{0, 0.9}, {0, 1.4}}, {{0, 1.2}, {0, 1.0}}, {{0, 1.1}}};
  const std::vector<Trial> b3(b.begin(), b.begin() + 3);
  VectorStream sb(b3, 1), sa(a, 1);
  std::vector<ExposureStream*> in{&sb, &sa};  // b is the reference
  const auto out = sum_exposure_in_lockstep(in, {1, 1}, "ref");
  REQUIRE(out[1].with_reference);
  const auto diff = exposure_differences(out[1], out[0], &*out[1].with_reference);
  REQUIRE(diff.size() == 1);
  const Direct la = direct(a, false, -1), lb = direct(b3, false, -1);
  std::vector<double> z;
  for (std::size_t i = 0; i < 3; ++i) z.push_back(la.z[i] - lb.z[i]);
  CHECK(diff[0].mean_difference.value == Approx(la.mean - lb.mean).epsilon(1e-14));
  CHECK(diff[0].mean_difference.se == Approx(se_of(z)).epsilon(1e-12));
  const Direct ga = direct(a, true, -1), gb = direct(b3, true, -1);
  std::vector<double> zl;
  for (std::size_t i = 0; i < 3; ++i) zl.push_back(ga.z[i] - gb.z[i]);
  const double gmr = std::exp(ga.mean - gb.mean);
  CHECK(diff[0].gmr.value == Approx(gmr).epsilon(1e-14));
  CHECK(diff[0].gmr.se == Approx(gmr * se_of(zl)).epsilon(1e-12));

  // Unpaired (the reference has another number of trials): independent SEs.
  VectorStream sb4(b, 1), sa2(a, 1);
  std::vector<ExposureStream*> in2{&sb4, &sa2};
  const auto out2 = sum_exposure_in_lockstep(in2, {1, 1}, "ref");
  CHECK_FALSE(out2[1].with_reference);
  const auto d2 = exposure_differences(out2[1], out2[0], nullptr);
  const double se = std::hypot(out2[1].rows[0].mean.se, out2[0].rows[0].mean.se);
  CHECK(d2[0].mean_difference.se == Approx(se).epsilon(1e-12));
}

TEST_CASE("exposure: a value <= 0 leaves the geometric mean n/a; one dose gives no all-doses row", "[unit][exposure]") {
  const std::vector<Trial> a = {{{1, 0.0}, {1, 2.0}}, {{1, 1.0}}};
  VectorStream s(a, 3);
  std::vector<ExposureStream*> in{&s};
  const auto out = sum_exposure_in_lockstep(in, {3}, "ref");
  REQUIRE(out[0].rows.size() == 1);
  CHECK(out[0].rows[0].dose_index == 1);
  CHECK(out[0].rows[0].mean.value == Approx(1.0));
  CHECK_FALSE(out[0].rows[0].geometric_mean.available());
  CHECK(out[0].overall(0) == &out[0].rows[0]);
}
