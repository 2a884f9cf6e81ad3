// twinsim report OUT.h5 [--format table|csv|json|markdown]
#include <cstdio>
#include <vector>

#include "commands.hpp"
#include "twinsim/trial/report/oc_format.hpp"
#include "twinsim/trial/io/result_reader.hpp"
#include "twinsim/trial/sweep/sweep_report.hpp"

namespace twinsim::cli {

void print_oc_warnings(const trial::OcReport& r) {
  for (const auto& w : r.warnings) std::fprintf(stderr, "twinsim: warning: %s\n", w.c_str());
  for (const auto& d : r.designs)
    for (const auto& w : d.warnings) std::fprintf(stderr, "twinsim: warning: %s\n", w.c_str());
}

int report_command(const ReportArgs& a) {
  const trial::OcFormat format = trial::parse_oc_format(a.format);  // UsageError -> exit 2
  if (trial::is_sweep_file(a.file)) {
    const std::string text = trial::format_sweep_report(trial::read_sweep_report(a.file, a.target), format);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  std::vector<trial::OcReport> r;
  r.push_back(trial::read_oc_report(a.file));  // RuntimeError -> exit 1
  if (a.target) trial::assume_targets(r, a.target);
  print_oc_warnings(r[0]);
  const std::string text = trial::format_report(r[0], format);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace twinsim::cli
