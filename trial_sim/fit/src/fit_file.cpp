#include "twinsim/trial/fit/fit_file.hpp"

#include <filesystem>

#include "twinsim/core/error.hpp"
#include "twinsim/core/h5.hpp"
#include "twinsim/core/version.hpp"
#include "twinsim/trial/io/hdf5_sink.hpp"
#include "twinsim/trial/io/schema.hpp"

namespace twinsim::trial {

namespace attr = schema::attr;

void write_fit_file(const std::string& path, bool overwrite, const FitFile& f,
                    const std::vector<core::InputFile>& inputs) {
  core::H5Writer h5(path, overwrite, inputs);
  const std::string root = schema::kRoot;
  h5.attribute(root, attr::kTwinsimVersion, std::string(core::version()));
  h5.attribute(root, attr::kSchemaVersion, static_cast<std::int64_t>(core::kSchemaVersion));
  h5.attribute(root, attr::kMode, std::string(schema::kModeFit));
  h5.attribute(root, attr::kScenarioName, f.scenario_name);
  h5.attribute(root, attr::kScenarioFile, f.scenario_file);
  h5.attribute(root, attr::kScenarioYaml, f.scenario_yaml);
  h5.attribute(root, attr::kDataFile, f.data_file);
  h5.attribute(root, attr::kCreatedUtc, utc_now_iso8601());
  const FitResult& r = f.result;
  const std::size_t n = r.individuals.size(), k = r.eta_names.size(), p = r.parameter_names.size();
  std::vector<double> id, eta, se, cov, params, obj;
  std::vector<std::int64_t> converged, evals;
  for (const auto& i : r.individuals) {
    id.push_back(i.id);
    eta.insert(eta.end(), i.eta.begin(), i.eta.end());
    se.insert(se.end(), i.se.begin(), i.se.end());
    for (std::size_t a = 0; a < k; ++a)
      for (std::size_t b = 0; b < k; ++b)
        cov.push_back(static_cast<Eigen::Index>(k) == i.covariance.rows() ? i.covariance(a, b) : 0.0);
    params.insert(params.end(), i.parameters.begin(), i.parameters.end());
    obj.push_back(i.objective);
    converged.push_back(i.converged ? 1 : 0);
    evals.push_back(i.evaluations);
  }
  h5.create_group(schema::kFit);
  h5.write(schema::kFitId, id);
  h5.write(schema::kFitEtaNames, r.eta_names);
  h5.write(schema::kFitParameterNames, r.parameter_names);
  h5.write(schema::kFitEta, eta, {n, k});
  h5.write(schema::kFitSe, se, {n, k});
  h5.write(schema::kFitCovariance, cov, {n, k, k});
  h5.write(schema::kFitParameters, params, {n, p});
  h5.write(schema::kFitObjective, obj);
  h5.write(schema::kFitConverged, converged);
  h5.write(schema::kFitEvaluations, evals);
  h5.write(schema::kFitObservations, f.observations);
  h5.write(schema::kFitDataCsv, std::vector<std::string>{f.data_csv});
  h5.commit();
}

FitFile read_fit_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw core::UsageError(path + ": does not exist");
  if (!std::filesystem::is_regular_file(path, ec)) throw core::UsageError(path + ": is not a regular file");
  std::unique_ptr<core::H5Reader> h5;
  try {
    h5 = std::make_unique<core::H5Reader>(path);
  } catch (const core::RuntimeError&) {
    throw core::UsageError(path + ": is not an HDF5 file (write a fit file with twinsim fit -o)");
  }
  const std::string root = schema::kRoot;
  if (!h5->exists(schema::kFit) || !h5->has_attribute(root, attr::kMode) ||
      h5->attribute_string(root, attr::kMode) != schema::kModeFit)
    throw core::UsageError(path + ": is not a fit file (no /fit group; write one with twinsim fit -o)");
  if (h5->attribute_int(root, attr::kSchemaVersion) != core::kSchemaVersion)
    throw core::UsageError(path + ": unsupported schema_version " +
                           std::to_string(h5->attribute_int(root, attr::kSchemaVersion)));
  FitFile f;
  f.scenario_name = h5->attribute_string(root, attr::kScenarioName);
  f.scenario_file = h5->attribute_string(root, attr::kScenarioFile);
  f.scenario_yaml = h5->attribute_string(root, attr::kScenarioYaml);
  f.data_file = h5->attribute_string(root, attr::kDataFile);
  const auto csv = h5->read_strings(schema::kFitDataCsv);
  if (csv.size() != 1) throw core::UsageError(path + ": " + schema::kFitDataCsv + " is not one text");
  f.data_csv = csv[0];
  FitResult& r = f.result;
  r.eta_names = h5->read_strings(schema::kFitEtaNames);
  r.parameter_names = h5->read_strings(schema::kFitParameterNames);
  const auto id = h5->read_doubles(schema::kFitId);
  const auto eta = h5->read_doubles(schema::kFitEta), se = h5->read_doubles(schema::kFitSe);
  const auto cov = h5->read_doubles(schema::kFitCovariance), params = h5->read_doubles(schema::kFitParameters);
  const auto obj = h5->read_doubles(schema::kFitObjective);
  const auto conv = h5->read_ints(schema::kFitConverged), evals = h5->read_ints(schema::kFitEvaluations);
  f.observations = h5->read_ints(schema::kFitObservations);
  const std::size_t n = id.size(), k = r.eta_names.size(), p = r.parameter_names.size();
  if (eta.size() != n * k || se.size() != n * k || cov.size() != n * k * k || params.size() != n * p ||
      obj.size() != n || conv.size() != n || evals.size() != n || f.observations.size() != n)
    throw core::UsageError(path + ": the /fit datasets do not have one row per individual");
  for (std::size_t i = 0; i < n; ++i) {
    IndividualFit fit;
    fit.id = id[i];
    fit.eta.assign(eta.begin() + static_cast<std::ptrdiff_t>(i * k), eta.begin() + static_cast<std::ptrdiff_t>((i + 1) * k));
    fit.se.assign(se.begin() + static_cast<std::ptrdiff_t>(i * k), se.begin() + static_cast<std::ptrdiff_t>((i + 1) * k));
    fit.covariance.resize(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k));
    for (std::size_t a = 0; a < k; ++a)
      for (std::size_t b = 0; b < k; ++b)
        fit.covariance(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) = cov[i * k * k + a * k + b];
    fit.parameters.assign(params.begin() + static_cast<std::ptrdiff_t>(i * p),
                          params.begin() + static_cast<std::ptrdiff_t>((i + 1) * p));
    fit.objective = obj[i];
    fit.converged = conv[i] != 0;
    fit.evaluations = static_cast<int>(evals[i]);
    r.individuals.push_back(std::move(fit));
  }
  return f;
}

}  // namespace twinsim::trial
