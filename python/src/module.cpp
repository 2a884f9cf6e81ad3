// The compiled half of the `twinsim` Python module (python/twinsim/__init__.py
// is the other): a run into the in-memory sink with the GIL released, the
// OC report of a run or a file as `report --format csv` prints it, and the
// diagnostics of a scenario. Tables leave as dicts of NumPy arrays named as
// the HDF5 datasets (results/table_names.hpp), so the Python side only wraps them.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>

#include "twinsim/core/error.hpp"
#include "twinsim/trial/io/result_reader.hpp"
#include "twinsim/trial/report/oc_format.hpp"
#include "twinsim/trial/results/memory_sink.hpp"
#include "twinsim/trial/runner/run.hpp"
#include "twinsim/trial/scenario/scenario.hpp"

namespace py = pybind11;
using namespace twinsim;

namespace {

trial::Scenario load(const std::string& source, bool is_text) {
  return is_text ? trial::load_scenario_text(source, "<text>") : trial::load_scenario_file(source);
}

// A column as a NumPy array that owns a copy: [rows] or [rows, width].
py::array column_array(const trial::ResultColumn& c) {
  const std::size_t rows = c.rows();
  std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(rows)};
  if (c.width > 0) shape.push_back(static_cast<py::ssize_t>(c.width));
  if (c.integer) {
    py::array_t<std::int64_t> a(shape);
    std::copy(c.ints.begin(), c.ints.end(), a.mutable_data());
    return std::move(a);
  }
  py::array_t<double> a(shape);
  std::copy(c.doubles.begin(), c.doubles.end(), a.mutable_data());
  return std::move(a);
}

py::dict design_dict(const trial::DesignResults& d) {
  py::dict tables;
  for (const auto& t : d.tables) {
    py::dict columns;  // a dict keeps the columns in the order the run made them
    for (const auto& c : t.columns) columns[py::str(c.name)] = column_array(c);
    tables[py::str(t.name)] = columns;
  }
  py::dict out;
  out["name"] = d.info.name;
  out["type"] = d.info.type;
  out["tables"] = tables;
  out["time"] = py::array_t<double>(static_cast<py::ssize_t>(d.time_grid.size()), d.time_grid.data());
  return out;
}

py::dict run(const std::string& source, bool is_text, std::optional<std::int64_t> replicates,
             std::optional<std::uint64_t> seed, int threads) {
  trial::Scenario s = load(source, is_text);
  if (replicates) s.replicates = *replicates;
  if (seed) s.seed = *seed;
  trial::RunOptions options;
  options.threads = threads;
  options.label = "<memory>";
  trial::MemorySink sink;
  trial::RunSummary summary;
  {
    py::gil_scoped_release release;  // the run holds no Python object
    summary = trial::run(s, sink, options);
  }
  const trial::MemoryResults& m = sink.results();
  py::dict out;
  out["scenario_name"] = m.run.scenario_name;
  out["scenario_yaml"] = m.run.scenario_yaml;
  out["seed"] = m.run.seed;
  out["replicates"] = m.run.replicates;
  out["mode"] = m.run.pkpd ? "pkpd" : "design_only";
  out["dose_levels"] = m.run.dose_levels;
  if (m.truth) out["truth"] = m.truth->p;
  py::list designs;
  for (const auto& d : m.designs) designs.append(design_dict(d));
  out["designs"] = designs;
  out["oc_csv"] = trial::format_report(summary.oc, trial::OcFormat::kCsv);
  return out;
}

std::string report_csv(const std::string& path) {
  return trial::format_report(trial::read_oc_report(path), trial::OcFormat::kCsv);
}

// Every diagnostic of the scenario; empty when it is valid.
py::list validate(const std::string& source, bool is_text) {
  py::list out;
  try {
    (void)load(source, is_text);
  } catch (const core::ScenarioError& e) {
    for (const auto& d : e.diagnostics()) {
      py::dict item;
      item["file"] = d.mark.file;
      item["line"] = d.mark.line;
      item["column"] = d.mark.column;
      item["key_path"] = d.key_path;
      item["message"] = d.message;
      item["text"] = d.format();
      out.append(item);
    }
  }
  return out;
}

}  // namespace

PYBIND11_MODULE(_twinsim, m) {
  m.doc() = "twinsim's compiled core; use the twinsim package (docs/python.md)";
  // Bad input (the CLI's exit 2) and run-time failures (exit 1).
  static py::exception<core::ScenarioError> scenario_error(m, "ScenarioError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const core::ScenarioError& e) {
      std::string text;
      for (const auto& d : e.diagnostics()) text += (text.empty() ? "" : "\n") + d.format();
      scenario_error(text.empty() ? e.what() : text.c_str());
    }
  });
  py::register_exception<core::UsageError>(m, "UsageError", PyExc_ValueError);
  py::register_exception<core::RuntimeError>(m, "RuntimeError", PyExc_RuntimeError);
  m.def("run", &run, py::arg("source"), py::arg("is_text"), py::arg("replicates") = py::none(),
        py::arg("seed") = py::none(), py::arg("threads") = 0);
  m.def("report_csv", &report_csv, py::arg("path"));
  m.def("validate", &validate, py::arg("source"), py::arg("is_text"));
}
