// [e2e] The Python and R examples of docs/hdf5-schema.md, taken from the doc
// itself and run on freshly written files: every column of the data frame they
// build has its dataset's name and values, and strings are strings.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include "doc_blocks.hpp"
#include "test_support.hpp"
#include "twinsim/core/h5.hpp"

using namespace twinsim;

namespace {

const std::string kDoc = test::source_dir() + "/docs/hdf5-schema.md";

// Printed after the doc's code: one line per column of data frame `df`,
// "COL <name> <cell>...", a cell "S:<text>" for a string, "N:<%.17g>" for a number.
std::string python_dump(const std::string& df) {
  return "\ndef _cell(v):\n"
         "    if isinstance(v, str): return 'S:' + v\n"
         "    if isinstance(v, bytes): return 'BYTES:' + repr(v)\n"
         "    return 'N:%.17g' % float(v)\n"
         "for _k in " + df + ".columns:\n"
         "    print('COL\\t' + _k + '\\t' + '\\t'.join(_cell(x) for x in " + df + "[_k]))\n";
}

std::string r_dump(const std::string& df) {
  return "\n.cell <- function(v) if (is.character(v)) paste0('S:', v) else sprintf('N:%.17g', as.numeric(v))\n"
         "for (.k in names(" + df + ")) { cat('COL', .k, .cell(" + df + "[[.k]]), sep = '\\t'); cat('\\n') }\n";
}

std::map<std::string, std::vector<std::string>> columns_of(const std::string& output) {
  std::map<std::string, std::vector<std::string>> out;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("COL\t", 0) != 0) continue;
    std::vector<std::string> cells;
    std::size_t start = 4;
    for (;;) {
      const auto tab = line.find('\t', start);
      cells.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    const std::string name = cells.front();
    cells.erase(cells.begin());
    out[name] = cells;
  }
  return out;
}

bool same_number(const std::string& cell, double want) {
  if (cell.rfind("N:", 0) != 0) return false;
  const double got = std::strtod(cell.c_str() + 2, nullptr);
  return (std::isnan(got) && std::isnan(want)) || got == want;
}

// Every dataset of `group` is a column of the dump with the same values.
void check_columns(const core::H5Reader& h5, const std::string& group,
                   const std::map<std::string, std::vector<std::string>>& got) {
  for (const auto& name : h5.children(group)) {
    INFO("column " << name);
    const auto it = got.find(name);
    REQUIRE(it != got.end());
    const std::string path = group + "/" + name;
    std::vector<std::string> strings;
    std::vector<double> numbers;
    try {
      numbers = h5.read_doubles(path);
    } catch (const std::exception&) {
      strings = h5.read_strings(path);
    }
    const auto& cells = it->second;
    REQUIRE(cells.size() == std::max(numbers.size(), strings.size()));
    for (std::size_t i = 0; i < cells.size(); ++i) {
      INFO("row " << i << ": " << cells[i]);
      if (strings.empty()) CHECK(same_number(cells[i], numbers[i]));
      else CHECK(cells[i] == "S:" + strings[i]);
    }
  }
}

bool have(const std::string& probe, const std::string& what) {
  if (test::run_command(probe).exit_code == 0) return true;
  WARN(what << " is not installed (scripts/install-deps.sh installs it): the doc example is not run");
  return false;
}

struct Files {
  test::TempDir dir{"doc-examples"};
  Files() {
    const std::string configs = test::source_dir() + "/configs";
    REQUIRE(test::run_cli("run " + test::quote(configs + "/oral_pk_fixed_arms.yaml") + " -o " +
                          test::quote(dir.file("out.h5")) + " --quiet")
                .exit_code == 0);
    // configs/sweeps/design_only_grid.yaml with fewer replicates: a number
    // axis named with brackets and a text-valued axis.
    test::write_file(dir.file("grid.yaml"), "base: " + configs + "/design_only_3p3_boin_crm.yaml\n"
                                            "axes:\n"
                                            "  replicates: [100]\n"
                                            "  designs[boin].target: [0.25, 0.30]\n"
                                            "  toxicity.true_dlt_probabilities:\n"
                                            "    - [0.05, 0.10, 0.20, 0.30, 0.50]\n"
                                            "    - [0.10, 0.25, 0.40, 0.55, 0.70]\n");
    REQUIRE(test::run_cli("sweep " + test::quote(dir.file("grid.yaml")) + " -o " + test::quote(dir.file("sweep")) +
                          " --quiet")
                .exit_code == 0);
    REQUIRE(test::run_cli("merge " + test::quote(dir.file("sweep")) + " -o " + test::quote(dir.file("sweep.h5")) +
                          " --quiet")
                .exit_code == 0);
  }
  // Runs `code` with `interpreter` in the folder of the files.
  test::CommandResult run(const std::string& interpreter, const std::string& code, const std::string& name) const {
    test::write_file(dir.file(name), code);
    return test::run_command("cd " + test::quote(dir.path().string()) + " && " + interpreter + " " + name);
  }
};

