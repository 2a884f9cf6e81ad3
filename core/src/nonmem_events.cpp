#include "twinsim/core/nonmem_events.hpp"

#include "twinsim/core/config.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

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

// Events of one individual: far beyond any regimen (two years of hourly
// records are 17,520), short of exhausting memory.
constexpr std::size_t kMaxEvents = 1'000'000;

// The additional doses of one dose record, made one at a time: dose j is at
// TIME + j·II (not accumulated, so no drift over many doses).
struct Schedule {
  DataEvent next;
  int j = 1, addl = 0;
  double start = 0.0, ii = 0.0;
  std::size_t order = 0;  // among doses due at the same time, earlier-scheduled first
};

struct LaterFirst {
  bool operator()(const Schedule& a, const Schedule& b) const {
    return a.next.time != b.next.time ? a.next.time > b.next.time : a.order > b.order;
  }
};

}  // namespace

std::vector<DataEvent> expand_events(const DataSet& data, std::size_t k) {
  const DataSet::Individual& ind = data.individuals().at(k);
  const auto& recs = data.records();
  std::vector<DataEvent> out;
  std::priority_queue<Schedule, std::vector<Schedule>, LaterFirst> pending;
  auto push = [&](const DataEvent& e) {
    if (out.size() == kMaxEvents) {
      const std::size_t id_col = data.has_column("ID") ? data.column("ID") : 0;
      throw DataSetError(data.mark(ind.begin, id_col), data.has_column("ID") ? data.column_names()[id_col] : "",
                         "ID " + format_number(ind.id) + " has more than " +
                             format_number(static_cast<double>(kMaxEvents)) +
                             " events with its additional doses: write the regimen with fewer of them");
    }
    out.push_back(e);
  };
  // Gives the additional doses due at or before t; `values_record` is the
  // next record (NOCB), or the last one for doses after it.
  auto give_until = [&](double t, std::size_t values_record) {
    while (!pending.empty() && pending.top().next.time <= t) {
      Schedule s = pending.top();
      pending.pop();
      s.next.values_record = values_record;
      push(s.next);
      if (s.j < s.addl) {
        ++s.j;
        s.next.time = s.start + s.j * s.ii;
        pending.push(s);
      }
    }
  };
  std::size_t order = 0;
  for (std::size_t r = ind.begin; r < ind.end; ++r) {
    const DataRecord& rec = recs[r];
    give_until(rec.time, r);
    if (rec.is_reset() || (rec.is_dose() && rec.ss == 1)) pending = {};
    const DataEvent e = event_of(rec, r);
    push(e);
    if (!rec.is_dose() || rec.addl <= 0) continue;
    Schedule s;
    s.next = e;
    s.next.time = rec.time + rec.ii;
    s.next.evid = Evid::dose;
    s.next.ss = 0;
    s.next.additional = true;
    s.addl = rec.addl;
    s.start = rec.time;
    s.ii = rec.ii;
    s.order = order++;
    pending.push(s);
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
