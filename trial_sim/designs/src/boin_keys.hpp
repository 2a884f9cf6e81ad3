// The keys `boin` and `tite_boin` share (target, p_saf, p_tox, cohort_size,
// max_patients, n_earlystop, start_dose, cutoff_eli, extrasafe, offset), read
// once so both refuse alike. Options is BoinOptions or TiteBoinOptions (the
// same member names and in-class defaults).
#pragma once

#include <string>

#include "twinsim/core/config.hpp"
#include "twinsim/core/value_text.hpp"
#include "twinsim/trial/designs/designs.hpp"

namespace twinsim::trial::detail {

// Adds a diagnostic for each bad value; `between` runs after n_earlystop (the
// place of boin's own n_earlystop_rule, so diagnostics keep their order).
template <class Options, class Between>
void read_boin_keys(core::MapReader& r, const DesignContext& ctx, Options& o, Between between) {
  auto& diag = r.diagnostics();
  const auto target = r.required_double("target", DesignRules::target());
  o.target = target.value_or(o.target);
  // p_saf in (0, target), p_tox in (target, 1): the package's defaults 0.6 t and 1.4 t.
  const core::ConfigNode saf_node = r.get("p_saf");
  const core::ConfigNode tox_node = r.get("p_tox");
  if (target) {
    if (!saf_node.is_missing()) o.p_saf = core::read_double(saf_node, diag, {0.0, o.target, true, true});
    if (!tox_node.is_missing()) {
      o.p_tox = core::read_double(tox_node, diag, {o.target, 1.0, true, true});
    } else if (!(o.tox() < 1.0)) {
      // The default 1.4 * target leaves (0, 1) above target 1/1.4: no
      // de-escalation boundary exists (it came out NaN, cast to int).
      diag.error(r.get("target").mark(), r.get("target").path(),
                 "target " + core::format_number(o.target) +
                     " makes the default p_tox = 1.4 * target >= 1; give p_tox in (target, 1)");
    }
  }
  read_cohort_keys(r, kMaxPatientsPerTrial, o.cohort_size, o.max_patients);
  o.n_earlystop = static_cast<int>(r.optional_int("n_earlystop", o.n_earlystop, core::Range::closed(1, kMaxPatientsPerTrial)));
  between();
  o.start_dose = read_start_dose(r, ctx, o.start_dose);
  o.cutoff_eli = r.optional_double("cutoff_eli", o.cutoff_eli, core::Range::open_unit());
  o.extrasafe = r.optional_bool("extrasafe", o.extrasafe);
  const core::ConfigNode offset_node = r.get("offset");
  if (!offset_node.is_missing()) {
    if (auto v = core::read_double(offset_node, diag, {0.0, 0.5, false, true})) {
      o.offset = *v;
      if (!o.extrasafe) {
        diag.error(offset_node.mark(), offset_node.path(), "only used with extrasafe: true");
      } else if (!(o.cutoff_eli - o.offset > 0.0)) {
        diag.error(offset_node.mark(), offset_node.path(),
                   "cutoff_eli - offset must be > 0 (got " + core::format_number(o.cutoff_eli) + " - " +
                       offset_node.scalar() + ")");
      }
    }
  }
}

}  // namespace twinsim::trial::detail
