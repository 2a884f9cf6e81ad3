#include "twinsim/trial/io/simulate_file.hpp"

#include <algorithm>

#include "twinsim/core/error.hpp"
#include "twinsim/core/h5.hpp"
#include "twinsim/core/version.hpp"
#include "twinsim/trial/io/hdf5_sink.hpp"
#include "twinsim/trial/io/schema.hpp"

namespace twinsim::trial {

namespace attr = schema::attr;
namespace col = schema::simcol;

namespace {

// A model output or parameter named like a fixed column would overwrite it.
void check_names(const std::vector<std::string>& names, const std::vector<const char*>& fixed, const char* what,
                 const char* group) {
  for (const auto& n : names)
    if (std::find_if(fixed.begin(), fixed.end(), [&](const char* f) { return n == f; }) != fixed.end())
      throw core::UsageError("simulate -o: the model's " + std::string(what) + " '" + n + "' has the name of a column of " +
                             group + "; rename it in the scenario");
}

}  // namespace

void write_simulate_file(const std::string& path, bool overwrite, const SimulateFile& f,
                         const std::vector<core::InputFile>& inputs) {
  const DataSimulation& r = f.result;
  check_names(r.outputs, {col::kId, col::kTime, col::kRecord, col::kSolveStatus}, "output", "/simulate/observations");
  check_names(r.parameter_names, {col::kId, col::kSolveStatus}, "parameter", "/simulate/individuals");
  core::H5Writer h5(path, overwrite, inputs);
  const std::string root = schema::kRoot;
  h5.attribute(root, attr::kTwinsimVersion, std::string(core::version()));
  h5.attribute(root, attr::kSchemaVersion, static_cast<std::int64_t>(core::kSchemaVersion));
  h5.attribute(root, attr::kMode, std::string(schema::kModeSimulate));
  h5.attribute(root, attr::kScenarioName, f.scenario_name);
  h5.attribute(root, attr::kScenarioFile, f.scenario_file);
  h5.attribute(root, attr::kScenarioYaml, f.scenario_yaml);
  h5.attribute(root, attr::kDataFile, f.data_file);
  h5.attribute(root, attr::kSeed, static_cast<std::int64_t>(f.seed));
  h5.attribute(root, attr::kIiv, static_cast<std::int64_t>(f.iiv ? 1 : 0));
  h5.attribute(root, attr::kCreatedUtc, utc_now_iso8601());
  h5.create_group(schema::kSimulate);
  h5.write(schema::kSimulateOutputs, r.outputs);
  h5.write(schema::kSimulateParameterNames, r.parameter_names);
  h5.write(schema::kSimulateDataCsv, std::vector<std::string>{f.data_csv});

  const std::string obs = schema::kSimulateObservations;
  std::vector<double> id, time;
  std::vector<std::int64_t> line, status;
  for (const auto& row : r.rows) {
    id.push_back(row.id);
    time.push_back(row.time);
    line.push_back(row.line);
    status.push_back(static_cast<std::int64_t>(row.status));
  }
  h5.write(obs + col::kRecord, line);
  h5.write(obs + col::kId, id);
  h5.write(obs + col::kTime, time);
  h5.write(obs + col::kSolveStatus, status);
  for (std::size_t k = 0; k < r.outputs.size(); ++k) {
    std::vector<double> v;
    v.reserve(r.rows.size());
    for (const auto& row : r.rows) v.push_back(row.values[k]);
    h5.write(obs + r.outputs[k], v);
  }

  const std::string ind = schema::kSimulateIndividuals;
  id.clear();
  status.clear();
  for (const auto& i : r.individuals) {
    id.push_back(i.id);
    status.push_back(static_cast<std::int64_t>(i.status));
  }
  h5.write(ind + col::kId, id);
  h5.write(ind + col::kSolveStatus, status);
  for (std::size_t p = 0; p < r.parameter_names.size(); ++p) {
    std::vector<double> v;
    for (const auto& i : r.individuals) v.push_back(i.parameters[p]);
    h5.write(ind + r.parameter_names[p], v);
  }

  const std::string dos = schema::kSimulateDoses;
  std::vector<double> dtime, amt, rate;
  std::vector<std::int64_t> cmt, additional, ss;
  id.clear();
  line.clear();
  for (const auto& d : r.doses) {
    id.push_back(d.id);
    dtime.push_back(d.time);
    amt.push_back(d.amt);
    rate.push_back(d.rate);
    cmt.push_back(d.cmt);
    line.push_back(d.line);
    additional.push_back(d.additional ? 1 : 0);
    ss.push_back(d.ss);
  }
  h5.write(dos + col::kId, id);
  h5.write(dos + col::kTime, dtime);
  h5.write(dos + col::kAmt, amt);
  h5.write(dos + col::kRate, rate);
  h5.write(dos + col::kCmt, cmt);
  h5.write(dos + col::kRecord, line);
  h5.write(dos + col::kAdditional, additional);
  h5.write(dos + col::kSs, ss);
  h5.attribute(root, attr::kComplete, std::int64_t{1});
  h5.commit();
}

}  // namespace twinsim::trial
