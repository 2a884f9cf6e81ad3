#include <algorithm>

#include "twinsim/trial/endpoints/builtin_endpoints.hpp"

namespace twinsim::trial {

namespace {

class NeutropeniaEndpoint final : public Endpoint {
 public:
  explicit NeutropeniaEndpoint(NeutropeniaOptions o) : o_(std::move(o)) {}
  std::vector<std::string> outputs() const override { return {o_.variable}; }
  std::vector<ColumnSpec> columns() const override {
    return {{"anc_nadir", "10^9/L"},
            {"anc_nadir_time_h", "h"},
            {"neutropenia_grade", "CTCAE grade", true},
            {"anc_recovery_h", "h"}};
  }
  void evaluate(PatientView& p, double* row) const override {
    std::vector<double> anc;
    p.series(0, anc);
    const NeutropeniaSummary n = summarize_neutropenia(p.times(), anc, o_.lln);
    row[0] = n.nadir;
    row[1] = n.nadir_time_h;
    row[2] = n.worst_grade;
    row[3] = n.recovery_h;
  }

 private:
  NeutropeniaOptions o_;
};

}  // namespace

std::shared_ptr<const Endpoint> make_neutropenia_endpoint(const NeutropeniaOptions& options) {
  return std::make_shared<NeutropeniaEndpoint>(options);
}

EndpointType neutropenia_endpoint_type() {
  return {"neutropenia", "", [](const EndpointReading& in) -> std::shared_ptr<const Endpoint> {
            NeutropeniaOptions o;
            o.lln = in.anc_lln;
            const auto& outs = in.model_outputs;
            if (std::find(outs.begin(), outs.end(), o.variable) == outs.end()) return nullptr;
            return make_neutropenia_endpoint(o);
          }};
}

}  // namespace twinsim::trial
