// twinsim compare OUT.h5 [OTHER.h5 ...] [--format table|csv|json|markdown]
#include <cstdio>
#include <vector>

#include "commands.hpp"
#include "twinsim/trial/report/oc_format.hpp"
#include "twinsim/trial/io/result_reader.hpp"
#include "twinsim/trial/sweep/sweep_report.hpp"
#include "twinsim/core/error.hpp"

namespace twinsim::cli {

int compare_command(const CompareArgs& a) {
  const trial::OcFormat format = trial::parse_oc_format(a.format);  // UsageError -> exit 2
  for (const auto& f : a.files) {
    if (!trial::is_sweep_file(f)) continue;
    if (a.files.size() > 1)
      throw core::UsageError("'" + f + "' is a merged sweep file: compare it on its own (twinsim compare " + f + ")");
    const std::string text = trial::format_sweep_comparison(trial::read_sweep_report(f, a.target), format);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  // All files are read together: paired differences need each design's
  // trials side by side with the reference's (compare_reports keeps
  // pointers into the vector).
  std::vector<trial::OcReport> reports = trial::read_oc_reports(a.files);  // RuntimeError -> exit 1
  for (const auto& r : reports) print_oc_warnings(r);
  trial::assume_targets(reports, a.target);
  const trial::Comparison c = trial::compare_reports(reports);
  const std::string text = trial::format_comparison(c, format);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace twinsim::cli
