// Every HDF5 path and attribute name of the result file and of a merged sweep
// file (docs/hdf5-schema.md), in one place: the writer, the reader, the
// sweep merge and the sweep report use these names and no literal of their
// own. Renaming one is a schema change (core::kSchemaVersion). The oc/
// datasets of the design-level OCs are named in the OC table itself
// (OcMetric::stored, results/oc_metrics.hpp), as `<stored>` and `<stored>_se`.
// The names of a design's tables and their columns are those of the typed
// tables themselves (results/table_names.hpp, included here): the in-memory
// results and the file name a column alike.
#pragma once

#include <string>

#include "twinsim/trial/results/table_names.hpp"  // the table and column names (schema::kTrials, schema::col)

namespace twinsim::trial::schema {

// --- Groups and datasets -----------------------------------------------------
inline constexpr char kRoot[] = "/";
inline constexpr char kDoseLevels[] = "/dose_levels";
inline constexpr char kTruth[] = "/truth";  // prefix of the two below (a sweep variant copies them)
inline constexpr char kTruthDltProbability[] = "/truth/dlt_probability";
inline constexpr char kTruthDltProbabilitySe[] = "/truth/dlt_probability_se";
// Design-only mode with `efficacy`: the given response curve and P(DLT and response).
inline constexpr char kTruthResponseProbability[] = "/truth/response_probability";
inline constexpr char kTruthDltAndResponseProbability[] = "/truth/dlt_and_response_probability";
// PK/PD mode with an OBD design: the same two, estimated from the reference
// cohort, with binomial SEs and the number of patients evaluable for response.
inline constexpr char kTruthResponseProbabilitySe[] = "/truth/response_probability_se";
inline constexpr char kTruthDltAndResponseProbabilitySe[] = "/truth/dlt_and_response_probability_se";
inline constexpr char kTruthResponseEvaluable[] = "/truth/response_evaluable";
inline constexpr char kDesigns[] = "/designs";  // one group per design, named as the design

// "/designs/NAME"
inline std::string design_group(const std::string& name) { return std::string(kDesigns) + "/" + name; }
// "GROUP/TABLE/": the prefix of the table's columns.
inline std::string table(const std::string& group, const char* name) { return group + "/" + name + "/"; }

// Merged sweep file: one row per variant, one group per variant holding what
// a result file holds at its root (attributes, dose_levels, truth/, designs/*/oc).
inline constexpr char kVariantTable[] = "/variant_table";
inline constexpr char kVariants[] = "/variants";

// A fit file (`twinsim fit -o`, docs/hdf5-schema.md "Fit file"): one row per
// fitted individual, in data-set order.
inline constexpr char kFit[] = "/fit";
inline constexpr char kFitId[] = "/fit/id";                    // [N]
inline constexpr char kFitEtaNames[] = "/fit/eta_names";       // [K]
inline constexpr char kFitParameterNames[] = "/fit/parameter_names";  // [P]
inline constexpr char kFitEta[] = "/fit/eta";                  // [N, K] MAP
inline constexpr char kFitSe[] = "/fit/se";                    // [N, K] NaN: not positive definite
inline constexpr char kFitCovariance[] = "/fit/covariance";    // [N, K, K] Laplace (or Omega)
inline constexpr char kFitParameters[] = "/fit/parameters";    // [N, P] at the MAP
inline constexpr char kFitObjective[] = "/fit/objective";      // [N]
inline constexpr char kFitConverged[] = "/fit/converged";      // [N] 0/1
inline constexpr char kFitEvaluations[] = "/fit/evaluations";  // [N]
inline constexpr char kFitObservations[] = "/fit/observations";  // [N] observation records used
inline constexpr char kFitDataCsv[] = "/fit/data_csv";         // [1] the data set's full text
inline constexpr char kModeFit[] = "fit";  // attr::kMode of a fit file

// A simulate file (`twinsim simulate --data -o`, docs/hdf5-schema.md
// "Simulate file"): column datasets of the rows `--format csv` prints, the
// individuals' parameters and the doses given.
inline constexpr char kSimulate[] = "/simulate";
inline constexpr char kSimulateOutputs[] = "/simulate/outputs";                  // [K] in column order
inline constexpr char kSimulateParameterNames[] = "/simulate/parameter_names";   // [P]
inline constexpr char kSimulateObservations[] = "/simulate/observations/";       // + ID, TIME, record, <output>
inline constexpr char kSimulateIndividuals[] = "/simulate/individuals/";         // + ID, solve_status, <parameter>
inline constexpr char kSimulateDoses[] = "/simulate/doses/";                     // + ID, TIME, AMT, RATE, CMT, ...
inline constexpr char kSimulateDataCsv[] = "/simulate/data_csv";                 // [1] the data set's full text
namespace simcol {  // column names under the groups above, as in the data set
inline constexpr char kId[] = "ID";
inline constexpr char kTime[] = "TIME";
inline constexpr char kAmt[] = "AMT";
inline constexpr char kRate[] = "RATE";
inline constexpr char kCmt[] = "CMT";
inline constexpr char kRecord[] = "record";  // 1-based CSV line of the record
inline constexpr char kAdditional[] = "additional";
inline constexpr char kSs[] = "SS";
inline constexpr char kSolveStatus[] = "solve_status";
}  // namespace simcol
inline constexpr char kModeSimulate[] = "simulate";  // attr::kMode of a simulate file

// The value of attr::kOcMethod in a file of exact OCs.
inline constexpr char kOcMethodExact[] = "exact";

// --- Attributes ------------------------------------------------------------------
namespace attr {
// Root of a result file (a sweep variant group copies them).
inline constexpr char kTwinsimVersion[] = "twinsim_version";
inline constexpr char kSchemaVersion[] = "schema_version";
inline constexpr char kScenarioName[] = "scenario_name";
inline constexpr char kScenarioFile[] = "scenario_file";
inline constexpr char kScenarioYaml[] = "scenario_yaml";
inline constexpr char kSeed[] = "seed";
inline constexpr char kReplicates[] = "replicates";
inline constexpr char kMode[] = "mode";  // kModePkpd or kModeDesignOnly
inline constexpr char kCreatedUtc[] = "created_utc";
inline constexpr char kScoringOverdoseFactor[] = "scoring_overdose_factor";
inline constexpr char kScoringAcceptableMargin[] = "scoring_acceptable_margin";
inline constexpr char kAccrualPatientsPerMonth[] = "accrual_patients_per_month";
inline constexpr char kAccrualDltWindowDays[] = "accrual_dlt_window_days";
// "poisson" when arrivals are Poisson (absent: fixed gaps); trials/duration_days then times every design.
inline constexpr char kAccrualArrivals[] = "accrual_arrivals";
inline constexpr char kComplete[] = "complete";  // 1, written last
// Root of a fit file: the data set it was fitted to (path as given; its text is kFitDataCsv).
inline constexpr char kDataFile[] = "data_file";
// Root of a simulate file: 1 when random effects were drawn (--iiv), else 0.
inline constexpr char kIiv[] = "iiv";
inline constexpr char kSweepVariantId[] = "sweep_variant_id";
inline constexpr char kSweepVariantHash[] = "sweep_variant_hash";
// "exact" (kOcMethodExact): oc/ holds exact OCs (run --exact), trials/ is empty.
inline constexpr char kOcMethod[] = "oc_method";
// OcReport::population_key: files with equal keys, seeds and replicates
// simulated the same patients (compare pairs them). Older files: derived from
// scenario_yaml.
inline constexpr char kPopulationKey[] = "population_key";
// truth/dlt_probability (PK/PD mode)
inline constexpr char kCohortSize[] = "cohort_size";
inline constexpr char kFailedPatients[] = "failed_patients";  // and on a design group
// A design group
inline constexpr char kType[] = "type";
inline constexpr char kTarget[] = "target";
inline constexpr char kMaxPatients[] = "max_patients";
// 1 on a time-driven design of a type that is not always one (boin with backfill).
inline constexpr char kTimeDriven[] = "time_driven";
inline constexpr char kSelectsObd[] = "selects_obd";
inline constexpr char kReplacedPatients[] = "replaced_patients";
inline constexpr char kOnSolveFailure[] = "on_solve_failure";
inline constexpr char kFailedPrefix[] = "failed_";  // failed_<SolveStatus name>
// 0-based place in the scenario's designs list (HDF5 lists a group's members
// by name). Older files: the order of the names in scenario_yaml.
inline constexpr char kDesignIndex[] = "design_index";
// Columns with a unit
inline constexpr char kUnit[] = "unit";
// Root of a merged sweep file
inline constexpr char kKind[] = "kind";  // kKindSweep
inline constexpr char kSweepFile[] = "sweep_file";
inline constexpr char kSweepHash[] = "sweep_hash";
inline constexpr char kCombine[] = "combine";
inline constexpr char kNVariants[] = "n_variants";
// An axis column of variant_table/
inline constexpr char kKeyPath[] = "key_path";
inline constexpr char kAxis[] = "axis";  // its place in the sweep file (HDF5 lists names sorted)
}  // namespace attr

// Attribute values with a fixed vocabulary.
// (kModePkpd, kModeDesignOnly: table_names.hpp)
inline constexpr char kKindSweep[] = "sweep";
inline constexpr char kUnitHours[] = "h";

}  // namespace twinsim::trial::schema
