// The `regimen` section (and designs[i].regimen): dosing records per cycle, or
// the interval_h / doses_per_cycle shorthand for one record with ADDL.
#include <algorithm>
#include <cmath>

#include "scenario_parts.hpp"

namespace twinsim::trial {

using core::ConfigNode;
using core::Diagnostics;
using core::MapReader;
using core::Range;

namespace {

const std::vector<std::string> kRoutes = {"oral", "iv_bolus", "iv_infusion"};

pkpd::Route route_from(const std::string& s) {
  if (s == "iv_bolus") return pkpd::Route::kIvBolus;
  if (s == "iv_infusion") return pkpd::Route::kIvInfusion;
  return pkpd::Route::kOral;
}

// One entry of regimen.doses.
std::optional<DoseRecordSpec> read_record(const ConfigNode& node, Diagnostics& diag, double cycle_length_h) {
  MapReader r(node, diag);
  if (!r.valid()) return std::nullopt;
  DoseRecordSpec d;
  const std::size_t errors = diag.size();
  d.time_h = r.optional_double("time_h", 0.0, Range::non_negative());
  const ConfigNode amount = r.get("amount_mg");
  const ConfigNode factor = r.get("dose_factor");
  const auto route = r.required_choice("route", kRoutes);
  const ConfigNode duration = r.get("duration_h");
  const ConfigNode rate = r.get("rate_mg_per_h");
  d.cmt = static_cast<int>(r.optional_int("cmt", 0, Range::at_least(1)));
  d.ii_h = r.optional_double("ii_h", 0.0, Range::non_negative());
  d.addl = static_cast<int>(r.optional_int("addl", 0, Range::closed(0, ScenarioLimits::kMaxDosesPerCycle - 1)));
  r.finish();
  if (!amount.is_missing() && !factor.is_missing()) {
    diag.error(factor.key_mark(), factor.path(), "give amount_mg or dose_factor, not both");
  } else if (!amount.is_missing()) {
    if (auto v = core::read_double(amount, diag, Range::positive())) d.amount_mg = *v;
  } else if (!factor.is_missing()) {
    if (auto v = core::read_double(factor, diag, Range::positive())) d.dose_factor = *v;
  }
  if (route) d.route = route_from(*route);
  const bool infusion = route && d.route == pkpd::Route::kIvInfusion;
  for (const ConfigNode* n : {&duration, &rate}) {
    if (!n->is_missing() && route && !infusion)
      diag.error(n->key_mark(), n->path(), "only valid with route: iv_infusion (route is " + *route + ")");
  }
  if (infusion) {
    if (duration.is_missing() && rate.is_missing()) {
      diag.error(node.mark(), node.path(), "route iv_infusion needs duration_h or rate_mg_per_h");
    } else if (!duration.is_missing() && !rate.is_missing()) {
      diag.error(rate.key_mark(), rate.path(), "give duration_h or rate_mg_per_h, not both");
    } else if (!duration.is_missing()) {
      if (auto v = core::read_double(duration, diag, Range::positive())) d.duration_h = *v;
    } else if (auto v = core::read_double(rate, diag, Range::positive())) {
      d.rate_mg_per_h = *v;
    }
  }
  if (d.addl > 0 && !(d.ii_h > 0)) diag.error(node.get("addl").mark(), node.get("addl").path(), "addl needs ii_h > 0");
  const double last = d.time_h + d.addl * d.ii_h;
  if (diag.size() == errors && !(last < cycle_length_h)) {
    diag.error(node.mark(), node.path(),
               "the record's last dose, at " + core::format_number(last) + " h, is not within the cycle of " +
                   core::format_number(cycle_length_h) + " h");
  }
  if (diag.size() != errors) return std::nullopt;
  return d;
}

BodySizeDosing read_body_size(MapReader& r) {
  BodySizeDosing b;
  const std::string unit = r.optional_choice("dose_unit", {"mg", "mg/kg", "mg/m2"}, "mg");
  b.unit = unit == "mg/kg" ? DoseUnit::kMgPerKg : unit == "mg/m2" ? DoseUnit::kMgPerM2 : DoseUnit::kMg;
  const std::string formula = r.optional_choice("bsa_formula", {"dubois", "mosteller"}, "dubois");
  b.formula = formula == "mosteller" ? BsaFormula::kMosteller : BsaFormula::kDuBois;
  b.weight_name = r.optional_string("weight_covariate", b.weight_name);
  b.height_name = r.optional_string("height_covariate", b.height_name);
  b.bsa_cap_m2 = r.optional_double("bsa_cap_m2", 0.0, Range::positive());
  b.round_to_mg = r.optional_double("round_to_mg", 0.0, Range::positive());
  return b;
}

}  // namespace

void resolve_body_size(RegimenSpec& g, const ConfigNode& node, const vp::Population& population, Diagnostics& diag) {
  BodySizeDosing& b = g.body_size;
  const auto& names = population.covariate_names();
  auto index_of = [&](const std::string& name, const char* key) {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it != names.end()) return static_cast<int>(it - names.begin());
    const ConfigNode n = node.get(key);
    const ConfigNode at = n.is_missing() ? node.get("dose_unit") : n;
    diag.error(at.mark(), at.path(),
               "dose_unit " + std::string(b.unit == DoseUnit::kMgPerKg ? "mg/kg" : "mg/m2") + " needs the covariate '" +
                   name + "' in population.covariates (" + key + ")");
    return -1;
  };
  const ConfigNode cap = node.get("bsa_cap_m2");
  if (!cap.is_missing() && b.unit != DoseUnit::kMgPerM2)
    diag.error(cap.key_mark(), cap.path(), "only valid with dose_unit: mg/m2");
  if (b.unit == DoseUnit::kMg) return;
  b.weight_covariate = index_of(b.weight_name, "weight_covariate");
  if (b.unit == DoseUnit::kMgPerM2) b.height_covariate = index_of(b.height_name, "height_covariate");
}

