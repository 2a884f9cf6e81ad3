#include "twinsim/trial/endpoints/builtin_endpoints.hpp"

namespace twinsim::trial {

namespace {

class ExposureEndpoint final : public Endpoint {
 public:
  ExposureEndpoint(ExposureEndpointOptions o, double end_h) : o_(o), end_h_(end_h) {}
  bool has_threshold() const { return o_.threshold_mg_l > 0.0; }
  std::vector<ColumnSpec> columns() const override {
    if (!has_threshold()) return {};
    return {{"time_above_threshold_h", "h"}};
  }
  std::vector<ColumnSpec> cycle_columns() const override {
    std::vector<ColumnSpec> c = {{"cmax", "mg/L"}, {"tmax", "h"}, {"cmin", "mg/L"}, {"auc", "mg*h/L"}};
    if (has_threshold()) c.push_back({"time_above_threshold_h", "h"});
    return c;
  }
  double exposure_threshold() const override { return o_.threshold_mg_l; }
  void evaluate(PatientView& p, double* row) const override {
    if (has_threshold()) row[0] = pkpd::window_exposure(p.exposure(), 0.0, end_h_, o_.threshold_mg_l).time_above_h;
  }
  void evaluate_cycle(const PatientView& p, double start_h, double end_h, double* row) const override {
    const auto w = pkpd::window_exposure(p.exposure(), start_h, end_h, o_.threshold_mg_l);
    row[0] = w.cmax;
    row[1] = w.tmax;
    row[2] = w.cmin;
    row[3] = w.auc;
    if (has_threshold()) row[4] = w.time_above_h;
  }

 private:
  ExposureEndpointOptions o_;
  double end_h_;
};

}  // namespace

std::shared_ptr<const Endpoint> make_exposure_endpoint(const ExposureEndpointOptions& options, double end_h) {
  return std::make_shared<ExposureEndpoint>(options, end_h);
}

EndpointType exposure_endpoint_type() {
  // Always present: the per-cycle exposure needs no key.
  return {"exposure", "exposure", [](const EndpointReading& in) -> std::shared_ptr<const Endpoint> {
            ExposureEndpointOptions o;
            if (in.node) {
              core::MapReader x(*in.node, in.diag);
              if (x.valid()) {
                if (const auto t = x.required_double("threshold_mg_l", core::Range::positive())) o.threshold_mg_l = *t;
                x.finish();
              }
            }
            return make_exposure_endpoint(o, in.end_h);
          }};
}

}  // namespace twinsim::trial
