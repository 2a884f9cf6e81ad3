#include <algorithm>

#include "twinsim/trial/endpoints/builtin_endpoints.hpp"

namespace twinsim::trial {

namespace {

class RecistEndpoint final : public Endpoint {
 public:
  RecistEndpoint(RecistEndpointOptions o, double end_h) : o_(std::move(o)) {
    for (int k = 1; k * o_.assessment_interval_h <= end_h + 1e-9; ++k) visits_.push_back(k * o_.assessment_interval_h);
  }
  std::vector<std::string> outputs() const override { return {o_.variable}; }
  std::vector<ColumnSpec> columns() const override {
    return {{"tumor_baseline", "mm"},
            {"tumor_nadir", "mm"},
            {"best_response", "1 CR, 2 PR, 3 SD, 4 PD, 0 not evaluable", true},
            {kResponseColumn, "0/1", true},
            {"progressed", "0/1", true},
            {"ttp_h", "h"}};
  }
  std::vector<double> sample_times() const override { return visits_; }
  void evaluate(PatientView& p, double* row) const override {
    // A measured size cannot be negative (additive error near zero).
    auto measure = [&](double x) { return p.measured_with_error(0) ? std::max(0.0, p.measure(0, x)) : x; };
    const double baseline = measure(p.at(0, 0.0));
    std::vector<double> sld, times;
    for (double t : visits_) {
      if (t >= p.dropout_h()) break;  // no assessments once off study
      sld.push_back(measure(p.at(0, t)));
      times.push_back(t);
    }
    const RecistResult r = evaluate_recist(baseline, times, sld, o_.recist);
    row[0] = baseline;
    row[1] = sld.empty() ? baseline : std::min(baseline, *std::min_element(sld.begin(), sld.end()));
    row[2] = static_cast<double>(r.best);
    row[3] = r.objective_response ? 1 : 0;
    row[4] = r.progressed ? 1 : 0;
    row[5] = r.ttp_h;
  }

 private:
  RecistEndpointOptions o_;
  std::vector<double> visits_;  // assessment times (h)
};

}  // namespace

std::shared_ptr<const Endpoint> make_recist_endpoint(const RecistEndpointOptions& options, double end_h) {
  return std::make_shared<RecistEndpoint>(options, end_h);
}

EndpointType recist_endpoint_type() {
  return {"recist", "recist", [](const EndpointReading& in) -> std::shared_ptr<const Endpoint> {
            if (!in.node) return nullptr;
            core::MapReader rr(*in.node, in.diag);
            if (!rr.valid()) return nullptr;
            using core::Range;
            RecistEndpointOptions o;
            const RecistEndpointOptions d;
            const core::ConfigNode var = rr.get("variable");
            o.variable = rr.optional_choice("variable", in.variables, d.variable);
            o.assessment_interval_h = rr.optional_double("assessment_interval_h", d.assessment_interval_h, Range::positive());
            o.recist.confirmation = rr.optional_bool("confirmation", d.recist.confirmation);
            o.recist.confirmation_min_h =
                rr.optional_double("confirmation_min_h", d.recist.confirmation_min_h, Range::non_negative());
            o.recist.cr_below_mm = rr.optional_double("cr_below_mm", d.recist.cr_below_mm, Range::non_negative());
            rr.finish();
            if (std::find(in.variables.begin(), in.variables.end(), o.variable) == in.variables.end()) {
              in.diag.error(var.is_missing() ? in.node->mark() : var.mark(), in.node->path() + ".variable",
                            "no model output '" + o.variable + "': RECIST needs a tumour-size model (claret, simeoni)");
              return nullptr;
            }
            return make_recist_endpoint(o, in.end_h);
          }};
}

}  // namespace twinsim::trial