double regimen_first_gap(const RegimenSpec& g, double fallback) {
  const auto one = g.cycle_doses();
  for (std::size_t k = 1; k < one.size(); ++k)
    if (one[k].time_h > one[0].time_h) return one[k].time_h - one[0].time_h;
  return fallback;
}

std::optional<RegimenSpec> read_regimen(const ConfigNode& node, Diagnostics& diag, const RegimenContext& ctx) {
  MapReader r(node, diag);
  if (!r.valid()) return std::nullopt;
  const BodySizeDosing body = read_body_size(r);
  const ConfigNode events = r.get("events");
  if (!events.is_missing()) {
    auto g = read_event_regimen(r, events, diag, ctx);
    if (g) g->body_size = body;
    return g;
  }
  const ConfigNode records = r.get("doses");
  if (!records.is_missing()) {
    // Each record has its own route, amount and repetition.
    for (const char* key : {"route", "doses_per_cycle", "infusion_duration_h"}) {
      const ConfigNode n = r.get(key);
      if (!n.is_missing()) diag.error(n.key_mark(), n.path(), "only valid without 'doses' (each record has its own)");
    }
  }
  RegimenSpec g;
  const auto route = records.is_missing() ? r.required_choice("route", kRoutes) : std::optional<std::string>("oral");
  const auto interval = records.is_missing() ? r.required_double("interval_h", Range::positive())
                                             : std::optional<double>(r.optional_double("interval_h", 0.0, Range::positive()));
  const auto doses = records.is_missing()
                         ? r.required_int("doses_per_cycle", Range::closed(1, ScenarioLimits::kMaxDosesPerCycle))
                         : std::optional<std::int64_t>(1);
  const auto cycle_len = r.required_double("cycle_length_h", Range::positive());
  const auto cycles = static_cast<int>(r.optional_int("cycles", 1, Range::closed(1, ScenarioLimits::kMaxCycles)));
  const ConfigNode inf_node = r.get("infusion_duration_h");
  const bool steady = r.optional_bool("steady_state", false);
  r.finish();
  if (!route || !interval || !doses || !cycle_len) return std::nullopt;
  bool ok = true;
  if (records.is_missing()) {
    double infusion_h = 0.0;
    if (route_from(*route) == pkpd::Route::kIvInfusion) {
      if (inf_node.is_missing()) {
        diag.error(node.mark(), inf_node.path(), "required key is missing (route is iv_infusion)");
        ok = false;
      } else if (auto d = core::read_double(inf_node, diag, Range::positive())) {
        infusion_h = *d;
      } else {
        ok = false;
      }
    } else if (!inf_node.is_missing()) {
      diag.error(inf_node.key_mark(), inf_node.path(), "only valid with route: iv_infusion");
      ok = false;
    }
    g = RegimenSpec::every(route_from(*route), *interval, static_cast<int>(*doses), *cycle_len, cycles, infusion_h);
    if ((*doses - 1) * *interval >= *cycle_len) {
      diag.error(node.get("doses_per_cycle").mark(), node.get("doses_per_cycle").path(),
                 std::to_string(*doses) + " doses every " + core::format_number(*interval) +
                     " h do not fit in a cycle of " + core::format_number(*cycle_len) + " h");
      ok = false;
    }
  } else {
    g.cycle_length_h = *cycle_len;
    g.cycles = cycles;
    if (!records.is_sequence() || records.size() == 0) {
      diag.error(records.mark(), records.path(),
                 records.is_sequence() ? std::string("needs at least one dosing record")
                                       : "expected a list of dosing records, got " + records.describe());
      return std::nullopt;
    }
    std::int64_t n = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (auto d = read_record(records.at(i), diag, *cycle_len)) {
        g.records.push_back(*d);
        n += d->addl + 1;
      } else {
        ok = false;
      }
    }
    if (ok && n > ScenarioLimits::kMaxDosesPerCycle) {
      diag.error(records.mark(), records.path(),
                 std::to_string(n) + " doses per cycle; the limit is " +
                     std::to_string(ScenarioLimits::kMaxDosesPerCycle));
      ok = false;
    }
    if (!ok) return std::nullopt;
    g.interval_h = *interval > 0 ? *interval : regimen_first_gap(g, g.cycle_length_h);
  }
  g.steady_state = steady;
  g.body_size = body;
  if (ok && g.end_time() > ScenarioLimits::kMaxSimulatedHours) {
    diag.error(node.mark(), node.path(),
               "regimen lasts " + core::format_number(g.end_time()) + " h; the limit is " +
                   core::format_number(ScenarioLimits::kMaxSimulatedHours) + " h (20 years)");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return g;
}

void check_regimen_model(const RegimenSpec& g, const ConfigNode& node, const PkSpec& pk, Diagnostics& diag) {
  const pkpd::PkSystem typical = pk.model->compile(pk.values);
  const ConfigNode records = node.get("doses");
  for (std::size_t i = 0; i < g.records.size(); ++i) {
    const DoseRecordSpec& d = g.records[i];
    const ConfigNode rec = records.is_missing() ? node : records.at(i);
    if (!pk.model->accepts(d.route)) {
      diag.error(rec.get("route").mark(), rec.get("route").path(),
                 "route oral needs an absorption process; model.pk.absorption is 'none'");
    }
    if (d.cmt > 0 && state_of_cmt(typical, d.cmt) < 0) {
      diag.error(rec.get("cmt").mark(), rec.get("cmt").path(),
                 "compartment " + std::to_string(d.cmt) + " is not one of this model's 1.." +
                     std::to_string(typical.idx_auc) + " (docs/models.md, compartment numbers)");
    }
  }
}

}  // namespace twinsim::trial
