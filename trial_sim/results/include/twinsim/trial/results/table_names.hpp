// The names of a design's result tables and of their columns: the typed
// tables of results/ (result_tables.hpp) and the HDF5 datasets of io/
// (schema.hpp, which includes this header) are named by these constants and
// no literal of their own, so the in-memory results and the file agree.
#pragma once

namespace twinsim::trial::schema {

// Tables of a design group, each a group of equally long columns.
inline constexpr char kTrials[] = "trials";
inline constexpr char kPatients[] = "patients";
inline constexpr char kCycles[] = "cycles";
inline constexpr char kTimecourses[] = "timecourses";
inline constexpr char kOc[] = "oc";

// --- Columns -------------------------------------------------------------------
namespace col {
// trials/
inline constexpr char kTrial[] = "trial";
inline constexpr char kSelectedDose[] = "selected_dose";
inline constexpr char kNPatients[] = "n_patients";
inline constexpr char kNDlts[] = "n_dlts";
inline constexpr char kNCohorts[] = "n_cohorts";
inline constexpr char kDurationDays[] = "duration_days";
// patients/ (with trial), besides the model's parameters and extra columns
inline constexpr char kPatient[] = "patient";
inline constexpr char kCohort[] = "cohort";
inline constexpr char kDoseIndex[] = "dose_index";
inline constexpr char kDlt[] = "dlt";
inline constexpr char kSolveStatus[] = "solve_status";
inline constexpr char kDose[] = "dose";
inline constexpr char kDltTimeH[] = "dlt_time_h";
inline constexpr char kCmax[] = "cmax";
inline constexpr char kTmax[] = "tmax";
inline constexpr char kCtrough[] = "ctrough";
inline constexpr char kCminLast[] = "cmin_last";
inline constexpr char kAucFirst[] = "auc_first";
inline constexpr char kAucLast[] = "auc_last";
inline constexpr char kAucTotal[] = "auc_total";
// cycles/ (with trial, patient), besides the model's cycle columns
inline constexpr char kCycle[] = "cycle";
// timecourses/ (with one [patients, T] table per variable)
inline constexpr char kTime[] = "time";
// oc/ (with trials, and OcMetric::stored of every design-level OC)
inline constexpr char kPSelect[] = "p_select";
inline constexpr char kMeanPatients[] = "mean_patients";
inline constexpr char kMeanDlts[] = "mean_dlts";
inline constexpr char kTrueTargetDose[] = "true_target_dose";
inline constexpr char kTrueObdDose[] = "true_obd_dose";    // OBD designs: the true OBD (-1: none)
inline constexpr char kTrueUtility[] = "true_utility";     // OBD designs: per dose, 0-100
inline constexpr char kScoringTarget[] = "scoring_target";
inline constexpr char kSeSuffix[] = "_se";  // the Monte-Carlo SE of the dataset it follows
// variant_table/ (with one column per sweep axis)
inline constexpr char kId[] = "id";
inline constexpr char kIndex[] = "index";
}  // namespace col

// The run's mode (attribute `mode` of a result file, OcReport::mode).
inline constexpr char kModePkpd[] = "pkpd";
inline constexpr char kModeDesignOnly[] = "design_only";

}  // namespace twinsim::trial::schema
