#include "twinsim/core/nonmem_events.hpp"

#include "twinsim/core/config.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

namespace twinsim::core {

namespace {

DataEvent event_of(const DataRecord& rec, std::size_t r) {
  DataEvent e;
  e.time = rec.time;
  e.evid = rec.evid;
  e.amt = rec.amt;
  e.rate = rec.rate;
  e.cmt = rec.cmt;
  e.ss = rec.ss;
  e.ii = rec.ii;
  e.record = r;
  e.values_record = r;
  return e;
}

bool earlier(const DataEvent& a, const DataEvent& b) { return a.time < b.time; }

}  // namespace

std::vector<DataEvent> expand_events(const DataSet& data, std::size_t k) {
  const DataSet::Individual& ind = data.individuals().at(k);
  const auto& recs = data.records();
  std::vector<DataEvent> out, pending, merged, fresh;
  std::size_t head = 0;  // pending[head..] are the additional doses not given yet, in time order
  // Gives the pending doses due at or before t; `values_record` is the next
  // record (NOCB), or the last one for doses after it.
  auto give_until = [&](double t, std::size_t values_record) {
    for (; head < pending.size() && pending[head].time <= t; ++head) {
      pending[head].values_record = values_record;
      out.push_back(pending[head]);
    }
  };
  for (std::size_t r = ind.begin; r < ind.end; ++r) {
    const DataRecord& rec = recs[r];
    give_until(rec.time, r);
    if (rec.is_reset() || (rec.is_dose() && rec.ss == 1)) head = pending.size();
    const DataEvent e = event_of(rec, r);
    out.push_back(e);
    if (!rec.is_dose() || rec.addl <= 0) continue;
    fresh.clear();
    for (int j = 1; j <= rec.addl; ++j) {
      DataEvent a = e;
      a.time = rec.time + j * rec.ii;  // not accumulated: no drift over many doses
      a.evid = Evid::dose;
      a.ss = 0;
      a.additional = true;
      fresh.push_back(a);
    }
    // std::merge keeps earlier-scheduled doses first among equal times.
    merged.clear();
    std::merge(pending.begin() + static_cast<std::ptrdiff_t>(head), pending.end(), fresh.begin(), fresh.end(),
               std::back_inserter(merged), earlier);
    pending.swap(merged);
    head = 0;
  }
  if (ind.end > ind.begin) give_until(std::numeric_limits<double>::infinity(), ind.end - 1);
  return out;
}

ParameterBinding::ParameterBinding(const DataSet& data, const std::vector<std::string>& parameter_names) {
  for (std::size_t p = 0; p < parameter_names.size(); ++p) {
    const std::size_t c = data.extra_column(parameter_names[p]);
    if (c < data.extra_names().size()) {
      parameters_.push_back(p);
      columns_.push_back(c);
    }
  }
  const std::size_t nb = parameters_.size();
  values_.assign(data.records().size() * nb, std::numeric_limits<double>::quiet_NaN());
  Diagnostics diag;
  for (std::size_t b = 0; b < nb; ++b) {
    const std::size_t c = columns_[b];
    const std::string& name = data.extra_names()[c];
    const std::size_t file_col = data.extra_file_column(c);
    if (!data.extra_is_numeric(c)) {
      const std::size_t r = data.extra_text_record(c);
      diag.error(data.mark(r, file_col), name,
                 "expected a number or '.' (missing), got '" + data.extra_text(r, c) +
                     "': the column sets the model parameter " + name);
      continue;
    }
    for (const auto& ind : data.individuals()) {
      double last = std::numeric_limits<double>::quiet_NaN();
      std::size_t first = ind.end;
      for (std::size_t r = ind.begin; r < ind.end; ++r) {
        const double x = data.extra(r, c);
        if (!std::isnan(x)) {
          last = x;
          if (first == ind.end) first = r;
        }
        values_[r * nb + b] = last;
      }
      if (first == ind.end) {
        diag.error(data.mark(ind.begin, file_col), name,
                   "ID " + format_number(ind.id) + " has no value in this column (every record has '.'), which sets the "
                   "model parameter " + name);
        continue;
      }
      for (std::size_t r = ind.begin; r < first; ++r) values_[r * nb + b] = data.extra(first, c);
    }
  }
  if (!diag.empty()) throw DataSetError(diag.items());
}

void ParameterBinding::apply(std::size_t r, double* params) const {
  for (std::size_t b = 0; b < parameters_.size(); ++b) params[parameters_[b]] = value(r, b);
}

}  // namespace twinsim::core
