// The one writer of NONMEM-format data sets (see write_data_set).
#include "nonmem_reader.hpp"
#include "twinsim/core/config.hpp"

#include <cmath>

namespace twinsim::core {

namespace {

// RFC 4180 quoting where a field would not read back as written.
std::string csv_field(const std::string& s) {
  const bool quote = s.find_first_of(",\"\r\n") != std::string::npos ||
                     (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.back() == ' ' || s.back() == '\t'));
  if (!quote) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string num_or_missing(double v) { return std::isnan(v) ? std::string(".") : format_number(v); }

}  // namespace

std::string write_data_set(const DataSet& data) {
  const bool output = data.has_column("OUTPUT") || data.has_column("DVID");
  const bool blq = data.has_column("BLQ");
  const bool lloq = data.has_column("LLOQ");
  std::string out = "ID,TIME,EVID,AMT,RATE,II,ADDL,CMT,SS,MDV,DV";
  if (output) out += ",OUTPUT";
  if (blq) out += ",BLQ";
  if (lloq) out += ",LLOQ";
  for (const auto& name : data.extra_names()) out += "," + csv_field(name);
  out += "\n";
  const std::size_t n_extra = data.extra_names().size();
  for (std::size_t r = 0; r < data.records().size(); ++r) {
    const DataRecord& d = data.records()[r];
    const bool obs = d.evid == Evid::observation;
    out += format_number(d.id) + "," + format_number(d.time) + "," + std::to_string(static_cast<int>(d.evid)) + "," +
           format_number(d.amt) + "," + format_number(d.rate) + "," + format_number(d.ii) + "," +
           std::to_string(d.addl) + "," + std::to_string(d.cmt) + "," + std::to_string(d.ss) + "," +
           (d.mdv ? "1" : "0") + "," + num_or_missing(d.dv);
    if (output) out += "," + (d.output.empty() ? std::string(".") : csv_field(d.output));
    if (blq) out += obs ? (d.blq ? ",1" : ",0") : ",.";
    if (lloq) out += "," + (obs ? num_or_missing(d.lloq) : std::string("."));
    for (std::size_t c = 0; c < n_extra; ++c) {
      const std::string& t = data.extra_text(r, c);
      out += "," + (is_missing(t) ? std::string(".") : csv_field(t));
    }
    out += "\n";
  }
  return out;
}

}  // namespace twinsim::core