void check_sweep_table(const Files& files, const test::CommandResult& r) {
  const core::H5Reader h5(files.dir.file("sweep.h5"));
  const auto got = columns_of(r.output);
  check_columns(h5, "/variant_table", got);
  CHECK(got.size() == h5.children("/variant_table").size() + 1);
  REQUIRE(got.count("pcs_boin") == 1);
  const auto ids = h5.read_strings("/variant_table/id");
  REQUIRE(got.at("pcs_boin").size() == ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i)
    CHECK(same_number(got.at("pcs_boin")[i], h5.read_doubles("/variants/" + ids[i] + "/designs/boin/oc/pcs").at(0)));
  // The text-valued axis is a column of strings, not of bytes.
  CHECK(got.at("toxicity.true_dlt_probabilities").at(0) == "S:[0.05, 0.10, 0.20, 0.30, 0.50]");
}

}  // namespace

TEST_CASE("docs/hdf5-schema.md: the Python examples read names, numbers and strings as they are", "[e2e]") {
  if (!have("/usr/bin/python3 -c 'import h5py, pandas'", "python3-h5py or python3-pandas")) return;
  const Files files;
  const auto run = files.run("/usr/bin/python3", test::doc_block(kDoc, "python-run-file") + python_dump("pat"), "run.py");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK(run.output.rfind("oral-2cmt-fixed-arms 1\n", 0) == 0);  // not b'oral-2cmt-fixed-arms'
  const core::H5Reader h5(files.dir.file("out.h5"));
  const auto got = columns_of(run.output);
  check_columns(h5, "/designs/arm-100/patients", got);
  CHECK(got.size() == h5.children("/designs/arm-100/patients").size());

  const auto sweep =
      files.run("/usr/bin/python3", test::doc_block(kDoc, "python-sweep-file") + python_dump("table"), "sweep.py");
  INFO(sweep.output);
  REQUIRE(sweep.exit_code == 0);
  check_sweep_table(files, sweep);
}

TEST_CASE("docs/hdf5-schema.md: the R examples keep the dataset names as column names", "[e2e]") {
  if (!have("Rscript -e 'library(hdf5r)' >/dev/null 2>&1", "R with hdf5r (r-cran-hdf5r)")) return;
  const Files files;
  const auto run = files.run("Rscript", test::doc_block(kDoc, "r-run-file") + r_dump("pat"), "run.R");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK(run.output.rfind("[1] \"oral-2cmt-fixed-arms\"\n", 0) == 0);
  const core::H5Reader h5(files.dir.file("out.h5"));
  const auto got = columns_of(run.output);
  check_columns(h5, "/designs/arm-100/patients", got);
  CHECK(got.size() == h5.children("/designs/arm-100/patients").size());

  const auto sweep = files.run("Rscript", test::doc_block(kDoc, "r-sweep-file") + r_dump("table"), "sweep.R");
  INFO(sweep.output);
  REQUIRE(sweep.exit_code == 0);
  check_sweep_table(files, sweep);
}

TEST_CASE("docs/hdf5-schema.md: the R reader gives every table as a data.frame named as the file", "[e2e]") {
  if (!have("Rscript -e 'library(hdf5r)' >/dev/null 2>&1", "R with hdf5r (r-cran-hdf5r)")) return;
  const Files files;
  const core::H5Reader h5(files.dir.file("out.h5"));
  for (const char* table : {"patients", "trials"}) {
    INFO(table);
    const std::string df = std::string(table) == "patients" ? "pat" : "trials";
    const auto run = files.run("Rscript",
                               test::doc_block(kDoc, "r-reader") + r_dump(df) +
                                   "cat('CLASS', class(" + df + "), '\\n')\n"
                                   "cat('PSELECT', sprintf('%.17g', r[['arm-100']]$oc$p_select), '\\n')\n",
                               std::string("reader-") + table + ".R");
    INFO(run.output);
    REQUIRE(run.exit_code == 0);
    CHECK(run.output.find("CLASS data.frame") != std::string::npos);
    const auto got = columns_of(run.output);
    const std::string group = std::string("/designs/arm-100/") + table;
    check_columns(h5, group, got);
    CHECK(got.size() == h5.children(group).size());
    std::string want = "PSELECT";
    for (double p : h5.read_doubles("/designs/arm-100/oc/p_select")) {
      char buf[40];
      std::snprintf(buf, sizeof buf, " %.17g", p);
      want += buf;
    }
    CHECK(run.output.find(want + " \n") != std::string::npos);
  }
}
