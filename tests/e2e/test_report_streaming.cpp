// [e2e] report and compare read the tables in blocks and keep exact sums
// (trial_sim/io/src/oc_stream.cpp). This checks them against the computation
// they replaced, kept here as the reference: whole columns read into
// memory, per-trial values, two-pass means and SEs, the linearised "above
// target" values and paired differences of per-trial vectors. Every
// estimate of every config's output must agree to 1e-12 relative; the exact
// sums are the more accurate side (the old two-pass SE of a mean total N
// near 30 over 10^5 trials was 1e-12 off the exact rational value).
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <numeric>

#include "test_support.hpp"
#include "twinsim/core/h5.hpp"
#include "twinsim/trial/io/result_reader.hpp"

using namespace twinsim;
using trial::Estimate;

namespace {

// --- the previous in-memory implementation, as the reference -------------

Estimate mean_of_values(const std::vector<double>& x) {
  Estimate e;
  if (x.empty()) return e;
  const double n = static_cast<double>(x.size());
  e.value = std::accumulate(x.begin(), x.end(), 0.0) / n;
  if (x.size() < 2) return e;
  double ss = 0.0;
  for (double v : x) ss += (v - e.value) * (v - e.value);
  e.se = std::sqrt(ss / (n - 1.0) / n);
  return e;
}

Estimate proportion_of_values(const std::vector<double>& x) {
  Estimate e = mean_of_values(x);
  e.se = std::sqrt(std::max(0.0, e.value * (1.0 - e.value)) / static_cast<double>(x.size()));
  return e;
}

Estimate paired_values(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  return mean_of_values(d);
}

// One design's per-trial values, trial r at index r, scored against the
// target dose the streaming code chose (its choice is checked elsewhere).
struct Reference {
  std::vector<double> correct, no_selection, n_patients, n_dlts, above;  // above: linearised z_r
  std::vector<Estimate> p_select, mean_patients, mean_dlts;
  Estimate pcs, p_no_selection, above_target, mean_total_patients, mean_total_dlts;
  bool obd = false;  // scored against the true OBD (its PCS is not comparable with an MTD design's)
};

Reference reference(const std::string& path, const trial::DesignOc& oc) {
  const core::H5Reader h5(path);
  const std::string g = "/designs/" + oc.name;
  const auto trial = h5.read_ints(g + "/trials/trial"), sel = h5.read_ints(g + "/trials/selected_dose");
  const auto np = h5.read_ints(g + "/trials/n_patients"), nd = h5.read_ints(g + "/trials/n_dlts");
  const auto pt = h5.read_ints(g + "/patients/trial"), pd = h5.read_ints(g + "/patients/dose_index"),
             py = h5.read_ints(g + "/patients/dlt");
  const std::size_t R = trial.size(), D = oc.doses.size();
  for (std::size_t r = 0; r < R; ++r) REQUIRE(trial[r] == static_cast<std::int64_t>(r));
  std::vector<double> npd(R * D, 0.0), dpd(R * D, 0.0);
  for (std::size_t k = 0; k < pt.size(); ++k) {
    npd[static_cast<std::size_t>(pt[k]) * D + static_cast<std::size_t>(pd[k])] += 1;
    dpd[static_cast<std::size_t>(pt[k]) * D + static_cast<std::size_t>(pd[k])] += static_cast<double>(py[k]);
  }
  Reference ref;
  std::vector<double> x(R);
  for (std::size_t d = 0; d < D; ++d) {
    for (std::size_t r = 0; r < R; ++r) x[r] = sel[r] == static_cast<std::int64_t>(d) ? 1.0 : 0.0;
    ref.p_select.push_back(proportion_of_values(x));
    for (std::size_t r = 0; r < R; ++r) x[r] = npd[r * D + d];
    ref.mean_patients.push_back(mean_of_values(x));
    for (std::size_t r = 0; r < R; ++r) x[r] = dpd[r * D + d];
    ref.mean_dlts.push_back(mean_of_values(x));
  }
  for (std::size_t r = 0; r < R; ++r) {
    ref.no_selection.push_back(sel[r] < 0 ? 1.0 : 0.0);
    ref.n_patients.push_back(static_cast<double>(np[r]));
    ref.n_dlts.push_back(static_cast<double>(nd[r]));
  }
  ref.p_no_selection = proportion_of_values(ref.no_selection);
  ref.mean_total_patients = mean_of_values(ref.n_patients);
  ref.mean_total_dlts = mean_of_values(ref.n_dlts);
  if (oc.scored) {
    // The correct selection is a dose, or no dose (-1, as trials/selected_dose writes it).
    const int td = oc.target_dose;
    // An OBD design (BOIN12) is correct when it selects the true OBD (oc/true_obd_dose), not the MTD.
    const bool obd = oc.objective == twinsim::trial::DesignObjective::obd;
    const int pcs_dose = obd ? oc.obd_dose.value_or(-2) : td;
    ref.obd = obd;
    std::vector<double> above(R, 0.0), treated(R, 0.0);
    for (std::size_t r = 0; r < R; ++r) {
      ref.correct.push_back(sel[r] == pcs_dose ? 1.0 : 0.0);
      for (std::size_t d = 0; d < D; ++d) {
        treated[r] += npd[r * D + d];
        if (static_cast<int>(d) > td) above[r] += npd[r * D + d];
      }
    }
    ref.pcs = proportion_of_values(ref.correct);
    if (obd && !oc.obd_dose) ref.pcs = {};
    const double n_bar = mean_of_values(treated).value;
    if (n_bar > 0) {
      const double q = mean_of_values(above).value / n_bar;
      for (std::size_t r = 0; r < R; ++r) ref.above.push_back(q + (above[r] - q * treated[r]) / n_bar);
      ref.above_target = {q, mean_of_values(ref.above).se};
    }
  }
  return ref;
}

// ---------------------------------------------------------------------------

void check_same(const std::string& what, const Estimate& streamed, const Estimate& expected) {
  INFO(what << ": streamed " << streamed.value << " ± " << streamed.se << ", reference " << expected.value << " ± "
            << expected.se);
  auto same = [](double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    return std::fabs(a - b) <= 1e-12 * std::max(std::fabs(a), std::fabs(b)) + 1e-15;
  };
  CHECK(same(streamed.value, expected.value));
  CHECK(same(streamed.se, expected.se));
}

// Every design of every report, and every difference of the comparison.
void check_against_reference(const std::vector<trial::OcReport>& reports) {
  std::vector<Reference> refs;
  for (const auto& rep : reports) {
    for (const auto& d : rep.designs) {
      const std::string who = rep.path + ":" + d.name;
      refs.push_back(reference(rep.path, d));
      const Reference& r = refs.back();
      for (std::size_t k = 0; k < d.doses.size(); ++k) {
        check_same(who + " p_select " + std::to_string(k), d.doses[k].p_select, r.p_select[k]);
        check_same(who + " mean_patients " + std::to_string(k), d.doses[k].mean_patients, r.mean_patients[k]);
        check_same(who + " mean_dlts " + std::to_string(k), d.doses[k].mean_dlts, r.mean_dlts[k]);
      }
      check_same(who + " pcs", d.pcs, r.pcs);
      check_same(who + " p_no_selection", d.p_no_selection, r.p_no_selection);
      check_same(who + " above_target", d.above_target, r.above_target);
      check_same(who + " mean_total_patients", d.mean_total_patients, r.mean_total_patients);
      check_same(who + " mean_total_dlts", d.mean_total_dlts, r.mean_total_dlts);
    }
  }
  const trial::Comparison c = trial::compare_reports(reports);
  for (std::size_t i = 0; i < c.differences.size(); ++i) {
    const auto& diff = c.differences[i];
    REQUIRE(diff.paired);  // the cases below all share patients
    const Reference &a = refs[i + 1], &b = refs[0];
    auto paired = [](const Estimate& ea, const Estimate& eb, const std::vector<double>& va,
                     const std::vector<double>& vb) {
      return ea.available() && eb.available() ? paired_values(va, vb) : Estimate{};
    };
    const std::string who = diff.label + " - " + diff.reference;
    // PCS of an OBD design and of an MTD design answer different questions: n/a.
    check_same(who + " pcs", diff.pcs, a.obd == b.obd ? paired(a.pcs, b.pcs, a.correct, b.correct) : Estimate{});
    check_same(who + " p_no_selection", diff.p_no_selection,
               paired(a.p_no_selection, b.p_no_selection, a.no_selection, b.no_selection));
    check_same(who + " above_target", diff.above_target, paired(a.above_target, b.above_target, a.above, b.above));
    check_same(who + " mean_total_patients", diff.mean_total_patients,
               paired(a.mean_total_patients, b.mean_total_patients, a.n_patients, b.n_patients));
    check_same(who + " mean_total_dlts", diff.mean_total_dlts,
               paired(a.mean_total_dlts, b.mean_total_dlts, a.n_dlts, b.n_dlts));
  }
}

}  // namespace

TEST_CASE("streamed report and compare give the numbers of the in-memory computation on every config", "[e2e]") {
  test::TempDir dir("streaming");
  for (const auto& config : test::files_in(test::source_dir() + "/configs", ".yaml")) {
    const std::string name = std::filesystem::path(config).stem().string();
    INFO(name);
    const std::string out = dir.file(name + ".h5");
    // More trials than one block (16,384) where runs are cheap.
    const std::string replicates = name.rfind("design_only", 0) == 0 ? " --replicates 20000"
                                   : name == "pkpd_boin_vs_3p3"       ? " --replicates 40"
                                                                      : "";
    const auto r = test::run_cli("run " + test::quote(config) + " -o " + test::quote(out) + replicates +
                                 " --quiet --threads 2");
    REQUIRE(r.exit_code == 0);
    // As `compare F` does: designs without a target take the shared one.
    std::vector<trial::OcReport> one = trial::read_oc_reports({out});
    trial::assume_targets(one, std::nullopt);
    check_against_reference(one);
    // As `compare F F`: the same designs from a second file, paired across files.
    std::vector<trial::OcReport> two = trial::read_oc_reports({out, out});
    trial::assume_targets(two, std::nullopt);
    check_against_reference(two);
  }
}
