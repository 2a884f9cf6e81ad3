// twinsim report OUT.h5 [--format table|csv|json|markdown|html] [-o FILE [--force]]
#include <cstdio>
#include <fstream>
#include <vector>

#include "commands.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/core/file_safety.hpp"
#include "twinsim/trial/io/result_reader.hpp"
#include "twinsim/trial/report/html_report.hpp"
#include "twinsim/trial/report/oc_format.hpp"
#include "twinsim/trial/sweep/sweep_report.hpp"

namespace twinsim::cli {

namespace {

// Writes next to the final name and renames, so a failed write never leaves
// a partial report under it (as the HDF5 writer does).
void write_output(const ReportArgs& a, const std::string& text) {
  if (a.output.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return;
  }
  const std::string path = core::checked_output_path(a.output, a.force, {{"result file", a.file}});
  const std::string temp = path + ".partial";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
      std::remove(temp.c_str());
      throw core::RuntimeError("cannot write '" + temp + "'");
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    throw core::RuntimeError("cannot rename '" + temp + "' to '" + path + "'");
  }
}

}  // namespace

void print_oc_warnings(const trial::OcReport& r) {
  for (const auto& w : r.warnings) std::fprintf(stderr, "twinsim: warning: %s\n", w.c_str());
  for (const auto& d : r.designs)
    for (const auto& w : d.warnings) std::fprintf(stderr, "twinsim: warning: %s\n", w.c_str());
}

int report_command(const ReportArgs& a) {
  const bool html = a.format == "html";
  if (html && a.output.empty()) throw core::UsageError("--format html needs -o REPORT.html");
  if (trial::is_sweep_file(a.file)) {
    const trial::SweepReport r = trial::read_sweep_report(a.file, a.target);
    write_output(a, html ? trial::html_sweep_report(r, trial::HtmlOptions{})
                         : trial::format_sweep_report(r, trial::parse_oc_format(a.format)));
    return 0;
  }
  std::vector<trial::OcReport> r;
  r.push_back(trial::read_oc_report(a.file));  // RuntimeError -> exit 1
  if (a.target) trial::assume_targets(r, a.target);
  print_oc_warnings(r[0]);
  write_output(a, html ? trial::html_run_report(r[0], a.file)
                       : trial::format_report(r[0], trial::parse_oc_format(a.format)));
  return 0;
}

}  // namespace twinsim::cli
