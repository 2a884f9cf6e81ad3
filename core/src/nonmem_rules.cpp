// NONMEM's defaults and the record rules of a data set (docs/data-sets.md,
// "Errors"). The rules follow NONMEM's PREDPP guide where it has one (EVID,
// dose items only on dose records, time order, SS and II), refuse what twinsim
// does not model (RATE -1/-2, steady-state constant infusions, compartments
// turned off) and check CMT and output names against the caller's model.
#include "nonmem_reader.hpp"

#include "twinsim/core/config.hpp"

#include <algorithm>
#include <cmath>

namespace twinsim::core {

namespace {

constexpr int kMaxAddl = 100'000;  // additional doses of one record: a bound, not a NONMEM rule

std::string num(double v) { return format_number(v); }

std::string record_kind(Evid e) {
  switch (e) {
    case Evid::observation: return "an observation record (EVID 0)";
    case Evid::dose: return "a dose record (EVID 1)";
    case Evid::other: return "an other-type record (EVID 2)";
    case Evid::reset: return "a reset record (EVID 3)";
    case Evid::reset_dose: return "a reset-and-dose record (EVID 4)";
  }
  return "a record";
}

}  // namespace

void DataSetBuilder::apply_rules(const Fields& v, DataRecord& r) {
  if (has(Item::id)) {
    if (v.id.given) r.id = v.id.value;
    else if (!v.id.bad) error(v.id.where, key(Item::id), "missing value: every record needs an ID");
  }
  if (v.time.given) {
    r.time = v.time.value;
    if (r.time < 0) error(v.time.where, key(Item::time), "must be >= 0 (got " + num(r.time) + ")");
  } else if (!v.time.bad) {
    error(v.time.where, key(Item::time), "missing value: every record needs a TIME");
  }
  const bool evid_ok = !v.evid.bad && (!v.evid.given || (v.evid.value >= 0 && v.evid.value <= 4));
  if (!evid_ok) {
    if (!v.evid.bad)
      error(v.evid.where, key(Item::evid),
            "must be 0 (observation), 1 (dose), 2 (other), 3 (reset) or 4 (reset and dose) (got " +
                num(v.evid.value) + ")");
  } else {
    rule_evid(v, r);
    if (r.is_dose()) rule_dose(v, r);
    else rule_not_dose(v, r);
    rule_cmt(v, r);
    rule_observation(v, r);
  }
  if ((v.id.given || !has(Item::id)) && v.time.given) rule_order(v, r);
}

void DataSetBuilder::rule_evid(const Fields& v, DataRecord& r) {
  if (v.evid.given) {
    r.evid = static_cast<Evid>(static_cast<int>(v.evid.value));
  } else if (v.amt.given && v.amt.value != 0) {  // NM-TRAN's EVID when the column is absent
    r.evid = Evid::dose;
  } else if (v.mdv.given && v.mdv.value == 1) {
    r.evid = Evid::other;
  } else {
    r.evid = Evid::observation;
  }
}

void DataSetBuilder::rule_dose(const Fields& v, DataRecord& r) {
  const std::string kind = record_kind(r.evid);
  r.amt = v.amt.given ? v.amt.value : 0.0;
  r.rate = v.rate.given ? v.rate.value : 0.0;
  r.ii = v.ii.given ? v.ii.value : 0.0;
  r.addl = v.addl.given ? static_cast<int>(v.addl.value) : 0;
  r.ss = v.ss.given ? static_cast<int>(v.ss.value) : 0;
  if (r.ss < 0 || r.ss > 2) {
    error(v.ss.where, key(Item::ss),
          "must be 0 (no steady state), 1 (steady state, replacing the amounts) or 2 (steady state, added) (got " +
              num(r.ss) + ")");
    r.ss = 0;
  }
  if (r.rate < 0) {
    const std::string& k = key(Item::rate);
    if (r.rate == -1)
      error(v.rate.where, k, "RATE -1 (rate modelled in $PK) is not supported: give the infusion rate in mg/h");
    else if (r.rate == -2)
      error(v.rate.where, k,
            "RATE -2 (duration modelled in $PK) is not supported: give RATE = AMT / duration, in mg/h");
    else
      error(v.rate.where, k, "must be > 0 (an infusion), 0 (a bolus), -1 or -2 (got " + num(r.rate) + ")");
    r.rate = 0;
  }
  if (r.ss > 0 && r.amt == 0 && r.rate > 0 && !v.amt.bad) {
    error(where(v, v.amt), key(Item::amt),
          "a steady-state constant infusion (SS " + num(r.ss) +
              " with AMT 0 and RATE > 0) is not supported: give AMT, RATE and II of the repeated infusion");
    return;
  }
  if (!(r.amt > 0) && !v.amt.bad)
    error(where(v, v.amt), key(Item::amt), kind + " needs AMT > 0 (got " + num(r.amt) + ")");
  if (r.addl < 0) error(v.addl.where, key(Item::addl), "must be >= 0 (got " + num(r.addl) + ")");
  if (r.addl > kMaxAddl)
    error(v.addl.where, key(Item::addl), "must be <= " + num(kMaxAddl) + " (got " + num(r.addl) + ")");
  if (r.ii < 0) error(v.ii.where, key(Item::ii), "must be >= 0 (got " + num(r.ii) + ")");
  if (r.rate > 0 && r.amt > 0 && !std::isfinite(r.amt / r.rate))
    error(v.rate.where, key(Item::rate),
          "the infusion would last AMT/RATE = " + num(r.amt) + " / " + num(r.rate) + " h, past any time");
  if (r.addl > 0 && r.ii > 0 && !std::isfinite(r.time + r.addl * r.ii))
    error(v.ii.where, key(Item::ii),
          "the last additional dose, at TIME + ADDL * II = " + num(r.time) + " + " + num(r.addl) + " * " + num(r.ii) +
              " h, is past any time");
  if (v.ii.bad) return;
  const bool has_ii = has(Item::ii);
  if (r.addl > 0 && !(r.ii > 0))
    error(has_ii ? v.ii.where : v.addl.where, has_ii ? key(Item::ii) : key(Item::addl),
          "ADDL " + num(r.addl) + " needs II > 0, the interval between the doses (got " +
              (has_ii ? num(r.ii) : std::string("no II column")) + ")");
  if (r.ss > 0 && !(r.ii > 0))
    error(has_ii ? v.ii.where : v.ss.where, has_ii ? key(Item::ii) : key(Item::ss),
          "a steady-state dose (SS " + num(r.ss) + ") needs II > 0, the dosing interval (got " +
              (has_ii ? num(r.ii) : std::string("no II column")) + ")");
}

void DataSetBuilder::rule_not_dose(const Fields& v, DataRecord&) {
  struct Item_ {
    const Value* value;
    Item item;
  };
  for (const Item_& d : {Item_{&v.amt, Item::amt}, Item_{&v.rate, Item::rate}, Item_{&v.ii, Item::ii},
                         Item_{&v.addl, Item::addl}, Item_{&v.ss, Item::ss}}) {
    if (d.value->given && d.value->value != 0) {
      const Evid e = v.evid.given ? static_cast<Evid>(static_cast<int>(v.evid.value)) : Evid::observation;
      error(d.value->where, key(d.item),
            "must be 0 or '.' on " + record_kind(e) + ": dose items belong on dose records (EVID 1 or 4)");
    }
  }
}

const DataCompartment* DataSetBuilder::find_compartment(int cmt) const {
  for (const auto& c : opt_.compartments)
    if (c.cmt == cmt) return &c;
  return nullptr;
}

void DataSetBuilder::rule_cmt(const Fields& v, DataRecord& r) {
  if (v.cmt.bad) return;
  int c = v.cmt.given ? static_cast<int>(v.cmt.value) : 0;
  if (c < 0) {
    error(v.cmt.where, key(Item::cmt),
          "must be >= 1 (got " + num(c) + "): turning a compartment off (a negative CMT) is not supported");
    return;
  }
  if (c == 0 && r.is_dose()) {
    if (opt_.default_dose_cmt <= 0) {
      error(where(v, v.cmt), key_or(v.cmt, Item::cmt),
            record_kind(r.evid) + " needs a CMT: this model has no default dose compartment (" +
                compartment_list() + ")");
      return;
    }
    c = opt_.default_dose_cmt;
  }
  if (c > 0 && !opt_.compartments.empty()) {
    const DataCompartment* comp = find_compartment(c);
    if (!comp) {
      error(where(v, v.cmt), key_or(v.cmt, Item::cmt),
            "unknown compartment " + num(c) + " (this model's compartments: " + compartment_list() + ")");
      return;
    }
    if (r.is_dose() && r.rate > 0 && !comp->infusion)
      error(v.rate.where, key(Item::rate),
            "CMT " + num(c) + (comp->name.empty() ? "" : " (" + comp->name + ")") +
                " takes bolus doses only: RATE must be 0 (got " + num(r.rate) + ")");
  }
  r.cmt = c;
}

std::string DataSetBuilder::output_name(const Fields& v) {
  std::string name = v.output;
  if (name.empty() || opt_.outputs.empty()) return name;
  const std::string list = join(opt_.outputs);
  if (v.output_is_dvid) {
    std::string ignored;
    if (const auto k = parse_double(name, Range{}, ignored)) {
      if (*k >= 1 && *k <= static_cast<double>(opt_.outputs.size()) && *k == std::floor(*k))
        return opt_.outputs[static_cast<std::size_t>(*k) - 1];
      error(v.output_where, *v.output_key,
            "DVID " + name + " names no output: a number k is the k-th of the model's outputs (" + list + ")");
      return "";
    }
  }
  if (std::find(opt_.outputs.begin(), opt_.outputs.end(), name) != opt_.outputs.end()) return name;
  const std::string hint = closest_match(name, opt_.outputs);
  error(v.output_where, *v.output_key,
        "unknown output " + quote_for_message(name) + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
            "; the model's outputs: " + list);
  return "";
}

void DataSetBuilder::rule_observation(const Fields& v, DataRecord& r) {
  if (v.mdv.given && v.mdv.value != 0 && v.mdv.value != 1)
    error(v.mdv.where, key(Item::mdv), "must be 0 or 1 (got " + num(v.mdv.value) + ")");
  if (r.evid != Evid::observation) {
    if (v.mdv.given && v.mdv.value == 0)
      error(v.mdv.where, key(Item::mdv),
            "must be 1 on " + record_kind(r.evid) + ": only observation records (EVID 0) carry a DV");
    r.mdv = true;
    return;
  }
  if (v.dv.given) r.dv = v.dv.value;
  r.mdv = v.mdv.given ? v.mdv.value != 0 : !v.dv.given;
  if (!r.mdv && !v.dv.given) {
    if (opt_.fitting && !v.dv.bad)
      error(where(v, v.dv), key_or(v.dv, Item::dv), "an observation with MDV 0 needs a DV value");
    r.mdv = true;
  }
  r.output = output_name(v);
  if (opt_.fitting && !r.mdv && v.output.empty() && v.output_key)
    error(v.output_where, *v.output_key,
          "an observation (MDV 0) needs the name of the output its DV is of" +
              (opt_.outputs.empty() ? std::string() : " (one of " + join(opt_.outputs) + ")"));
  if (v.lloq.given) {
    if (v.lloq.value > 0) r.lloq = v.lloq.value;
    else error(v.lloq.where, key(Item::lloq), "must be > 0 (got " + num(v.lloq.value) + ")");
  }
  if (!v.blq.given) return;
  if (v.blq.value != 0 && v.blq.value != 1) {
    error(v.blq.where, key(Item::blq), "must be 0 or 1 (got " + num(v.blq.value) + ")");
    return;
  }
  r.blq = v.blq.value == 1;
  if (r.blq && std::isnan(r.lloq)) {
    if (v.dv.given && v.dv.value > 0) r.lloq = v.dv.value;
    else if (!v.lloq.bad && !v.dv.bad)
      error(v.blq.where, key(Item::blq),
            "a below-quantification observation (BLQ 1) needs its limit: an LLOQ column, or the limit in DV");
  }
}

void DataSetBuilder::rule_order(const Fields& v, DataRecord& r) {
  if (!in_individual_ || r.id != current_.id) {
    if (in_individual_) closed_ids_.emplace(current_.id, current_.first_line);
    const auto seen = closed_ids_.find(r.id);
    if (seen != closed_ids_.end())
      error(v.id.where, key(Item::id),
            "ID " + num(r.id) + " appears again after ID " + num(current_.id) + " (its records start on line " +
                std::to_string(seen->second) +
                "): NONMEM would read this as a new individual; put each ID's records together, or give the new "
                "individual an ID of its own");
    current_ = Individual{r.id, r.line};
    in_individual_ = true;
    data_.individuals_.push_back(DataSet::Individual{r.id, data_.records_.size(), data_.records_.size()});
  } else if (r.time < last_time_ && !r.is_reset()) {
    error(v.time.where, key(Item::time),
          num(r.time) + " is before " + num(last_time_) + " on line " + std::to_string(last_time_line_) +
              ": the records of an ID must be in time order (only a reset, EVID 3 or 4, may go back)");
  }
  last_time_ = r.time;
  last_time_line_ = r.line;
}

void DataSetBuilder::check_individuals() {
  auto& ind = data_.individuals_;
  for (std::size_t k = 0; k < ind.size(); ++k) ind[k].end = k + 1 < ind.size() ? ind[k + 1].begin : data_.records_.size();
  if (!opt_.fitting) return;
  const auto& recs = data_.records_;
  const std::size_t id_col = has(Item::id) ? index_[static_cast<int>(Item::id)] : 0;
  const std::size_t time_col = index_[static_cast<int>(Item::time)];
  for (const auto& i : ind) {
    std::size_t first_dose = i.end, first_obs = i.end, last_obs = i.end;
    for (std::size_t r = i.begin; r < i.end; ++r) {
      if (recs[r].is_dose() && first_dose == i.end) first_dose = r;
      if (recs[r].is_observed()) {
        if (first_obs == i.end) first_obs = r;
        last_obs = r;
      }
    }
    const std::string id = "ID " + num(i.id);
    if (first_obs == i.end) {
      error(data_.mark(i.begin, id_col), data_.columns_[id_col],
            id + " has no observation to fit (an EVID 0 record with MDV 0 and a DV)");
    } else if (first_dose == i.end) {
      error(data_.mark(first_obs, time_col), data_.columns_[time_col],
            id + " has no dose record: its observations cannot tell how the drug acts");
    } else if (last_obs < first_dose) {
      error(data_.mark(first_obs, time_col), data_.columns_[time_col],
            "every observation of " + id + " comes before its first dose (line " +
                std::to_string(recs[first_dose].line) + "): nothing here tells how the drug acts");
    }
  }
}

}  // namespace twinsim::core
